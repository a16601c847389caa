export type { JsonValue } from './json.ts';
export { DEFAULT_TOPIC_NAMES, catalogTopics, familyTopic, tableTopic, type CatalogTopic, type TopicNames } from './topics.ts';
export {
  FAMILIES,
  familyOf,
  isKnownEvent,
} from './catalog.ts';
export {
  EXTRACTED_TABLES,
  TABLES,
  TABLE_NAMES,
  isExtractedTable,
  type ColumnSpec,
  type ColumnType,
  type ExtractedTableName,
  type RowValues,
  type TableSpec,
} from './tables.ts';
export { parseEnvelope, parseEnvelopeValue } from './envelope.ts';
export { normaliseId } from './ids.ts';
export { rawEventKey } from './keys.ts';
export { maskRawText, maskSensitive } from './masking.ts';
export { neverLogged } from './log-redaction.ts';
export { emailSha256 } from './pii.ts';
export { daysFromIsoDate, epochMsFromIso, isoDateFromDays, isoFromEpochMs } from './iso-time.ts';
export { extractRows, type WarehouseRow } from './extraction.ts';
export {
  DLQ_HEADERS,
  DLQ_REASON_CODES,
  checkStageReason,
  isDlqReason,
  type DlqReason,
  type DlqStage,
  type StageReason,
} from './dead-letter.ts';
