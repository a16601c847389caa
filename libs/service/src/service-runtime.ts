import type { Registry } from 'prom-client';
import type { TopicNames } from '@ckt/domain';
import { createKafka, createPublisher, ensureServiceTopics, startLagMonitor, type Kafka, type KafkaSettings, type LagMonitor, type Publisher } from '@ckt/kafka';
import { createLogger, type Logger, type LoggingSettings } from '@ckt/logging';
import { createMetricsRegistry, evaluateReadiness, runShutdownSteps, startHealthServer, type HealthServer, type ReadinessChecks, type ShutdownStep } from '@ckt/observability';

export type ServiceSettings = KafkaSettings & Partial<LoggingSettings> & { METRICS_PORT: number; METRICS_HOST: string; LAG_POLL_MS: number };

/** What a service's components are built with. */
export interface ServiceContext {
  readonly logger: Logger;
  readonly registry: Registry;
  readonly kafka: Kafka;
  /** The service's producer: connected before the components start, disconnected after they stopped. */
  readonly publisher: Publisher;
}

/** A service's components, built (not yet started) by its definition. */
export interface ServiceParts {
  /** Checks of /readyz by name; all must pass. */
  readiness: ReadinessChecks;
  /** Starts the components, after the topics exist and the producer is connected. */
  start?(): Promise<void>;
  /** Stops the components, in order (each bounded); the runtime stops the lag monitor, producer and health server after them. */
  shutdownSteps: ShutdownStep[];
  /** The consumer group whose lag on `topics` the service exports. */
  lag?: { groupId: string; topics: string[] };
}

interface ServiceDefinition<Parts extends ServiceParts> {
  name: string;
  settings: ServiceSettings;
  /** Every topic the service reads or writes: created where missing, with the catalog's configs. */
  topics: string[];
  /** The topic names the service runs with (for the catalog's topic configs). */
  names?: TopicNames;
  /** False for a service that only consumes: its producer is never connected. */
  producer?: boolean;
  /** Kafka client id (default KAFKA_CLIENT_ID): tells two services of one image apart in the group's members. */
  clientId?: string;
  logger?: Logger;
  registry?: Registry;
  kafka?: Kafka;
  /** Builds the components. A failure here is the definition's to clean up; the runtime stops what it started. */
  build(context: ServiceContext): Parts | Promise<Parts>;
}

export interface RunningService<Parts extends ServiceParts> {
  readonly parts: Parts;
  readonly context: ServiceContext;
  /** /metrics, /healthz and /readyz. */
  readonly health: HealthServer;
  /** Every readiness check passes. */
  isReady(): Promise<boolean>;
  /** All of the shutdown, in order: the components', then lag monitor, producer, health server. */
  readonly shutdownSteps: ShutdownStep[];
  /** Runs the shutdown steps once (later calls wait for the same run). */
  stop(): Promise<void>;
}

/**
 * Starts a service the same way for all five: logger, registry and Kafka client; the components the definition
 * builds; the health server; its topics; the producer; the components; the lag monitor. A failed start stops
 * what was started, in the shutdown order, and throws.
 */
export async function startService<Parts extends ServiceParts>(definition: ServiceDefinition<Parts>): Promise<RunningService<Parts>> {
  const { name, settings } = definition;
  const logger = definition.logger ?? createLogger(name, settings);
  const registry = definition.registry ?? createMetricsRegistry(name);
  const kafka = definition.kafka ?? createKafka(settings, logger, definition.clientId);
  const publisher = createPublisher(kafka, settings);
  const usesProducer = definition.producer ?? true;
  const context: ServiceContext = { logger, registry, kafka, publisher };
  const parts = await definition.build(context);

  let health: HealthServer | undefined;
  let lag: LagMonitor | undefined;
  const shutdownSteps: ShutdownStep[] = [
    ...parts.shutdownSteps,
    { name: 'lag monitor', run: async () => lag?.stop() },
    ...(usesProducer ? [{ name: 'producer', run: () => publisher.disconnect() }] : []),
    { name: 'health server', run: async () => health?.close() },
  ];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= runShutdownSteps(shutdownSteps, logger));

  try {
    // /healthz answers while the broker is still awaited; /readyz says not ready until the parts are.
    health = await startHealthServer({ port: settings.METRICS_PORT, host: settings.METRICS_HOST, registry, readiness: parts.readiness });
    await ensureServiceTopics(kafka, definition.topics, settings, logger, definition.names);
    if (usesProducer) await publisher.connect();
    await parts.start?.();
    if (parts.lag) lag = startLagMonitor(kafka, { ...parts.lag, registry, logger, intervalMs: settings.LAG_POLL_MS });
  } catch (error) {
    await stop();
    throw error;
  }
  const started = health;
  return {
    parts,
    context,
    health: started,
    isReady: async () => Object.values(await evaluateReadiness(parts.readiness)).every(Boolean),
    shutdownSteps,
    stop,
  };
}
