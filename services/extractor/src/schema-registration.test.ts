import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { createLogger } from '@ckt/logging';
import { registerRowSchemas } from './schema-registration.ts';

const logger = createLogger('test', { LOG_LEVEL: 'silent' });
const fast = { attempts: 3, backoff: { initialMs: 1, maxMs: 1 } };
const failure = (status: number) => Object.assign(new Error(`status ${status}`), { status });

function codecFailing(errors: Error[]) {
  let calls = 0;
  return {
    calls: () => calls,
    registerTableSchemas: async () => {
      const error = errors[calls++];
      if (error) throw error;
      return new Map([['fact_refund' as const, 7]]);
    },
  };
}

describe('registerRowSchemas', () => {
  it('retries a registry that is not reachable yet', async () => {
    const codec = codecFailing([failure(503), failure(400)]);
    expect(await registerRowSchemas(codec, DEFAULT_TOPIC_NAMES, logger, fast)).toEqual(new Map([['fact_refund', 7]]));
    expect(codec.calls()).toBe(3);
  });

  it('fails at once on an incompatible (409) or invalid (422) schema', async () => {
    for (const status of [409, 422]) {
      const codec = codecFailing([failure(status)]);
      await expect(registerRowSchemas(codec, DEFAULT_TOPIC_NAMES, logger, fast)).rejects.toThrow(`status ${status}`);
      expect(codec.calls()).toBe(1);
    }
  });

  it('gives up after the last attempt with the last error', async () => {
    const codec = codecFailing([failure(500), failure(500), failure(502)]);
    await expect(registerRowSchemas(codec, DEFAULT_TOPIC_NAMES, logger, fast)).rejects.toThrow('status 502');
  });
});
