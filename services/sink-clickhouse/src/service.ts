import type { Registry } from 'prom-client';
import { tableTopic } from '@ckt/domain';
import { createDeadLetterPublisher, topicIdsOf, topicNames } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { throttledCheck } from '@ckt/observability';
import { createPartitionedSink } from '@ckt/partitioned-sink';
import { retry, RetryStoppedError, type BackoffOptions } from '@ckt/resilience';
import { createRowCodec, rowCodecOptions, type RowCodec } from '@ckt/schemas';
import { startService, type RunningService, type ServiceParts } from '@ckt/service';
import {
  describeWarehouseError,
  migrate,
  MigrationError,
  openWarehouse,
  removeWarehouseOwner,
  writeWarehouseOwner,
  type MigrationResult,
  type Warehouse,
} from '@ckt/warehouse';
import { ClickHouseStore } from './clickhouse-store.ts';
import type { SinkConfig } from './config.ts';
import { createSinkMetrics, sinkObserver } from './metrics.ts';
import { startQueryServer, type QueryServer } from './query-server.ts';
import type { RecordDecode } from './record-decoder.ts';

export const SINK_SERVICE = 'sink-clickhouse';

interface SinkDeps {
  logger?: Logger;
  registry?: Registry;
  /** The warehouse to write (default: opened from the config). Tests wrap it to inject failures. */
  warehouse?: Warehouse;
  /** Avro decoder (default: @ckt/schemas' codec on SCHEMA_REGISTRY_URL). */
  decode?: RecordDecode;
}

/** The running sink: the service runtime's health, readiness and shutdown, and its warehouse. */
export interface SinkService extends Pick<RunningService<ServiceParts>, 'health' | 'isReady' | 'shutdownSteps' | 'stop'> {
  readonly registry: Registry;
  readonly warehouse: Warehouse;
  readonly migrations: MigrationResult;
  /** `POST` SQL here for read-only rows as JSON lines (undefined when the route is off). */
  readonly queryUrl: string | undefined;
}

/**
 * Starts the ClickHouse sink: applies the migrations, then consumes dwh.<table> (Avro rows) into the star schema,
 * exactly once in effect (see clickhouse-store.ts). Transient warehouse failures pause and retry the affected
 * partitions; rows the warehouse rejects and records that do not decode go to the dead-letter topic.
 */
