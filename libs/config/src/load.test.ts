import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, field, loadConfig } from './index.ts';

const schema = z.object({
  KAFKA_BROKERS: field.hostPortList(),
  BATCH_ROWS: field.integer(5000, { min: 1 }),
  DRY_RUN: field.flag(false),
  MODE: field.oneOf(['push', 'pull'], 'push'),
  REGISTRY_URL: field.optionalHttpUrl(),
});

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('parses values and applies defaults', () => {
    const cfg = loadConfig(schema, { KAFKA_BROKERS: 'a:9092, b:9093', DRY_RUN: 'yes', BATCH_ROWS: '' });
    expect(cfg).toEqual({ KAFKA_BROKERS: ['a:9092', 'b:9093'], BATCH_ROWS: 5000, DRY_RUN: true, MODE: 'push', REGISTRY_URL: undefined });
  });

  it('names a missing variable and what it expects, on one line', () => {
    const error = errorOf({});
    expect(error.message).toBe('invalid configuration: KAFKA_BROKERS: required but not set');
    expect(error.message).not.toContain('\n');
  });

  it('names each malformed variable', () => {
    const error = errorOf({ KAFKA_BROKERS: 'nohost', BATCH_ROWS: '0', MODE: 'both', REGISTRY_URL: 'ftp://x' });
    expect(error.issues.map((i) => i.split(':')[0])).toEqual(['KAFKA_BROKERS', 'BATCH_ROWS', 'MODE', 'REGISTRY_URL']);
    expect(error.message).toContain('BATCH_ROWS: expected an integer >= 1');
    expect(error.message).toContain('MODE: expected one of push, pull');
  });
});
