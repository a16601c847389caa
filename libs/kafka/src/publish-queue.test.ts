import { describe, expect, it } from 'vitest';
import { PublishClosedError, PublishQueue, PublishTimeoutError } from './publish-queue.ts';
import type { TopicMessages } from './outbox.ts';

/** A send whose acks the test releases by hand. */
function manualSend() {
  const sends: { batches: TopicMessages[]; ack: () => void; fail: (e: Error) => void }[] = [];
  const send = (batches: TopicMessages[]) =>
    new Promise<void>((resolve, reject) => sends.push({ batches, ack: resolve, fail: reject }));
  return { sends, send };
}

const msgs = (topic: string, ...values: string[]): TopicMessages => ({ topic, messages: values.map((value) => ({ key: 'k', value })) });
const values = (batches: TopicMessages[]) => batches.map((b) => `${b.topic}:${b.messages.map((m) => String(m.value)).join(',')}`);
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PublishQueue', () => {
  it('coalesces publishes queued while a send is in flight into the next send, in order', async () => {
    const { sends, send } = manualSend();
    const queue = new PublishQueue(send, { maxSendBytes: 1_000_000, lingerMs: 0 });
    const first = queue.publish([msgs('raw', 'a1')]);
    await tick();
    expect(sends).toHaveLength(1);
    const second = queue.publish([msgs('raw', 'b1', 'b2'), msgs('dlq', 'b3')]);
    const third = queue.publish([msgs('raw', 'c1')]);
    await tick();
    expect(sends).toHaveLength(1);
    sends[0]!.ack();
    await first;
    await tick();
    expect(sends).toHaveLength(2);
    expect(values(sends[1]!.batches)).toEqual(['raw:b1,b2,c1', 'dlq:b3']);
    sends[1]!.ack();
    await expect(Promise.all([second, third])).resolves.toBeDefined();
  });

  it('splits a publish larger than maxSendBytes and resolves when every part is acked', async () => {
    const { sends, send } = manualSend();
    const queue = new PublishQueue(send, { maxSendBytes: 200, lingerMs: 0 });
    let done = false;
    const published = queue.publish([msgs('raw', 'x'.repeat(100), 'y'.repeat(100), 'z'.repeat(100))]).then(() => (done = true));
    await tick();
    expect(values(sends[0]!.batches)).toEqual([`raw:${'x'.repeat(100)}`]);
    sends[0]!.ack();
    await tick();
    await tick();
    expect(done).toBe(false);
    sends[1]!.ack();
    await tick();
    await tick();
    sends[2]!.ack();
    await published;
    expect(sends).toHaveLength(3);
  });

  it('rejects on timeout, withdraws records not yet sent, and reports settlement once nothing is held', async () => {
    const { sends, send } = manualSend();
    const queue = new PublishQueue(send, { maxSendBytes: 1_000_000, lingerMs: 0 });
    let firstSettled = false;
    const first = queue.publish([msgs('raw', 'a')], { timeoutMs: 20, onSettled: () => (firstSettled = true) });
    await tick();
    let secondSettled = false;
    const second = queue.publish([msgs('raw', 'b')], { timeoutMs: 20, onSettled: () => (secondSettled = true) });
    await expect(first).rejects.toBeInstanceOf(PublishTimeoutError);
    await expect(second).rejects.toBeInstanceOf(PublishTimeoutError);
    expect(secondSettled).toBe(true); // withdrawn: never handed to the producer
    expect(firstSettled).toBe(false); // still in the producer's hands
    expect(queue.queuedRecords).toBe(0);
    sends[0]!.ack();
    await queue.flush();
    expect(firstSettled).toBe(true);
    expect(sends).toHaveLength(1);
  });

  it('fails every publish of a failed send and keeps going with later ones', async () => {
    const { sends, send } = manualSend();
    const queue = new PublishQueue(send, { maxSendBytes: 1_000_000, lingerMs: 0 });
    const first = queue.publish([msgs('raw', 'a')]);
    await tick();
    sends[0]!.fail(new Error('NOT_LEADER'));
    await expect(first).rejects.toThrow('NOT_LEADER');
    const second = queue.publish([msgs('raw', 'b')]);
    await tick();
    sends[1]!.ack();
    await expect(second).resolves.toBeUndefined();
  });

  it('refuses publishes after close, once the queued ones are sent', async () => {
    const { sends, send } = manualSend();
    const queue = new PublishQueue(send, { maxSendBytes: 1_000_000, lingerMs: 0 });
    const pending = queue.publish([msgs('raw', 'a')]);
    const closed = queue.close();
    await expect(queue.publish([msgs('raw', 'b')])).rejects.toBeInstanceOf(PublishClosedError);
    await tick();
    sends[0]!.ack();
    await closed;
    await pending;
    expect(sends).toHaveLength(1);
  });

  it('resolves at once for nothing to publish', async () => {
    const queue = new PublishQueue(() => Promise.reject(new Error('must not send')), { maxSendBytes: 1000, lingerMs: 0 });
    await expect(queue.publish([{ topic: 'raw', messages: [] }])).resolves.toBeUndefined();
  });
});
