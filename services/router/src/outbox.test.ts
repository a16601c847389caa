import { describe, expect, it } from 'vitest';
import { DLQ_HEADER } from '@ckt/kafka';
import { BatchOutbox } from './outbox.ts';
import { keyPartition } from './partitioning.ts';

describe('BatchOutbox', () => {
  it('assigns keyed records the default partitioner\'s partition when the topic\'s count is known', () => {
    const outbox = new BatchOutbox({ dlqTopic: 'dlq', service: 'svc', partitions: new Map([['out', 6]]) });
    outbox.add('out', { key: 'chk-1', value: 'a' });
    outbox.add('out', { key: Buffer.from('chk-2'), value: 'b' });
    outbox.add('out', { key: null, value: 'c' });
    outbox.add('other', { key: 'chk-1', value: 'd' });
    const [out, other] = outbox.topicMessages();
    expect(out?.messages.map((m) => m.partition)).toEqual([keyPartition(Buffer.from('chk-1'), 6), keyPartition(Buffer.from('chk-2'), 6), undefined]);
    expect(out?.messages[0]?.key).toEqual(Buffer.from('chk-1'));
    expect(other?.messages[0]).toEqual({ key: 'chk-1', value: 'd' });
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
