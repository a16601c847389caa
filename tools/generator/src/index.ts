/** @ckt/generator: deterministic checkout traffic with fault injection, and the outcome it must produce. */
export {
  generate,
  generateRecords,
  resolveGeneratorOptions,
  GeneratorOptionError,
  DEFAULT_EVENT_SIZE_LIMIT,
  DEFAULT_START_TIME,
  MIN_EVENT_SIZE_LIMIT,
  type GeneratedRecord,
  type GeneratorOptions,
  type RecordKind,
} from './generator.ts';
export {
  FAULT_KINDS,
  NO_FAULTS,
  OVERSIZE_MARGIN_BYTES,
  FaultSpecError,
  checkFaultRates,
  parseFaultSpec,
  type DeadLetterExpectation,
  type FaultDetail,
  type FaultKind,
  type FaultRates,
} from './faults.ts';
export {
  expectedOutcome,
  OutcomeAccumulator,
  WAREHOUSE_TABLES,
  type DeliveredRecord,
  type ExpectedOutcome,
  type MoneyByCurrency,
  type OutcomeOptions,
  type WarehouseTable,
} from './outcome.ts';
export { classifyRecord, type Classification } from './validate.ts';
export {
  EVENT_NAMES,
  EVENT_RULES,
  FAMILIES,
  DEAD_LETTER_REASONS,
  DEAD_LETTER_STAGES,
  requiredFields,
  type DeadLetterReason,
  type DeadLetterStage,
  type EventName,
  type Family,
} from './catalog.ts';
export { createPrng, type Prng } from './prng.ts';
export { runNamespace, type RunNamespace } from './world/ids.ts';
export { moneyToCents, formatCents } from './money.ts';
export { parseTimestampMs, TIMESTAMP_FORMATS, type TimestampFormat } from './timestamps.ts';
export { encodeBatch, nextBatchSize, planBatch, BODY_FORMATS, type BatchPlan, type BodyFormat, type EncodedBody, type Framing } from './batching.ts';
export { createHttpSender, eventsEndpoint, retryAfterMs, type HttpSender, type HttpSenderOptions, type SendOutcome } from './http-sender.ts';
export { startPullServer, type PullServer, type PullServerOptions, type PullSource } from './pull-server.ts';
export { createScheduledSource } from './record-store.ts';
export { createSchedule, type Schedule } from './schedule.ts';
export { parseCliArgs, USAGE, type CliOptions, type CliParse, type Mode } from './cli.ts';
export { runGenerator } from './run.ts';
export type { RunIo } from './run-io.ts';
export type { RunSummary } from './summary.ts';
