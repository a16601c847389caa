import { describe, expect, it } from 'vitest';
import { checkStageReason, DLQ_HEADERS, DLQ_REASON_CODES, DLQ_STAGE_REASONS, DLQ_STAGES, isDlqReason, isDlqStage } from './dead-letter.ts';

describe('dead-letter contract', () => {
  it('names the headers of §4', () => {
    expect(Object.values(DLQ_HEADERS).sort()).toEqual(
      ['dlq.failed_at', 'dlq.message', 'dlq.reason', 'dlq.service', 'dlq.source.offset', 'dlq.source.partition', 'dlq.source.topic', 'dlq.stage'],
    );
  });

  it('knows the stages and reason codes', () => {
    expect(DLQ_STAGES).toEqual(['bridge', 'router', 'extractor', 'sink', 'archiver']);
    expect(DLQ_REASON_CODES).toEqual([
      'invalid_json',
      'invalid_envelope',
      'unknown_event_name',
      'invalid_payload',
      'payload_too_large',
      'schema_error',
      'warehouse_rejected',
    ]);
    expect(isDlqReason('invalid_payload')).toBe(true);
    expect(isDlqReason('toString')).toBe(false);
    expect(isDlqStage('sink')).toBe(true);
    expect(isDlqStage('loader')).toBe(false);
  });

  it('lets each stage give only its own reasons, and every reason is some stage\'s', () => {
    expect(() => checkStageReason('sink', 'warehouse_rejected')).not.toThrow();
    expect(() => checkStageReason('bridge', 'warehouse_rejected')).toThrow('a bridge dead letter cannot have reason warehouse_rejected');
    expect(() => checkStageReason('archiver', 'invalid_json')).toThrow();
    expect(new Set(Object.values(DLQ_STAGE_REASONS).flat())).toEqual(new Set(DLQ_REASON_CODES));
  });
});
