export {
  startExtractor,
  createExtractorHandler,
  EXTRACTOR_SERVICE,
  type ExtractorService,
  type ExtractorDeps,
  type ExtractorCodec,
} from './extractor.ts';
export { extractorEnv, extractorSchema, type ExtractorConfig } from './config.ts';
export { extractRecord, type ExtractDecision, type ExtractContext, type ExtractorFailureReason, type RowEncoder, type OutputRow } from './extract-record.ts';
export { extractBatch, EXTRACTOR_STAGE } from './extract-batch.ts';
export { registerRowSchemas, DEFAULT_REGISTRATION_RETRY, type RegistrationRetry } from './schema-registration.ts';
