import type { ArchivedRecord, HourSlot } from '@ckt/archive';
import { DLQ_HEADERS } from '@ckt/domain';
import type { IHeaders, OutboundMessage } from '@ckt/kafka';
import type { RedriveFilter } from './args.ts';

const HOUR_MS = 3_600_000;

/** Whether an object of this UTC hour can hold records in the filter's time range. */
export function hourOverlaps(slot: HourSlot, filter: RedriveFilter): boolean {
  const start = Date.parse(`${slot.date}T${slot.hour}:00:00.000Z`);
  if (filter.from && start + HOUR_MS <= filter.from.getTime()) return false;
  if (filter.to && start >= filter.to.getTime()) return false;
  return true;
}

/** A header's first value as text (dead-letter headers are single text values). */
export function headerText(record: ArchivedRecord, name: string): string | undefined {
  const raw = record.headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === null || first === undefined ? undefined : first.toString('utf8');
}

export function matchesFilter(record: ArchivedRecord, filter: RedriveFilter): boolean {
  const at = Date.parse(record.timestamp);
  if (filter.from && at < filter.from.getTime()) return false;
  if (filter.to && at >= filter.to.getTime()) return false;
  if (filter.reasons.length > 0 && !filter.reasons.includes(headerText(record, DLQ_HEADERS.reason) ?? '')) return false;
  if (filter.sourceTopics.length > 0 && !filter.sourceTopics.includes(headerText(record, DLQ_HEADERS.sourceTopic) ?? '')) return false;
  return true;
}

type RedrivePlan = { topic: string; message: OutboundMessage } | { skip: 'no_source_topic' };

/** The original record to publish again: original key, value and headers minus the dead-letter ones. */
export function redrivePlan(record: ArchivedRecord, targetTopic?: string): RedrivePlan {
  const topic = targetTopic ?? headerText(record, DLQ_HEADERS.sourceTopic);
  if (!topic) return { skip: 'no_source_topic' };
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(record.headers)) {
    if (name.startsWith('dlq.')) continue;
    // kafkajs writes a missing value as a null header value, which is what null was.
    const orUndefined = (v: Buffer | null) => v ?? undefined;
    Object.defineProperty(headers, name, {
      value: Array.isArray(value) ? value.map((v) => orUndefined(v) as Buffer) : orUndefined(value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { topic, message: { key: record.key, value: record.value, headers } };
}
