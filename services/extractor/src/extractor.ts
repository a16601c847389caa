import type { Registry } from 'prom-client';
import { FAMILIES, EXTRACTED_TABLES, familyTopic, tableTopic, type TopicNames } from '@ckt/domain';
import { createOutboxHandler, topicNames, type BatchHandler, type Publisher, type StageMetrics } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { startStageService, type StageService } from '@ckt/service';
import { createRowCodec, rowCodecOptions, type RowCodec } from '@ckt/schemas';
import type { ExtractorConfig } from './config.ts';
import { EXTRACTOR_STAGE, extractBatch } from './extract-batch.ts';
import type { RowEncoder } from './extract-record.ts';
import { registerRowSchemas, type RegistrationRetry } from './schema-registration.ts';

export const EXTRACTOR_SERVICE = 'extractor';

/** What the extractor needs from the row codec of @ckt/schemas. */
type ExtractorCodec = Pick<RowCodec, 'registerTableSchemas' | 'encode'>;

interface ExtractorDeps {
  logger?: Logger;
  registry?: Registry;
  /** Defaults to @ckt/schemas' codec on SCHEMA_REGISTRY_URL. */
  codec?: ExtractorCodec;
  /** How long to wait for an unreachable registry at start (default about half a minute). */
  registrationRetry?: RegistrationRetry;
}

export interface ExtractorService extends StageService {
  /** Schema id per table, as registered at start. */
  readonly schemaIds: ReadonlyMap<string, number>;
}

/** One fetched family batch -> one sendBatch (rows on dwh.* + dead letters); the runner commits after it resolves. */
function createExtractorHandler(deps: {
  publisher: Pick<Publisher, 'sendBatch'>;
  names: TopicNames;
  emailPepper: string;
  encode: RowEncoder;
  metrics: StageMetrics;
  logger: Logger;
}): BatchHandler {
  const context = { names: deps.names, emailPepper: deps.emailPepper, encode: deps.encode };
  return createOutboxHandler({ ...deps, stage: EXTRACTOR_STAGE, build: (batch) => extractBatch(batch, context, { service: EXTRACTOR_SERVICE }) });
}

/**
 * Starts the extractor: family topics -> Avro rows on dwh.<table>. Registers every row schema first; an
 * incompatible schema refuses the start with an error naming the subject.
 */
export async function startExtractor(config: ExtractorConfig, deps: ExtractorDeps = {}): Promise<ExtractorService> {
  const logger = deps.logger ?? createLogger(EXTRACTOR_SERVICE, config);
  const names = topicNames(config);
  const sources = FAMILIES.map((family) => familyTopic(names, family));
  const codec = deps.codec ?? createRowCodec(rowCodecOptions(config));
  if (config.EXTRACTOR_EMAIL_PEPPER === '') {
    logger.warn('EXTRACTOR_EMAIL_PEPPER is empty: e-mail hashes are plain SHA-256 and can be matched against lists of hashed addresses');
  }

  // Registration comes first: a refused schema (SchemaRegistryRefusedError, naming the subject) stops the
  // start before anything is consumed. Ids are cached by the codec; encoding never calls the registry.
  const schemaIds = await registerRowSchemas(codec, names, logger, deps.registrationRetry);
  logger.info({ schemaIds: Object.fromEntries(schemaIds) }, 'row schemas registered');

  const service = await startStageService({
    name: EXTRACTOR_SERVICE,
    settings: config,
    groupId: config.EXTRACTOR_GROUP_ID,
    sources,
    outputs: [...EXTRACTED_TABLES.map((table) => tableTopic(names, table)), names.dlq],
    names,
    partitionsConcurrently: config.EXTRACTOR_PARTITIONS_CONCURRENTLY,
    logger,
    registry: deps.registry,
    createHandler: ({ publisher, metrics }) =>
      createExtractorHandler({ publisher, names, emailPepper: config.EXTRACTOR_EMAIL_PEPPER, encode: codec.encode, metrics, logger }),
  });
  logger.info({ sources, groupId: config.EXTRACTOR_GROUP_ID, healthPort: service.health.port }, 'extractor started');
  return { ...service, schemaIds };
}
