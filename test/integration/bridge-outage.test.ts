// A broker outage under the push API: requests get 503 with Retry-After (publish timeout, then a full
// in-flight budget), readiness says so (the bridge's and a consumer's), and nothing that was answered 202 is lost
// once the broker is back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createConsumerRunner, createKafka, kafkaSchema, type ConsumerRunner } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { loadBridgeConfig, startBridge, type Bridge } from '@ckt/producer-bridge';
import { withStack } from '../helpers/stack.ts';
import { collectRecords } from '../helpers/topic-reader.ts';
import { until } from '../helpers/wait.ts';

const RAW = 'outage.raw';
const DLQ = 'outage.dlq';
const BUDGET = 16 * 1024;

const stack = withStack({
  topics: [
    { name: RAW, partitions: 2 },
    { name: DLQ, partitions: 1 },
  ],
  components: { registry: false, s3: false },
  // This file kills its broker: a cluster of its own, not the run's shared one.
  ownKafka: { nodes: 1 },
});

const logger = createLogger('bridge-outage-test', { LOG_LEVEL: (process.env.TEST_LOG_LEVEL ?? 'silent') as 'silent' });
let bridge: Bridge;

beforeAll(async () => {
  const config = loadBridgeConfig({
    ...stack().env(),
    TOPIC_RAW: RAW,
    TOPIC_DLQ: DLQ,
    BRIDGE_PORT: '0',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_MAX_BODY_BYTES: String(BUDGET),
    BRIDGE_MAX_INFLIGHT_BYTES: String(BUDGET),
    BRIDGE_PUBLISH_TIMEOUT_MS: '1500',
    BRIDGE_RETRY_AFTER_SECONDS: '2',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
  });
  bridge = await startBridge(config, { logger });
});
afterAll(async () => bridge?.stop());

let nextId = 1;
/** A batch of `count` events whose JSON is close to `bytes` long. */
function batch(count: number, bytes: number) {
  const events = Array.from({ length: count }, () => {
    const id = nextId++;
    return { event_id: `o-${id}`, event_name: 'checkout_started', event_timestamp: 1743108517000 + id, payload: { checkout_id: `chk-${id % 5}`, customer_id: 'c', note: '' } };
  });
  const pad = 'p'.repeat(Math.max(0, Math.floor((bytes - JSON.stringify(events).length) / count)));
  for (const event of events) event.payload.note = pad;
  return events;
}

async function post(events: unknown[]): Promise<{ status: number; retryAfter: string | null; body: Record<string, unknown> }> {
  const response = await fetch(`${bridge.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Record<string, unknown> };
}

/** What a well-behaved client does: retry on 503 until accepted. */
async function postUntilAccepted(events: unknown[]): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    const answer = await post(events);
    if (answer.status === 202) return;
    expect(answer.status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('never accepted');
}

async function readEventIds(expected: Set<string>): Promise<Set<string>> {
  const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
  const { received, consumer } = await collectRecords(kafka, [RAW], 'outage-check', ({ message }) => JSON.parse(message.value!.toString()).event_id as string);
  const seen = () => new Set(received);
  for (let i = 0; i < 300 && [...expected].some((id) => !seen().has(id)); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  await consumer.disconnect();
  return seen();
}

describe('broker outage', () => {
  it('answers 503 with Retry-After while the broker is down and loses nothing it accepted', async () => {
    const accepted: unknown[][] = [];
    const before = batch(20, 6000);
    expect(await post(before)).toMatchObject({ status: 202, body: { accepted: 20 } });
    accepted.push(before);

    const ready = async () => (await fetch(`${bridge.healthUrl}/readyz`)).status;
    const consumer: ConsumerRunner = createConsumerRunner({
      kafka: createKafka(loadConfig(kafkaSchema, stack().env()), logger),
      groupId: 'outage-readiness',
      topics: [RAW],
      logger,
      sessionTimeoutMs: 6000,
      readinessTimeoutMs: 3000,
      handle: async () => {},
    });
    await consumer.start();
    await until(() => consumer.isReady(), 'the consumer to join');
    expect(await ready()).toBe(200);

    await stack().kafka.cluster.stopNode(1, 'SIGKILL');
    await until(async () => (await ready()) === 503 && !consumer.isReady(), 'both to say they cannot work', 20_000);
    const during = batch(20, 9000);
    const timedOut = await post(during);
    expect(timedOut).toMatchObject({ status: 503, retryAfter: '2', body: { error: 'broker_unavailable' } });

    // The timed-out records are still in the producer's hands, so their bytes still count: the budget is full.
    const overflow = batch(20, 9000);
    expect(await post(overflow)).toMatchObject({ status: 503, retryAfter: '2', body: { error: 'overloaded' } });
    const metrics = await (await fetch(`${bridge.healthUrl}/metrics`)).text();
    expect(Number(/bridge_inflight_bytes\{service="producer-bridge"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(8000);

    await stack().kafka.cluster.startNode(1);
    await until(async () => (await ready()) === 200 && consumer.isReady(), 'both to be ready again', 60_000);
    await consumer.stop();
    await postUntilAccepted(during);
    await postUntilAccepted(overflow);
    accepted.push(during, overflow);
    const after = batch(10, 3000);
    expect(await post(after)).toMatchObject({ status: 202, body: { accepted: 10 } });
    accepted.push(after);

    const expected = new Set(accepted.flat().map((e) => (e as { event_id: string }).event_id));
    const seen = await readEventIds(expected);
    expect([...expected].filter((id) => !seen.has(id))).toEqual([]);
  });
});
