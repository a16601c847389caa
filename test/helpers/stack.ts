import { afterAll, beforeAll } from 'vitest';
import { ensureMockKafkaBuilt, startStack } from '@ckt/local-stack';
import type { Stack, StackOptions } from '@ckt/local-stack';

/**
 * Starts a fresh local stack (ephemeral ports, temp data dir) before the file's tests and stops it after.
 * Returns a getter, since the stack exists only once beforeAll has run.
 */
export function withStack(opts: StackOptions): () => Stack {
  let stack: Stack | undefined;
  beforeAll(async () => {
    if (opts.components?.kafka !== false) await ensureMockKafkaBuilt();
    stack = await startStack(opts);
  });
  afterAll(async () => {
    await stack?.stop();
  });
  return () => {
    if (!stack) throw new Error('withStack: the stack is only available inside tests and hooks');
    return stack;
  };
}
