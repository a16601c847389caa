import { describe, expect, it } from 'vitest';
import { encodeBatch, nextBatchSize, planBatch } from './batching.ts';
import type { GeneratedRecord, RecordKind } from './generator.ts';

const rec = (kind: RecordKind, text = kind === 'malformed' ? '{"event_id":' : '{"a":1}'): GeneratedRecord => ({
  seq: 0,
  kind,
  text,
  eventName: null,
  eventId: null,
  fault: null,
  intended: null,
});
const limits = { maxRecords: 3, maxBodyBytes: 1000 };

describe('nextBatchSize', () => {
  it('takes up to maxRecords', () => {
    expect(nextBatchSize([rec('valid'), rec('valid'), rec('valid'), rec('valid')], limits, false)).toBe(3);
    expect(nextBatchSize([rec('valid')], limits, false)).toBe(1);
    expect(nextBatchSize([], limits, true)).toBe(0);
  });

  it('cuts by body bytes, and sends a record larger than the cap alone', () => {
    const big = rec('oversized', `{"x":"${'y'.repeat(2000)}"}`);
    expect(nextBatchSize([rec('valid'), big, rec('valid')], limits, false)).toBe(1);
    expect(nextBatchSize([big, rec('valid')], limits, false)).toBe(1);
  });

  it('never makes a batch of malformed lines only: extends it, or waits while the stream goes on', () => {
    const m = rec('malformed');
    expect(nextBatchSize([m, m, m, m, rec('valid')], limits, false)).toBe(5);
    expect(nextBatchSize([m, m], limits, false)).toBe(0);
    expect(nextBatchSize([m, m], limits, true)).toBe(2);
    expect(nextBatchSize([m, rec('valid'), m, m], limits, false)).toBe(3);
  });
});

describe('planBatch', () => {
  const v = rec('valid');
  const m = rec('malformed');

  it('alternates framing in mixed format, starting with JSON', () => {
    expect(planBatch([v, v], limits, false, 'mixed', 0)).toEqual({ size: 2, framing: 'json' });
    expect(planBatch([v, v], limits, false, 'mixed', 1)).toEqual({ size: 2, framing: 'ndjson' });
    expect(planBatch([v, v], limits, false, 'ndjson', 0)).toEqual({ size: 2, framing: 'ndjson' });
    expect(planBatch([v, v, v, v], limits, false, 'json', 1)).toEqual({ size: 3, framing: 'json' });
  });

  it('ends a JSON array before a malformed record and sends that one as NDJSON', () => {
    expect(planBatch([v, m, v], limits, false, 'json', 0)).toEqual({ size: 1, framing: 'json' });
    expect(planBatch([m, v, v], limits, false, 'json', 0)).toEqual({ size: 3, framing: 'ndjson' });
    expect(planBatch([m], limits, false, 'json', 0)).toEqual({ size: 0, framing: 'ndjson' });
  });

  it('cuts JSON arrays by body bytes too', () => {
    const big = rec('oversized', `{"x":"${'y'.repeat(2000)}"}`);
    expect(planBatch([v, big], limits, false, 'json', 0)).toEqual({ size: 1, framing: 'json' });
    expect(planBatch([big, v], limits, false, 'json', 0)).toEqual({ size: 1, framing: 'json' });
  });
});

describe('encodeBatch', () => {
  const records = [rec('valid', '{"a":1}'), rec('duplicate', '{"b":2}')];

  it('frames JSON arrays and NDJSON', () => {
    expect(encodeBatch(records, 'json')).toEqual({ body: '[{"a":1},{"b":2}]', contentType: 'application/json' });
    expect(encodeBatch(records, 'ndjson')).toEqual({ body: '{"a":1}\n{"b":2}\n', contentType: 'application/x-ndjson' });
  });

  it('refuses a malformed record in a JSON array', () => {
    expect(() => encodeBatch([rec('malformed'), rec('valid')], 'json')).toThrow();
    expect(encodeBatch([rec('malformed'), rec('valid')], 'ndjson').body).toBe('{"event_id":\n{"a":1}\n');
  });
});
