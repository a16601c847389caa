// Pull mode against a real Kafka broker and a fake checkout API (node:http): pages published in order, malformed
// events dead-lettered, API errors retried, and a restart that resumes from the cursor stored in the
// compacted cursor topic without skipping or re-publishing a page.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer } from 'kafkajs';
import { loadConfig } from '@ckt/config';
import { createKafka, DLQ_HEADER, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { decodeCursor, loadBridgeConfig, startBridge, type Bridge } from '@ckt/producer-bridge';
import { withStack } from '../helpers/stack.ts';
import { collectRecords, headerText } from '../helpers/topic-reader.ts';
import { until } from '../helpers/wait.ts';

const RAW = 'pull.raw';
const DLQ = 'pull.dlq';
const CURSOR = 'pull.cursor';
const SOURCE = 'checkout-api-test';

const stack = withStack({
  topics: [
    { name: RAW, partitions: 2 },
    { name: DLQ, partitions: 1 },
    { name: CURSOR, partitions: 1 },
  ],
  components: { registry: false, s3: false },
});

const logger = createLogger('bridge-pull-test', { LOG_LEVEL: 'silent' });

/** The fake checkout API: cursor = number of events already served; `failNext` answers 500 that many times. */
const api = { events: [] as unknown[], sinceSeen: [] as (string | null)[], failNext: 0, server: undefined as Server | undefined, url: '' };

function envelope(n: number): unknown {
  if (n === 5) return { event_id: n, event_timestamp: '2025-03-27T20:48:37', payload: { checkout_id: 'chk-x', card_number: '4111111111111111' } }; // no event_name
  return { event_id: n, event_name: 'checkout_started', event_timestamp: `2025-03-27T20:48:${String(n).padStart(2, '0')}`, payload: { checkout_id: `chk-${n % 3}`, customer_id: 'c-1' } };
}

interface Received {
  topic: string;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}
let received: Received[] = [];
let consumer: Consumer;

beforeAll(async () => {
  api.server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/api/events') return void res.writeHead(404).end();
    const since = url.searchParams.get('since');
    api.sinceSeen.push(since);
    if (api.failNext > 0) {
      api.failNext--;
      return void res.writeHead(500).end('oops');
    }
    const from = since === null ? 0 : Number(since);
    const limit = Number(url.searchParams.get('limit'));
    const events = api.events.slice(from, from + limit);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ events, next_cursor: events.length > 0 ? String(from + events.length) : since }));
  });
  await new Promise<void>((resolve) => api.server!.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}/api`;

  const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
  ({ received, consumer } = await collectRecords(kafka, [RAW, DLQ, CURSOR], 'bridge-pull-test', ({ topic, message }) => ({
    topic,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: headerText(message.headers),
  })));
});

afterAll(async () => {
  await consumer?.disconnect();
  await new Promise((resolve) => api.server?.close(resolve));
});

function startPullBridge(): Promise<Bridge> {
  const config = loadBridgeConfig({
    ...stack().env(),
    BRIDGE_MODE: 'pull',
    CHECKOUT_API_URL: api.url,
    BRIDGE_SOURCE_ID: SOURCE,
    TOPIC_RAW: RAW,
    TOPIC_DLQ: DLQ,
    TOPIC_BRIDGE_CURSOR: CURSOR,
    BRIDGE_PULL_LIMIT: '3',
    BRIDGE_POLL_INTERVAL_MS: '100',
    BRIDGE_CURSOR_SESSION_TIMEOUT_MS: '6000',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  return startBridge(config, { logger });
}

const rawIds = () => received.filter((r) => r.topic === RAW).map((r) => JSON.parse(r.value!).event_id as string);
const cursors = () => received.filter((r) => r.topic === CURSOR);

describe('pull mode', () => {
  it('publishes pages in order, stores the cursor after each, and resumes after a restart without repeats', async () => {
    api.events = Array.from({ length: 8 }, (_, i) => envelope(i + 1));
    api.failNext = 1;
    const first = await startPullBridge();
    expect(first.url).toBeUndefined(); // pull mode serves no ingest API
    await until(() => first.puller?.cursor === '8', 'the first 8 events', 20_000);
    expect((await fetch(`${first.healthUrl}/readyz`)).status).toBe(200);
    await first.stop();

    expect(api.sinceSeen.slice(0, 5)).toEqual([null, null, '3', '6', '8']); // the 500 was retried with the same cursor
    await until(() => cursors().length >= 3, 'the first cursors', 20_000);
    expect(cursors().map((c) => c.key)).toEqual([SOURCE, SOURCE, SOURCE]);
    expect(cursors().map((c) => decodeCursor(c.value)?.cursor)).toEqual(['3', '6', '8']);

    // More events arrive while the bridge is down; a new instance resumes at the stored cursor.
    api.events.push(...Array.from({ length: 4 }, (_, i) => envelope(9 + i)));
    const resumedFrom = api.sinceSeen.length;
    const second = await startPullBridge();
    await until(() => second.puller?.cursor === '12', 'the next 4 events', 20_000);
    await second.stop();
    expect(api.sinceSeen[resumedFrom]).toBe('8');

    const expected = api.events.map((_, i) => String(i + 1)).filter((id) => id !== '5');
    await until(() => rawIds().length >= expected.length, 'every event on the raw topic', 20_000);
    expect(rawIds().sort((a, b) => Number(a) - Number(b))).toEqual(expected); // each exactly once
    for (const key of ['chk-0', 'chk-1', 'chk-2']) {
      const ids = received.filter((r) => r.topic === RAW && r.key === key).map((r) => Number(JSON.parse(r.value!).event_id));
      expect(ids).toEqual([...ids].sort((a, b) => a - b)); // in API order per key
    }

    await until(() => received.some((r) => r.topic === DLQ), 'the dead letter', 20_000);
    const [letter] = received.filter((r) => r.topic === DLQ);
    expect(letter!.headers).toMatchObject({ [DLQ_HEADER.stage]: 'bridge', [DLQ_HEADER.reason]: 'invalid_envelope' });
    expect(letter!.key).toBe('5');
    expect(letter!.value).not.toContain('4111111111111111');
    expect(JSON.parse(letter!.value!).payload.card_number).toBe('************1111');
  });
});
