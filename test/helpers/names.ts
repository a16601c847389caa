import { DEFAULT_TOPIC_NAMES, type TopicNames } from '@ckt/domain';

/**
 * The catalog's topic names under a prefix of the test file's own: files share one broker, so each reads and
 * writes only its own topics. Group ids get the same prefix through `group`.
 */
export function testNames(prefix: string): TopicNames & { group(name: string): string; env(): Record<string, string> } {
  const names: TopicNames = {
    raw: `${prefix}.${DEFAULT_TOPIC_NAMES.raw}`,
    dlq: `${prefix}.${DEFAULT_TOPIC_NAMES.dlq}`,
    familyPrefix: `${prefix}.${DEFAULT_TOPIC_NAMES.familyPrefix}`,
    dwhPrefix: `${prefix}.${DEFAULT_TOPIC_NAMES.dwhPrefix}`,
    bridgeCursor: `${prefix}.${DEFAULT_TOPIC_NAMES.bridgeCursor}`,
  };
  return {
    ...names,
    group: (name) => `${prefix}.${name}`,
    /** The services' TOPIC_* settings for these names. */
    env: () => ({
      TOPIC_RAW: names.raw,
      TOPIC_DLQ: names.dlq,
      TOPIC_FAMILY_PREFIX: names.familyPrefix,
      TOPIC_DWH_PREFIX: names.dwhPrefix,
      TOPIC_BRIDGE_CURSOR: names.bridgeCursor,
    }),
  };
}
