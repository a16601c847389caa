import { describe, expect, it } from 'vitest';
import { DLQ_HEADER } from './dead-letter.ts';
import { BatchOutbox } from './outbox.ts';

describe('BatchOutbox', () => {
  it('keeps messages per topic in the order they were added, unchanged', () => {
    const outbox = new BatchOutbox({ dlqTopic: 'dlq', service: 'svc' });
    outbox.add('out', { key: 'chk-1', value: 'a' });
    outbox.add('other', { key: Buffer.from('chk-2'), value: 'b', partition: 2 });
    outbox.add('out', { key: null, value: 'c' });
    expect(outbox.topicMessages()).toEqual([
      { topic: 'out', messages: [{ key: 'chk-1', value: 'a' }, { key: null, value: 'c' }] },
      { topic: 'other', messages: [{ key: Buffer.from('chk-2'), value: 'b', partition: 2 }] },
    ]);
  });

  it('puts dead letters on the dead-letter topic with their headers and counts them by reason, apart from outputs', () => {
    const failedAt = new Date('2025-01-01T00:00:00.000Z');
    const outbox = new BatchOutbox({ dlqTopic: 'dlq', service: 'svc', failedAt });
    outbox.add('out', { key: 'k', value: 'ok' });
    outbox.addDeadLetter({ value: 'bad', key: 'k', headers: { h: 'v' }, stage: 'router', reason: 'invalid_json', message: 'value: not valid JSON' });
    outbox.addDeadLetter({ value: 'bad2', stage: 'router', reason: 'invalid_json', message: 'value: not valid JSON' });
    const dead = outbox.topicMessages().find((t) => t.topic === 'dlq')?.messages ?? [];
    expect(dead.map((m) => m.value)).toEqual(['bad', 'bad2']);
    expect(dead[0]?.headers).toMatchObject({ h: 'v', [DLQ_HEADER.reason]: 'invalid_json', [DLQ_HEADER.service]: 'svc', [DLQ_HEADER.failedAt]: failedAt.toISOString() });
    expect(dead[1]?.key).toBeNull();
    expect(Object.fromEntries(outbox.outputCounts())).toEqual({ out: 1 });
    expect(Object.fromEntries(outbox.deadLetterCounts())).toEqual({ invalid_json: 2 });
  });
});
