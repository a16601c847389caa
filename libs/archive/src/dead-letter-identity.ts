import { createHash } from 'node:crypto';
import type { ArchivedRecord } from './record-line.ts';

const header = (record: ArchivedRecord, name: string): string => {
  const raw = record.headers[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first ? first.toString('utf8') : '';
};

/**
 * What makes two archived dead letters the same letter: the stage and reason, and the bytes of the record that
 * failed. A stage that reads its source again (after a crash, a rebalance or a replay) dead-letters the same
 * record again, often from another source offset (an upstream stage re-published it); the archive keeps every
 * copy, and its readers (redrive, counts) take one of each.
 */
export function deadLetterIdentity(record: ArchivedRecord): string {
  const digest = createHash('sha256').update(record.value ?? Buffer.alloc(0)).digest('base64url');
  return `${header(record, 'dlq.stage')}|${header(record, 'dlq.reason')}|${digest}`;
}