export async function startSink(config: SinkConfig, deps: SinkDeps = {}): Promise<SinkService> {
  const logger = deps.logger ?? createLogger(SINK_SERVICE, config);
  const names = topicNames(config);
  const tables = config.SINK_TABLES.map((table) => ({ table, topic: tableTopic(names, table) }));
  const topics = tables.map((t) => t.topic);
  const backoff = { initialMs: config.SINK_RETRY_INITIAL_MS, maxMs: Math.max(config.SINK_RETRY_INITIAL_MS, config.SINK_RETRY_MAX_MS) };

  const warehouse = deps.warehouse ?? (await openWarehouse(config));
  const closeWarehouse = once(() => (deps.warehouse ? Promise.resolve() : warehouse.close()));
  try {
    // The schema first: an unreachable server is waited for (with a bounded number of attempts).
    const migrations = await migrateWithRetries(warehouse, logger, backoff);
    logger.info({ applied: migrations.applied, alreadyApplied: migrations.alreadyApplied.length, warehouse: warehouse.target, location: warehouse.location }, 'warehouse schema up to date');
    const codec = deps.decode ? undefined : createRowCodec(rowCodecOptions(config, SINK_SERVICE));
    const decode = deps.decode ?? (codec as RowCodec).decodeRow;
    let queryServer: QueryServer | undefined;

    const service = await startService({
      name: SINK_SERVICE,
      settings: config,
      topics: [...topics, names.dlq],
      names,
      logger,
      registry: deps.registry,
      async build({ kafka, publisher, registry }) {
        const metrics = createSinkMetrics(registry);
        const tableOf = new Map(tables.map((t) => [t.topic, t.table]));
        const sink = createPartitionedSink({
          store: new ClickHouseStore({
            tables,
            warehouse,
            decode,
            writerType: codec?.writerType,
            deadLetters: createDeadLetterPublisher(publisher, { topic: names.dlq, service: SINK_SERVICE }),
            topicId: async (topic) => (await topicIdsOf(kafka, [topic])).get(topic) ?? '',
            limits: { maxRows: config.SINK_FLUSH_ROWS, maxBytes: config.SINK_FLUSH_BYTES, maxAgeMs: config.SINK_FLUSH_INTERVAL_MS },
            tableInsertConcurrency: config.SINK_TABLE_INSERT_CONCURRENCY,
            metrics,
            logger,
          }),
          consumer: {
            kafka,
            groupId: config.SINK_GROUP_ID,
            topics,
            registry,
            sessionTimeoutMs: config.KAFKA_SESSION_TIMEOUT_MS,
            partitionsConsumedConcurrently: config.SINK_PARTITIONS_CONCURRENTLY,
            // Paused partitions (backpressure, memory, retries) are fetched again only on the next fetch: a short
            // wait lets a fully paused consumer resume within ~200 ms instead of a second.
            maxWaitTimeInMs: config.KAFKA_FETCH_MAX_WAIT_MS,
          },
          backoff,
          maxBufferedBytes: config.SINK_MAX_BUFFERED_BYTES,
          drainTimeoutMs: config.SINK_DRAIN_TIMEOUT_MS,
          observer: sinkObserver((topic) => tableOf.get(topic) ?? topic, metrics),
          logger,
        });
        const routeOn = config.SINK_QUERY_ROUTE === 'on' || (config.SINK_QUERY_ROUTE === 'auto' && warehouse.target === 'chdb');
        queryServer = routeOn ? await startQueryRoute(config, logger, registry) : undefined;
        const queryUrl = queryServer?.url;
        return {
          readiness: { consumer: sink.runner.isReady, producer: publisher.isConnected, warehouse: throttledCheck(2000, () => warehouse.ping()), partitions: sink.healthy },
          async start() {
            if (queryUrl && warehouse.target === 'chdb') writeWarehouseOwner(warehouse.location, { pid: process.pid, queryUrl, startedAt: new Date().toISOString() });
            await sink.start();
          },
          shutdownSteps: [
            ...sink.shutdownSteps,
            {
              name: 'query session',
              run: async () => {
                if (warehouse.target === 'chdb') removeWarehouseOwner(warehouse.location);
                await queryServer?.close();
              },
            },
            { name: 'warehouse', run: closeWarehouse },
          ],
          lag: { groupId: config.SINK_GROUP_ID, topics },
        };
      },
    });
    const queryUrl = queryServer?.url;
    logger.info({ topics, groupId: config.SINK_GROUP_ID, healthPort: service.health.port, queryUrl }, 'sink started');
    return { health: service.health, registry: service.context.registry, warehouse, migrations, queryUrl, isReady: service.isReady, shutdownSteps: service.shutdownSteps, stop: service.stop };
  } catch (error) {
    await closeWarehouse();
    throw error;
  }
}

/** The read-only query route on its own listener; off loopback only with a token. */
async function startQueryRoute(config: SinkConfig, logger: Logger, registry: Registry): Promise<QueryServer> {
  const limits = {
    maxMemoryBytes: config.SINK_QUERY_MAX_MEMORY_BYTES,
    maxExecutionSeconds: config.SINK_QUERY_MAX_SECONDS,
    maxResultRows: config.SINK_QUERY_MAX_RESULT_ROWS,
    maxResultBytes: config.SINK_QUERY_MAX_RESULT_BYTES,
  };
  return startQueryServer(
    {
      port: config.SINK_QUERY_PORT,
      host: config.SINK_QUERY_HOST,
      token: config.SINK_QUERY_TOKEN,
      maxStatementBytes: config.SINK_QUERY_MAX_STATEMENT_BYTES,
      concurrency: config.SINK_QUERY_CONCURRENCY,
    },
    { openSession: () => openWarehouse(config, { readonly: true, limits }), logger, registry },
  );
}

/** Waits up to a minute for an unreachable warehouse; a refused migration (MigrationError) fails at once. */
async function migrateWithRetries(warehouse: Warehouse, logger: Logger, backoff: BackoffOptions): Promise<MigrationResult> {
  const startup = new AbortController();
  const giveUp = setTimeout(() => startup.abort(), MIGRATION_WAIT_MS);
  let lastError: unknown;
  try {
    return await retry(() => migrate(warehouse, { logger }), {
      backoff,
      signal: startup.signal,
      retryable: (error) => !(error instanceof MigrationError),
      onRetry: ({ error, attempt, delayMs }) => {
        lastError = error;
        logger.warn({ error: describeWarehouseError(error), attempt, retryInMs: delayMs }, 'migrations failed, retrying');
      },
    });
  } catch (error) {
    if (error instanceof RetryStoppedError) {
      throw new Error(`warehouse migrations kept failing for ${MIGRATION_WAIT_MS / 1000} s: ${describeWarehouseError(lastError)}`, { cause: lastError });
    }
    throw error;
  } finally {
    clearTimeout(giveUp);
  }
}

const MIGRATION_WAIT_MS = 60_000;

function once(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}
