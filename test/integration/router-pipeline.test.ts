// The router against a real Kafka broker: routing by event name, every dead-letter reason, and a restart
// mid-stream that neither loses nor reorders events per key.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { catalogTopics, type TopicNames } from '@ckt/domain';
import { DLQ_HEADER } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { routerSchema, startRouter, type RouterService } from '@ckt/router';
import { QUIET_SERVICE_ENV, withBroker, withStack } from '../helpers/stack.ts';
import { until } from '../helpers/wait.ts';
import { testNames } from '../helpers/names.ts';
import { collectRecords, headerText } from '../helpers/topic-reader.ts';

const PARTITIONS = 3;
const NAMES = testNames('router');
/** Second set of topics for the restart scenario, so its group and counts start from zero. */
const RESTART_NAMES = testNames('router-restart');

const stack = withStack({
  topics: [
    ...catalogTopics(PARTITIONS, NAMES),
    ...catalogTopics(PARTITIONS, RESTART_NAMES),
  ],
  components: { registry: false, s3: false },
});

const logger = createLogger('router-test', { LOG_LEVEL: 'silent' });
const broker = withBroker(stack, logger);

function routerConfig(names: TopicNames, groupId: string) {
  return loadConfig(routerSchema, {
    ...stack().env(),
    TOPIC_RAW: names.raw,
    TOPIC_FAMILY_PREFIX: names.familyPrefix,
    TOPIC_DLQ: names.dlq,
    ROUTER_GROUP_ID: groupId,
    TOPIC_PARTITIONS: String(PARTITIONS),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...QUIET_SERVICE_ENV,
  });
}

interface Received {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  timestamp: string;
  headers: Record<string, string>;
}

const collect = (topics: string[], groupId: string) =>
  collectRecords<Received>(broker.kafka, topics, groupId, ({ topic, partition, message }) => ({
    topic,
    partition,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    timestamp: message.timestamp,
    headers: headerText(message.headers),
  }));

const envelope = (eventName: string, id: string, payload: object) =>
  JSON.stringify({ event_id: id, event_name: eventName, event_timestamp: '2025-03-27T20:48:37', payload });

