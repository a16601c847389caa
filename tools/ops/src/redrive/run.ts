import { deadLetterIdentity, decodeArchiveObject, parseObjectKey, type ObjectStore } from '@ckt/archive';
import { DLQ_HEADERS } from '@ckt/domain';
import type { OutboundMessage } from '@ckt/kafka';
import type { RedriveFilter } from './args.ts';
import { headerText, hourOverlaps, matchesFilter, redrivePlan } from './selection.ts';

interface RedriveOptions {
  store: ObjectStore;
  /** The archived dead-letter topic (its folder in the archive). */
  archiveTopic: string;
  filter: RedriveFilter;
  targetTopic?: string;
  /** Publishes to Kafka; absent for a dry run. */
  publish?: (topic: string, messages: OutboundMessage[]) => Promise<void>;
  /** One line per object read and per published batch. */
  progress?: (line: string) => void;
  /** Messages per produce request (default 500). */
  batchSize?: number;
}

interface RedriveSummary {
  dryRun: boolean;
  objectsRead: number;
  recordsScanned: number;
  recordsMatched: number;
  /** Published (or, in a dry run, that would be) per destination topic. */
  republished: Record<string, number>;
  /** Matched records per dead-letter reason. */
  byReason: Record<string, number>;
  /** Matched records that could not be redriven, per cause (`copy`: a copy of a letter already taken). */
  skipped: Record<string, number>;
}

const bump = (counts: Record<string, number>, key: string, by = 1) => {
  counts[key] = (counts[key] ?? 0) + by;
};

/**
 * Reads the archived dead letters the filter selects, in archive order (hour, partition, offset), and
 * publishes each original record to its source topic. Objects of hours outside the time range are not read.
 * Copies of one dead letter (a stage that re-read its source writes it again; see deadLetterIdentity) are
 * published once. Redriving twice publishes twice: downstream stages are idempotent by event_id and grain.
 */
export async function runRedrive(o: RedriveOptions): Promise<RedriveSummary> {
  const progress = o.progress ?? (() => {});
  const batchSize = o.batchSize ?? 500;
  const summary: RedriveSummary = { dryRun: !o.publish, objectsRead: 0, recordsScanned: 0, recordsMatched: 0, republished: {}, byReason: {}, skipped: {} };

  const taken = new Set<string>();
  const keys: string[] = [];
  for await (const key of o.store.list(`${o.archiveTopic}/`)) {
    const id = parseObjectKey(key);
    if (id && id.topic === o.archiveTopic && hourOverlaps(id, o.filter)) keys.push(key);
  }
  // Listing order is by hour, then partition, then zero-padded offset: the order the records were archived in.
  progress(`${keys.length} archive object(s) of ${o.archiveTopic} in range in ${o.store.location}`);

  for (const [index, key] of keys.entries()) {
    const body = await o.store.get(key);
    if (!body) continue; // removed since the listing (lifecycle rule)
    const records = decodeArchiveObject(body);
    summary.objectsRead++;
    summary.recordsScanned += records.length;
    const outgoing = new Map<string, OutboundMessage[]>();
    let matched = 0;
    for (const record of records) {
      if (!matchesFilter(record, o.filter)) continue;
      const identity = deadLetterIdentity(record);
      if (taken.has(identity)) {
        bump(summary.skipped, 'copy');
        continue;
      }
      taken.add(identity);
      matched++;
      bump(summary.byReason, headerText(record, DLQ_HEADERS.reason) ?? '(none)');
      const plan = redrivePlan(record, o.targetTopic);
      if ('skip' in plan) {
        bump(summary.skipped, plan.skip);
        continue;
      }
      const list = outgoing.get(plan.topic) ?? [];
      list.push(plan.message);
      outgoing.set(plan.topic, list);
    }
    summary.recordsMatched += matched;
    for (const [topic, messages] of outgoing) {
      for (let i = 0; i < messages.length; i += batchSize) {
        const chunk = messages.slice(i, i + batchSize);
        await o.publish?.(topic, chunk);
        bump(summary.republished, topic, chunk.length);
      }
    }
    const sent = [...outgoing].map(([topic, m]) => `${m.length} -> ${topic}`).join(', ') || 'nothing to send';
    progress(`[${index + 1}/${keys.length}] ${key}: ${records.length} record(s), ${matched} matched; ${o.publish ? 'published' : 'would publish'} ${sent}`);
  }
  return summary;
}

export function formatSummary(s: RedriveSummary): string {
  const pairs = (counts: Record<string, number>) =>
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join(' ') || '-';
  const total = Object.values(s.republished).reduce((a, b) => a + b, 0);
  return [
    `redrive ${s.dryRun ? '(dry run, nothing published)' : 'done'}`,
    `objects read:     ${s.objectsRead}`,
    `records scanned:  ${s.recordsScanned}`,
    `records matched:  ${s.recordsMatched}`,
    `${s.dryRun ? 'would publish:   ' : 'republished:     '} ${total} (${pairs(s.republished)})`,
    `by reason:        ${pairs(s.byReason)}`,
    `skipped:          ${pairs(s.skipped)}`,
  ].join('\n');
}
