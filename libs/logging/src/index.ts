export { createCommandLogger, createLogger, loggingEnv, loggingSchema, type Logger, type LoggingSettings } from './logger.ts';
