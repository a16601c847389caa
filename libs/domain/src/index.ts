export type { JsonObject, JsonValue } from './json.ts';
export { isJsonObject } from './json.ts';
export { DEFAULT_TOPIC_NAMES, catalogTopics, familyTopic, tableTopic, type CatalogTopic, type TopicNames } from './topics.ts';
export {
  CATALOG,
  EVENT_NAMES,
  FAMILIES,
  eventSpec,
  eventsOfFamily,
  familyOf,
  isKnownEvent,
  type EventName,
  type EventSpec,
  type Family,
  type RowSpec,
} from './catalog.ts';
export { expectation, type FieldKind, type FieldSpec, type FieldType, type PersonalDataRule } from './field-types.ts';
export type { DerivationName, ValueSource } from './value-sources.ts';
export {
  COLUMN_TYPES,
  EXTRACTED_TABLES,
  TABLES,
  TABLE_NAMES,
  columnNames,
  isExtractedTable,
  tableSpec,
  type ColumnSpec,
  type ColumnType,
  type ExtractedTableName,
  type RowValue,
  type RowValues,
  type TableName,
  type TableSpec,
} from './tables.ts';
export { parseEnvelope, parseEnvelopeValue, type Envelope, type EnvelopeResult, type EnvelopeValueResult } from './envelope.ts';
export { normaliseId } from './ids.ts';
export { rawEventKey } from './keys.ts';
export { maskRawText, maskSensitive, TRUNCATED_MARKER, type MaskOptions, type MaskResult } from './masking.ts';
export { neverLogged } from './log-redaction.ts';
export { looksLikeCardNumber, looksLikeIban, passesLuhn } from './card-detection.ts';
export { MONEY_SCALE, formatUnscaled, parseMoney, roundHalfEven } from './money.ts';
export { birthYear, emailSha256 } from './pii.ts';
export { MAX_TIMESTAMP_MS, MIN_TIMESTAMP_MS, dateKeyOf, parseDate, parseTimestamp } from './timestamp.ts';
export { daysFromIsoDate, epochMsFromIso, isoDateFromDays, isoFromEpochMs } from './iso-time.ts';
export { extractRows, type ExtractionOptions, type ExtractionResult, type WarehouseRow } from './extraction.ts';
export {
  DLQ_HEADERS,
  DLQ_REASONS,
  DLQ_REASON_CODES,
  DLQ_STAGES,
  DLQ_STAGE_REASONS,
  checkStageReason,
  isDlqReason,
  isDlqStage,
  type DlqReason,
  type DlqStage,
  type StageReason,
} from './dead-letter.ts';
