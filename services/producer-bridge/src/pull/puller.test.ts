import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createBridgeMetrics } from '../metrics.ts';
import { PublishQueue, type TopicMessages } from '@ckt/kafka';
import type { FetchPage } from './checkout-api.ts';
import { decodeCursor, type CursorRecord } from './cursor-codec.ts';
import { startPuller } from './puller.ts';

const TOPICS = { raw: 'raw', dlq: 'dlq', cursor: 'cursor' };
const envelope = (id: number) => ({ event_id: id, event_name: 'checkout_started', event_timestamp: 1743108517000, payload: { checkout_id: `c${id}` } });

/** A fake checkout API with events 1..n, pages of `limit`, cursor = last event id served. */
function fakeApi(total: number, limit: number, failFirst = 0) {
  const calls: (string | undefined)[] = [];
  let failures = failFirst;
  const fetchPage: FetchPage = async (since) => {
    calls.push(since);
    if (failures-- > 0) throw new Error('503 from checkout API');
    const from = since === undefined ? 1 : Number(since) + 1;
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - from + 1)) }, (_, i) => from + i);
    const events: unknown[] = ids.map(envelope);
    if (from === 3) events[0] = { event_id: 3, payload: {} }; // malformed: dead-lettered
    return { events, nextCursor: ids.length > 0 ? String(ids.at(-1)) : undefined };
  };
  return { fetchPage, calls };
}

function recordingQueue() {
  const sent: TopicMessages[] = [];
  const queue = new PublishQueue(
    async (batches) => {
      sent.push(...batches);
    },
    { maxSendBytes: 1_000_000, lingerMs: 0 },
  );
  return { queue, sent };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(condition()).toBe(true);
}

function start(fetchPage: FetchPage, queue: PublishQueue, stored?: CursorRecord) {
  return startPuller(
    { sourceId: 'api-1', topics: TOPICS, pollIntervalMs: 10, maxEventBytes: 10_000, maxEventDepth: 32, backoff: { initialMs: 1, maxMs: 5 } },
    {
      fetchPage,
      readCursor: async () => stored,
      queue,
      metrics: createBridgeMetrics(new Registry()),
      logger: pino({ level: 'silent' }),
      deadLetterHeaders: (reason, message) => ({ 'dlq.reason': reason, 'dlq.message': message }),
    },
  );
}

describe('puller', () => {
  it('publishes pages in order, dead-letters malformed events, and stores each cursor after its page', async () => {
    const api = fakeApi(5, 2, 1);
    const { queue, sent } = recordingQueue();
    const puller = start(api.fetchPage, queue);
    await until(() => puller.cursor === '5' && api.calls.length >= 5);
    await puller.stop();

    expect(api.calls.slice(0, 5)).toEqual([undefined, undefined, '2', '4', '5']); // first call failed and was retried
    expect(sent.map((b) => `${b.topic}:${b.messages.map((m) => m.key).join(',')}`)).toEqual([
      'raw:c1,c2',
      'cursor:api-1',
      'raw:c4',
      'dlq:3',
      'cursor:api-1',
      'raw:c5',
      'cursor:api-1',
    ]);
    const cursors = sent.filter((b) => b.topic === 'cursor').map((b) => decodeCursor(b.messages[0]!.value as string)?.cursor);
    expect(cursors).toEqual(['2', '4', '5']);
    expect(sent.find((b) => b.topic === 'dlq')!.messages[0]!.headers).toMatchObject({ 'dlq.reason': 'invalid_envelope' });
  });

  it('resumes after the stored cursor without re-publishing', async () => {
    const api = fakeApi(5, 10);
    const { queue, sent } = recordingQueue();
    const puller = start(api.fetchPage, queue, { v: 1, source: 'api-1', cursor: '4', updated_at: '', page_events: 2 });
    await until(() => puller.cursor === '5');
    await puller.stop();
    expect(api.calls[0]).toBe('4');
    expect(sent.filter((b) => b.topic === 'raw').flatMap((b) => b.messages.map((m) => m.key))).toEqual(['c5']);
  });

  it('does not store a cursor when the page could not be published, and retries the same page', async () => {
    const api = fakeApi(2, 10);
    let failures = 2;
    const sent: TopicMessages[] = [];
    const queue = new PublishQueue(
      async (batches) => {
        if (failures-- > 0) throw new Error('broker down');
        sent.push(...batches);
      },
      { maxSendBytes: 1_000_000, lingerMs: 0 },
    );
    const puller = start(api.fetchPage, queue);
    await until(() => puller.cursor === '2');
    await puller.stop();
    expect(sent.map((b) => b.topic)).toEqual(['raw', 'cursor']);
    expect(api.calls[0]).toBeUndefined();
  });
});
