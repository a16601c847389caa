// The extractor against a real Kafka broker and the registry double: family events -> Avro rows decoded through
// the registry, every dead-letter reason, secrets and payload values kept out of logs, and a restart
// mid-stream that neither loses nor reorders a grain key's versions.
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { loadConfig } from '@ckt/config';
import { catalogTopics, emailSha256, EXTRACTED_TABLES, type RowValues, type TopicNames } from '@ckt/domain';
import { DLQ_HEADER } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createRowCodec, fromWireFormat } from '@ckt/schemas';
import { extractorSchema, startExtractor, type ExtractorService } from '@ckt/extractor';
import { QUIET_SERVICE_ENV, withBroker, withStack } from '../helpers/stack.ts';
import { until } from '../helpers/wait.ts';
import { collectRecords, headerText } from '../helpers/topic-reader.ts';
import { testNames } from '../helpers/names.ts';

const PARTITIONS = 2;
const PEPPER = 'it-pepper-5f2c';
const NAMES = testNames('extractor');
const RESTART_NAMES = testNames('extractor-restart');

const stack = withStack({
  topics: [...catalogTopics(PARTITIONS, NAMES), ...catalogTopics(PARTITIONS, RESTART_NAMES)],
  components: { s3: false },
});

const quiet = createLogger('extractor-test', { LOG_LEVEL: 'silent' });
const broker = withBroker(stack, quiet);

function extractorConfig(names: TopicNames, groupId: string) {
  return loadConfig(extractorSchema, {
    ...stack().env(),
    TOPIC_FAMILY_PREFIX: names.familyPrefix,
    TOPIC_DWH_PREFIX: names.dwhPrefix,
    TOPIC_DLQ: names.dlq,
    EXTRACTOR_GROUP_ID: groupId,
    EXTRACTOR_EMAIL_PEPPER: PEPPER,
    TOPIC_PARTITIONS: String(PARTITIONS),
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...QUIET_SERVICE_ENV,
  });
}

interface Received {
  topic: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Set when collecting with a decoder. */
  row?: RowValues;
}

const collect = (topics: string[], groupId: string, decode?: (value: Buffer) => Promise<RowValues>) =>
  collectRecords<Received>(broker.kafka, topics, groupId, async ({ topic, message }) => ({
    topic,
    key: message.key?.toString() ?? null,
    value: message.value,
    headers: headerText(message.headers),
    row: decode && message.value ? await decode(message.value) : undefined,
  }));

const TS = '2025-03-27T20:48:37';
const TS_UTC = '2025-03-27T20:48:37.000Z';
const event = (eventName: string, id: string, payload: object) =>
  JSON.stringify({ event_id: id, event_name: eventName, event_timestamp: TS, payload });

/** A family-topic record as the router writes it. */
const routed = (key: string, value: string, eventName: string) => ({ key, value, headers: { event_name: eventName, traceparent: `trace-${key}` } });

