import { describe, expect, it } from 'vitest';
import { ConfigError } from '@ckt/config';
import { loadBridgeConfig, sourceIdOf } from './config.ts';

const base = { KAFKA_BROKERS: 'localhost:9092' };

function issuesOf(env: Record<string, string>): string[] {
  try {
    loadBridgeConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadBridgeConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadBridgeConfig(base);
    expect(config).toMatchObject({
      BRIDGE_MODE: 'push',
      BRIDGE_PORT: 8080,
      BRIDGE_TOKENS: [],
      BRIDGE_MAX_BODY_BYTES: 5 * 1024 * 1024,
      BRIDGE_MAX_EVENTS: 10_000,
      TOPIC_RAW: 'checkout.events.raw',
      TOPIC_BRIDGE_CURSOR: 'checkout.bridge.cursor',
    });
  });

  it('splits the token list and drops blanks', () => {
    expect(loadBridgeConfig({ ...base, BRIDGE_TOKENS: ' a1, ,b2 ' }).BRIDGE_TOKENS).toEqual(['a1', 'b2']);
  });

  it('requires the checkout API URL in pull modes and names inconsistent limits', () => {
    expect(issuesOf({ ...base, BRIDGE_MODE: 'both' })).toEqual(['CHECKOUT_API_URL: required when BRIDGE_MODE is both']);
    expect(issuesOf({ ...base, BRIDGE_MAX_BODY_BYTES: '2000000', BRIDGE_MAX_INFLIGHT_BYTES: '1000000' })[0]).toMatch(/^BRIDGE_MAX_INFLIGHT_BYTES/);
    expect(issuesOf({ ...base, BRIDGE_MAX_EVENT_BYTES: '2000000' })[0]).toMatch(/^BRIDGE_MAX_EVENT_BYTES/);
  });

  it('keys the cursor by BRIDGE_SOURCE_ID, else the API URL', () => {
    const pull = loadBridgeConfig({ ...base, BRIDGE_MODE: 'pull', CHECKOUT_API_URL: 'http://checkout:8000/api' });
    expect(sourceIdOf(pull)).toBe('http://checkout:8000/api');
    expect(sourceIdOf({ ...pull, BRIDGE_SOURCE_ID: 'eu-checkout' })).toBe('eu-checkout');
  });
});
