import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import { checkKafkaSettings, type KafkaSettings } from './settings.ts';

const PINO_LEVEL: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

function sasl(s: KafkaSettings): SASLOptions | undefined {
  if (!s.KAFKA_SASL_MECHANISM || !s.KAFKA_SASL_USERNAME || !s.KAFKA_SASL_PASSWORD) return undefined;
  return { mechanism: s.KAFKA_SASL_MECHANISM, username: s.KAFKA_SASL_USERNAME, password: s.KAFKA_SASL_PASSWORD } as SASLOptions;
}

/** One kafkajs client per process; its log lines go through our pino logger (kafkajs INFO is chatty: debug). */
export function createKafka(settings: KafkaSettings, logger: Logger, clientId = settings.KAFKA_CLIENT_ID): Kafka {
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
      const pinoLevel = level === logLevel.INFO ? 'debug' : (PINO_LEVEL[level] ?? 'debug');
      logger[pinoLevel]({ kafkajs: namespace, ...extra }, message);
    },
  };
  return new Kafka(config);
}