describe('extractor', () => {
  it('writes one Avro row per warehouse row, keyed by grain, and dead-letters bad events with the field named', async () => {
    const names = NAMES;
    const familyTopic = (family: string) => `${names.familyPrefix}${family}`;
    await broker.publisher.sendBatch([
      {
        topic: familyTopic('ticket'),
        messages: [
          routed('c-1', event('ticket_sale', 'e-ts', {
            ticket_id: 't-1', checkout_id: 'c-1', customer_id: 'u-1', attraction_id: 'a-1', sales_price: '49.90', currency: 'EUR',
            day_of_visit: '2025-04-02', sales_timestamp: '2025-03-27T20:48:30.123456Z', ticket_type: 'adult',
          }), 'ticket_sale'),
          routed('x-9', event('ticket_refunded', 'e-tr', { ticket_id: 't-0', transaction_id: 'x-9', refund_amount: 10, currency: 'usd' }), 'ticket_refunded'),
          routed('c-1', event('ticket_sale', 'e-bad-date', {
            ticket_id: 't-2', checkout_id: 'c-1', customer_id: 'u-1', attraction_id: 'a-1', sales_price: 1, currency: 'EUR', day_of_visit: '2025-02-30',
          }), 'ticket_sale'),
        ],
      },
      {
        topic: familyTopic('payment'),
        messages: [
          routed('c-1', event('trigger_payment', 'e-tp', {
            transaction_id: 'x-1', checkout_id: 'c-1', customer_id: 'u-1', amount_to_be_charged: 99.8, currency: 'eur', payment_processing_system: 'adyen',
            user_payment_details: { payment_method: 'card', card_brand: 'visa', card_number: '**** **** **** 4242' },
          }), 'trigger_payment'),
          routed('x-1', event('payment_succeeded', 'e-ps', { transaction_id: 'x-1', transaction_amount: '99.80', currency: 'EUR', payment_processing_system: 'adyen' }), 'payment_succeeded'),
          routed('x-2', event('payment_succeeded', 'e-missing', { transaction_id: 'x-2', currency: 'EUR', payment_processing_system: 'adyen' }), 'payment_succeeded'),
        ],
      },
      {
        topic: familyTopic('customer'),
        messages: [
          routed('u-1', event('customer_registered', 'e-cr', {
            customer_id: 'u-1', email: ' Ann.Lee@Example.com', first_name: 'Ann', last_name: 'Lee', country: 'de', city: 'Berlin', birth_date: '1990-05-17', marketing_opt_in: true,
          }), 'customer_registered'),
          routed('junk', 'not json at all', 'customer_registered'),
        ],
      },
      {
        topic: familyTopic('checkout'),
        messages: [
          routed('c-1', event('checkout_completed', 'e-cc', { checkout_id: 'c-1', customer_id: 'u-1', total_amount: 99.8, currency: 'EUR', ticket_count: 2 }), 'checkout_completed'),
          routed('c-3', JSON.stringify({ event_name: 'checkout_started', payload: {} }), 'checkout_started'),
        ],
      },
      {
        topic: familyTopic('attraction'),
        messages: [
          routed('a-1', event('attraction_created', 'e-ac', { attraction_id: 'a-1', name: 'Tower', capacity: 300 }), 'attraction_created'),
          routed('a-2', event('attraction_demolished', 'e-ad', { attraction_id: 'a-2' }), 'attraction_demolished'),
        ],
      },
    ]);
    const expectedRows: { topic: string; key: string; values: RowValues }[] = [
      {
        topic: `${NAMES.dwhPrefix}fact_ticket_sale`,
        key: 't-1',
        values: {
          ticket_id: 't-1', checkout_id: 'c-1', customer_id: 'u-1', attraction_id: 'a-1', sale_ts: '2025-03-27T20:48:30.123Z', sale_date_key: 20250327,
          visit_date: '2025-04-02', price: '49.90', currency: 'EUR', ticket_type: 'adult', event_ts: TS_UTC, event_id: 'e-ts',
        },
      },
      {
        topic: `${NAMES.dwhPrefix}fact_refund`,
        key: 't-0|x-9',
        values: { ticket_id: 't-0', transaction_id: 'x-9', refund_amount: '10.00', currency: 'USD', reason: null, refund_ts: TS_UTC, event_id: 'e-tr' },
      },
      {
        topic: `${NAMES.dwhPrefix}fact_payment`,
        key: 'x-1|triggered',
        values: {
          transaction_id: 'x-1', checkout_id: 'c-1', customer_id: 'u-1', status: 'triggered', amount: '99.80', currency: 'EUR', processor: 'adyen',
          payment_method: 'card', card_brand: 'visa', card_last4: '4242', failure_reason: null, event_ts: TS_UTC, event_id: 'e-tp',
        },
      },
      {
        topic: `${NAMES.dwhPrefix}fact_payment`,
        key: 'x-1|succeeded',
        values: {
          transaction_id: 'x-1', checkout_id: null, customer_id: null, status: 'succeeded', amount: '99.80', currency: 'EUR', processor: 'adyen',
          payment_method: null, card_brand: null, card_last4: null, failure_reason: null, event_ts: TS_UTC, event_id: 'e-ps',
        },
      },
      {
        topic: `${NAMES.dwhPrefix}dim_customer`,
        key: `u-1|${TS_UTC}`,
        values: {
          customer_id: 'u-1', email_sha256: emailSha256('ann.lee@example.com', PEPPER), country: 'DE', city: 'Berlin', birth_year: 1990,
          marketing_opt_in: true, valid_from: TS_UTC, event_id: 'e-cr',
        },
      },
      {
        topic: `${NAMES.dwhPrefix}fact_checkout`,
        key: 'c-1|completed',
        values: {
          checkout_id: 'c-1', customer_id: 'u-1', step: 'completed', channel: null, total_amount: '99.80', currency: 'EUR', ticket_count: 2,
          last_step: null, event_ts: TS_UTC, event_id: 'e-cc',
        },
      },
      {
        topic: `${NAMES.dwhPrefix}dim_attraction`,
        key: `a-1|${TS_UTC}`,
        values: { attraction_id: 'a-1', name: 'Tower', category: null, venue: null, city: null, country: null, capacity: 300, valid_from: TS_UTC, event_id: 'e-ac' },
      },
    ];
    const expectedDead = [
      { key: 'c-1', reason: 'invalid_payload', message: /^payload\.day_of_visit: /, source: familyTopic('ticket') },
      { key: 'x-2', reason: 'invalid_payload', message: /^payload\.transaction_amount: required field is missing$/, source: familyTopic('payment') },
      { key: 'junk', reason: 'invalid_json', message: /./, source: familyTopic('customer') },
      { key: 'c-3', reason: 'invalid_envelope', message: /^event_id: /, source: familyTopic('checkout') },
      { key: 'a-2', reason: 'unknown_event_name', message: /^event_name: /, source: familyTopic('attraction') },
    ];

    const logs: string[] = [];
    const logger = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _enc, done) => (logs.push(chunk.toString()), done()) }));
    const { received, consumer } = await collect([...EXTRACTED_TABLES.map((t) => `${names.dwhPrefix}${t}`), names.dlq], NAMES.group('reader'));
    let extractor: ExtractorService | undefined;
    try {
      extractor = await startExtractor(extractorConfig(names, NAMES.group('extractor')), { logger });
      await until(() => received.length === expectedRows.length + expectedDead.length, 'every row and dead letter');

      const decoder = createRowCodec({ registryUrl: stack().registryUrl });
      const rows = await Promise.all(
        received
          .filter((r) => r.topic !== names.dlq)
          .map(async (r) => ({ topic: r.topic, key: r.key ?? '', values: await decoder.decode(r.value ?? Buffer.alloc(0)) })),
      );
      const byKey = (a: { topic: string; key: string }, b: { topic: string; key: string }) => `${a.topic} ${a.key}`.localeCompare(`${b.topic} ${b.key}`);
      expect(rows.sort(byKey)).toEqual([...expectedRows].sort(byKey));

      // Wire format carries the id registered under <topic>-value at start.
      for (const r of received.filter((m) => m.topic !== names.dlq)) {
        const table = r.topic.slice(names.dwhPrefix.length);
        expect(fromWireFormat(r.value ?? Buffer.alloc(0)).schemaId).toBe(extractor.schemaIds.get(table));
      }
      const subjects = (await (await fetch(`${stack().registryUrl}/subjects`)).json()) as string[];
      expect(subjects).toEqual(expect.arrayContaining(EXTRACTED_TABLES.map((t) => `${names.dwhPrefix}${t}-value`)));

      const dead = received.filter((r) => r.topic === names.dlq);
      for (const expected of expectedDead) {
        const letter = dead.find((r) => r.key === expected.key && r.headers[DLQ_HEADER.sourceTopic] === expected.source);
        expect(letter?.headers, expected.reason).toMatchObject({
          event_name: expect.any(String),
          traceparent: `trace-${expected.key}`,
          [DLQ_HEADER.stage]: 'extractor',
          [DLQ_HEADER.reason]: expected.reason,
          [DLQ_HEADER.service]: 'extractor',
        });
        expect(letter?.headers[DLQ_HEADER.message]).toMatch(expected.message);
      }

      expect((await fetch(`${extractor.health.url}/readyz`)).status).toBe(200);
      const metrics = await (await fetch(`${extractor.health.url}/metrics`)).text();
      expect(metrics).toContain('pipeline_dead_letters_total{stage="extractor",reason="invalid_payload",service="extractor"} 2');
      expect(metrics).toContain(`pipeline_records_out_total{topic="${names.dwhPrefix}fact_payment",service="extractor"} 2`);
    } finally {
      await extractor?.stop();
      await consumer.disconnect();
    }
    const logText = logs.join('');
    expect(logText).toContain('extractor started');
    for (const secret of [PEPPER, 'Ann.Lee', 'Berlin', '4242', '1990-05-17']) expect(logText).not.toContain(secret);
  });

  it('neither loses nor reorders a grain key\'s versions when stopped mid-stream and started again', async () => {
    const names = RESTART_NAMES;
    const tickets = ['t0', 't1', 't2', 't3'];
    const versions = 120;
    const total = tickets.length * versions;
    // Versions of one ticket share the output key (ticket_id): their order there must follow the source order.
    const sale = (ticket: string, seq: number) =>
      JSON.stringify({
        event_id: `${ticket}-${seq}`,
        event_name: 'ticket_sale',
        event_timestamp: 1_743_108_517_000 + seq,
        payload: { ticket_id: ticket, checkout_id: `c-${ticket}`, customer_id: 'u', attraction_id: 'a', sales_price: seq, currency: 'EUR', day_of_visit: '2025-04-02' },
      });
    let firstStopped!: () => void;
    const stopped = new Promise<void>((resolve) => (firstStopped = resolve));
    const produce = async () => {
      for (let seq = 0; seq < versions; seq += 4) {
        if (seq === versions / 2) await stopped;
        const messages = tickets.flatMap((t) => [0, 1, 2, 3].map((d) => routed(`c-${t}`, sale(t, seq + d), 'ticket_sale')));
        await broker.publisher.send(`${names.familyPrefix}ticket`, messages);
        await new Promise((r) => setTimeout(r, 10));
      }
    };

    const decoder = createRowCodec({ registryUrl: stack().registryUrl });
    const { received, consumer } = await collect([`${names.dwhPrefix}fact_ticket_sale`], RESTART_NAMES.group('reader'), decoder.decode);
    const eventIds = () => new Set(received.map((r) => r.row?.event_id));
    let producing: Promise<void> = Promise.resolve();
    try {
      const first = await startExtractor(extractorConfig(names, RESTART_NAMES.group('extractor')), { logger: quiet });
      producing = produce();
      await until(() => received.length >= total / 4, 'a quarter of the stream');
      await first.stop();
      firstStopped();
      expect(received.length).toBeLessThan(total);

      const second = await startExtractor(extractorConfig(names, RESTART_NAMES.group('extractor')), { logger: quiet });
      try {
        await producing;
        await until(() => eventIds().size === total, 'every row after the restart', 90_000);
      } finally {
        await second.stop();
      }

      for (const ticket of tickets) {
        const sequence = received.filter((r) => r.key === ticket).map((r) => Number(String(r.row?.event_id).split('-')[1]));
        const firstSeen = sequence.filter((seq, i) => sequence.indexOf(seq) === i);
        expect(firstSeen).toEqual(Array.from({ length: versions }, (_, i) => i));
        for (let i = 1; i < sequence.length; i++) {
          const [prev, next] = [sequence[i - 1] ?? 0, sequence[i] ?? 0];
          expect(next === prev + 1 || next <= prev, `${ticket} at ${i}: ${prev} -> ${next}`).toBe(true);
        }
      }
    } finally {
      firstStopped();
      await producing.catch(() => undefined);
      await consumer.disconnect();
    }
  });
});
