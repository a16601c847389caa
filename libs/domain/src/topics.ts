import { FAMILIES, type Family } from './catalog.ts';
import { EXTRACTED_TABLES, type ExtractedTableName } from './tables.ts';

/** Topic names of §4; every name is configurable. */
export interface TopicNames {
  /** Envelopes as received by the bridge. */
  raw: string;
  /** Dead letters of every stage. */
  dlq: string;
  /** `<familyPrefix><family>`: raw envelopes split by family. */
  familyPrefix: string;
  /** `<dwhPrefix><table>`: Avro warehouse rows. */
  dwhPrefix: string;
  /** The bridge's pull cursor (compacted, one partition: a single writer, latest value per key). */
  bridgeCursor: string;
}

export const DEFAULT_TOPIC_NAMES: Readonly<TopicNames> = Object.freeze({
  raw: 'checkout.events.raw',
  dlq: 'checkout.dlq',
  familyPrefix: 'checkout.events.',
  dwhPrefix: 'dwh.',
  bridgeCursor: 'checkout.bridge.cursor',
});

export function familyTopic(names: TopicNames, family: Family): string {
  return `${names.familyPrefix}${family}`;
}

export function tableTopic(names: TopicNames, table: ExtractedTableName): string {
  return `${names.dwhPrefix}${table}`;
}

export interface CatalogTopic {
  name: string;
  partitions: number;
  /** Topic-level configs to create the topic with, e.g. `{ 'cleanup.policy': 'compact' }`. */
  config?: Record<string, string>;
}

/** Every topic of the catalog with its partition count (the cursor topic has 1 partition and is compacted). */
export function catalogTopics(partitions = 6, names: TopicNames = DEFAULT_TOPIC_NAMES): CatalogTopic[] {
  if (!Number.isInteger(partitions) || partitions < 1) throw new RangeError(`partitions must be a positive integer, got ${partitions}`);
  return [
    { name: names.raw, partitions },
    ...FAMILIES.map((family) => ({ name: familyTopic(names, family), partitions })),
    ...EXTRACTED_TABLES.map((table) => ({ name: tableTopic(names, table), partitions })),
    { name: names.dlq, partitions },
    { name: names.bridgeCursor, partitions: 1, config: { 'cleanup.policy': 'compact' } },
  ];
}
