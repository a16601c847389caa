import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import { checkKafkaSettings, type KafkaSettings } from './settings.ts';

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs INFO is chatty (debug); it logs every error response of a connection at ERROR, retriable ones included
 * (a coordinator still loading, a leader moving): the client that retries, or gives up, reports what matters. */
function pinoLevelOf(namespace: string, level: logLevel): 'error' | 'warn' | 'info' | 'debug' {
  if (level === logLevel.INFO) return 'debug';
  if (namespace === 'Connection' && level === logLevel.ERROR) return 'warn';
  return PINO_LEVEL[level] ?? 'debug';
}

function sasl(s: KafkaSettings): SASLOptions | undefined {
  if (!s.KAFKA_SASL_MECHANISM || !s.KAFKA_SASL_USERNAME || !s.KAFKA_SASL_PASSWORD) return undefined;
  return { mechanism: s.KAFKA_SASL_MECHANISM, username: s.KAFKA_SASL_USERNAME, password: s.KAFKA_SASL_PASSWORD } as SASLOptions;
}

/** One kafkajs client per process (`overrides` for special-purpose ones); its log lines go through our pino logger. */
export function createKafka(settings: KafkaSettings, logger: Logger, clientId = settings.KAFKA_CLIENT_ID, overrides: Partial<KafkaConfig> = {}): Kafka {
  checkKafkaSettings(settings);
  const config: KafkaConfig = {
    clientId,
    brokers: settings.KAFKA_BROKERS,
    ssl: settings.KAFKA_SSL,
    sasl: sasl(settings),
    connectionTimeout: 3000,
    requestTimeout: 30_000,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log }) => {
      const { message, timestamp: _t, logger: _l, ...extra } = log;
      logger[pinoLevelOf(namespace, level)]({ kafkajs: namespace, ...extra }, message);
    },
    ...overrides,
  };
  return new Kafka(config);
}
