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

/**
 * The reasons each stage may give (DECISIONS in the README): a dead letter of another stage's reason is a bug,
 * refused where dead letters are built. The archivers write failed records nowhere but to the archive.
 */
export const DLQ_STAGE_REASONS = {
  bridge: ['invalid_json', 'invalid_envelope', 'payload_too_large'],
  router: ['invalid_json', 'invalid_envelope', 'unknown_event_name'],
  extractor: ['invalid_json', 'invalid_envelope', 'unknown_event_name', 'invalid_payload', 'schema_error'],
  sink: ['schema_error', 'warehouse_rejected'],
  archiver: [],
} as const satisfies Record<DlqStage, readonly DlqReason[]>;
export type StageReason<S extends DlqStage> = (typeof DLQ_STAGE_REASONS)[S][number];

/** Throws when `stage` may not give `reason` (see DLQ_STAGE_REASONS). */
export function checkStageReason(stage: DlqStage, reason: DlqReason): void {
  if (!(DLQ_STAGE_REASONS[stage] as readonly DlqReason[]).includes(reason)) throw new Error(`a ${stage} dead letter cannot have reason ${reason}`);
}

export function isDlqReason(value: string): value is DlqReason {
  return Object.hasOwn(DLQ_REASONS, value);
}

export function isDlqStage(value: string): value is DlqStage {
  return (DLQ_STAGES as readonly string[]).includes(value);
}
