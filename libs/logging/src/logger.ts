import { pino, type Bindings, type ChildLoggerOptions, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { z } from 'zod';
import { field } from '@ckt/config';
import { redactLogObject } from './redaction.ts';

export type { Logger } from 'pino';

export const loggingEnv = {
  LOG_LEVEL: field.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'], 'info'),
  /** json in production; pretty is for a terminal. */
  LOG_FORMAT: field.oneOf(['json', 'pretty'], 'json'),
};
export const loggingSchema = z.object(loggingEnv);
export type LoggingSettings = z.infer<typeof loggingSchema>;

/** `destination` (default stdout) lets a test read exactly what the service would log, redaction included. */
export function createLogger(service: string, settings: Partial<LoggingSettings> = {}, destination?: DestinationStream): Logger {
  const options: LoggerOptions = {
    name: service,
    level: settings.LOG_LEVEL ?? 'info',
    base: { service },
    formatters: { log: redactLogObject },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (settings.LOG_FORMAT === 'pretty') {
    return redactingChildBindings(pino({ ...options, transport: { target: 'pino-pretty', options: { ignore: 'pid,hostname,service', translateTime: 'HH:MM:ss.l' } } }));
  }
  return redactingChildBindings(destination ? pino(options, destination) : pino(options));
}

/**
 * pino renders a child's bindings once, past `formatters.log`: they are redacted as the child is made. Children
 * inherit this `child`, so grandchildren are covered too.
 */
function redactingChildBindings(logger: Logger): Logger {
  const pinoChild = logger.child;
  return Object.assign(logger, {
    child(this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
      return Reflect.apply(pinoChild, this, [redactLogObject(bindings), options]) as Logger;
    },
  });
}

/** For command-line tools: their stdout is the result a script parses, so log lines go to stderr. */
export function createCommandLogger(command: string, settings: Partial<LoggingSettings> = {}): Logger {
  return createLogger(command, settings, pino.destination({ fd: 2, sync: true }));
}
