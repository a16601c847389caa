/** Dead-letter contract of the catalog's §4: header names, stages and reason codes. */

export const DLQ_HEADERS = {
  stage: 'dlq.stage',
  reason: 'dlq.reason',
  message: 'dlq.message',
  sourceTopic: 'dlq.source.topic',
  sourcePartition: 'dlq.source.partition',
  sourceOffset: 'dlq.source.offset',
  service: 'dlq.service',
  failedAt: 'dlq.failed_at',
} as const;

export const DLQ_STAGES = ['bridge', 'router', 'extractor', 'sink', 'archiver'] as const;
export type DlqStage = (typeof DLQ_STAGES)[number];

/** Every reason code, with what it means for whoever looks at the dead letter. */
export const DLQ_REASONS = {
  invalid_json: 'the record is not valid JSON',
  invalid_envelope: 'event_id, event_name, event_timestamp or payload is missing or malformed',
  unknown_event_name: 'event_name is well-formed but not in the event catalog',
  invalid_payload: 'a required payload field is missing, or a payload field has the wrong type or format',
  payload_too_large: 'the record exceeds the size limit of the stage',
  schema_error: 'the row could not be encoded or decoded with its Avro schema / Schema Registry',
  warehouse_rejected: 'the warehouse refused the row on insert',
} as const;
export type DlqReason = keyof typeof DLQ_REASONS;
export const DLQ_REASON_CODES = Object.keys(DLQ_REASONS) as DlqReason[];

export function isDlqReason(value: string): value is DlqReason {
  return Object.hasOwn(DLQ_REASONS, value);
}

export function isDlqStage(value: string): value is DlqStage {
  return (DLQ_STAGES as readonly string[]).includes(value);
}