describe('router', () => {
  it('routes each event unchanged to its family topic and dead-letters bad records with their headers', async () => {
    const names = NAMES;
    const good = [
      { key: 'c-1', value: envelope('checkout_started', 'e1', { checkout_id: 'c-1', customer_id: 'u-1' }), family: 'checkout' },
      { key: 'c-1', value: envelope('ticket_sale', 'e2', { checkout_id: 'c-1', ticket_id: 't-1' }), family: 'ticket' },
      { key: 'c-1', value: envelope('trigger_payment', 'e3', { checkout_id: 'c-1', transaction_id: 'x-1' }), family: 'payment' },
      { key: 'c-1', value: envelope('checkout_completed', 'e4', { checkout_id: 'c-1' }), family: 'checkout' },
      { key: 'u-2', value: envelope('customer_registered', 'e5', { customer_id: 'u-2' }), family: 'customer' },
      { key: 'e6', value: envelope('attraction_created', 'e6', { attraction_id: 'a-1' }), family: 'attraction' },
      { key: 'c-2', value: envelope('checkout_abandoned', 'e7', { checkout_id: 'c-2' }), family: 'checkout' },
    ];
    const bad = [
      { key: 'b-1', value: '{"event_id": 1, "event_name": ', reason: 'invalid_json' },
      { key: 'b-2', value: JSON.stringify({ event_id: '', event_name: 'ticket_sale', event_timestamp: 0, payload: {} }), reason: 'invalid_envelope' },
      { key: 'b-3', value: envelope('ticket_resold', 'e9', {}), reason: 'unknown_event_name' },
    ];
    const sent = [...good, ...bad].map((m, i) => ({
      key: m.key,
      value: m.value,
      timestamp: String(1_743_108_517_000 + i),
      headers: { traceparent: `trace-${i}` },
    }));
    await broker.publisher.send(names.raw, sent);

    const { received, consumer } = await collect(
      ['checkout', 'ticket', 'payment', 'customer', 'attraction'].map((f) => `${names.familyPrefix}${f}`).concat(names.dlq),
      NAMES.group('reader'),
    );
    let router: RouterService | undefined;
    try {
      router = await startRouter(routerConfig(names, NAMES.group('router-it')));
      await until(() => received.length === sent.length, 'every routed record and dead letter');

      good.forEach((m, i) => {
        const out = received.find((r) => r.value === m.value);
        expect(out, `event ${i}`).toMatchObject({
          topic: `${names.familyPrefix}${m.family}`,
          key: m.key,
          timestamp: sent[i]?.timestamp,
          headers: { traceparent: `trace-${i}`, event_name: JSON.parse(m.value).event_name },
        });
      });
      // Same key, same family -> one partition, in the order produced.
      const c1Checkout = received.filter((r) => r.topic === `${names.familyPrefix}checkout` && r.key === 'c-1');
      expect(c1Checkout.map((r) => JSON.parse(r.value ?? '').event_id)).toEqual(['e1', 'e4']);

      const dead = received.filter((r) => r.topic === names.dlq);
      expect(dead).toHaveLength(bad.length);
      bad.forEach((m, j) => {
        const i = good.length + j;
        const letter = dead.find((r) => r.key === m.key);
        expect(letter?.value).toBe(m.value);
        expect(letter?.headers).toMatchObject({
          traceparent: `trace-${i}`,
          [DLQ_HEADER.stage]: 'router',
          [DLQ_HEADER.reason]: m.reason,
          [DLQ_HEADER.service]: 'router',
          [DLQ_HEADER.sourceTopic]: names.raw,
        });
        expect(letter?.headers[DLQ_HEADER.message]).toBeTruthy();
        expect(letter?.headers[DLQ_HEADER.sourceOffset]).toMatch(/^\d+$/);
        expect(Date.parse(letter?.headers[DLQ_HEADER.failedAt] ?? '')).not.toBeNaN();
      });

      expect((await fetch(`${router.health.url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${router.health.url}/metrics`)).text();
      for (const reason of ['invalid_json', 'invalid_envelope', 'unknown_event_name']) {
        expect(metrics).toContain(`pipeline_dead_letters_total{stage="router",reason="${reason}",service="router"} 1`);
      }
      expect(metrics).toContain(`pipeline_records_in_total{topic="${names.raw}",service="router"} ${sent.length}`);
      expect(metrics).toContain(`pipeline_records_out_total{topic="${names.familyPrefix}checkout",service="router"} 3`);
    } finally {
      await router?.stop();
      await consumer.disconnect();
    }
  });

  it('neither loses nor reorders events per key when stopped mid-stream and started again', async () => {
    const names = RESTART_NAMES;
    const keys = ['k0', 'k1', 'k2', 'k3', 'k4', 'k5'];
    const perKey = 150;
    const total = keys.length * perKey;
    // Produced in small sends while the router runs; the second half only once the first router has stopped,
    // so the stop is mid-stream whatever the timing, and the restart has a backlog plus live traffic.
    let firstStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (firstStopped = resolve));
    let produced = 0;
    const produce = async () => {
      for (let seq = 0; seq < perKey; seq += 5) {
        if (seq === perKey / 2) await stopped;
        const messages = keys.flatMap((key) =>
          [0, 1, 2, 3, 4].map((d) => ({ key, value: envelope('checkout_started', `${key}-${seq + d}`, { checkout_id: key, seq: seq + d }) })),
        );
        await broker.publisher.send(names.raw, messages);
        produced += messages.length;
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const { received, consumer } = await collect([`${names.familyPrefix}checkout`], RESTART_NAMES.group('reader'));
    let producing: Promise<void> = Promise.resolve();
    try {
      const first = await startRouter(routerConfig(names, RESTART_NAMES.group('router')));
      producing = produce();
      await until(() => received.length >= total / 4, 'a quarter of the stream');
      await first.stop();
      firstStopped();
      expect(received.length).toBeLessThan(total);

      const second = await startRouter(routerConfig(names, RESTART_NAMES.group('router')));
      try {
        await producing;
        expect(produced).toBe(total);
        await until(() => new Set(received.map((r) => r.value)).size === total, 'every event after the restart', 90_000);
      } finally {
        await second.stop();
      }

      for (const key of keys) {
        const ofKey = received.filter((r) => r.key === key);
        expect(new Set(ofKey.map((r) => r.partition)).size).toBe(1);
        const sequence = ofKey.map((r) => (JSON.parse(r.value ?? '') as { payload: { seq: number } }).payload.seq);
        // A batch in flight at the stop may be delivered again (at-least-once); the first delivery of each
        // event must still come in order and none may be missing.
        const firstSeen = sequence.filter((seq, i) => sequence.indexOf(seq) === i);
        expect(firstSeen).toEqual(Array.from({ length: perKey }, (_, i) => i));
        // A redelivery only ever replays a contiguous run: seq n+1 follows seq n, or the stream restarts earlier.
        for (let i = 1; i < sequence.length; i++) {
          const [prev, next] = [sequence[i - 1] ?? 0, sequence[i] ?? 0];
          expect(next === prev + 1 || next <= prev, `${key} at ${i}: ${prev} -> ${next}`).toBe(true);
        }
      }
    } finally {
      firstStopped();
      await producing.catch(() => undefined);
      await consumer.disconnect();
    }
  });
});
