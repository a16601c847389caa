// The producer bridge's push API against a real Kafka broker: every answer code, the published records (key,
// normalised value, partition per key), masking of nested card data, dead letters with their headers,
// metrics, and a graceful stop that finishes the request in flight.
import { gzipSync } from 'node:zlib';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Kafka } from 'kafkajs';
import { loadConfig } from '@ckt/config';
import { createKafka, DLQ_HEADER, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { loadBridgeConfig, startBridge, type Bridge } from '@ckt/producer-bridge';
import { withStack } from '../helpers/stack.ts';
import { collectRecords, headerText } from '../helpers/topic-reader.ts';

const RAW = 'push.raw';
const DLQ = 'push.dlq';
const TOKEN = 'push-test-token';
const MAX_BODY = 32 * 1024;

const stack = withStack({
  topics: [
    { name: RAW, partitions: 3 },
    { name: DLQ, partitions: 1 },
  ],
  components: { registry: false, s3: false },
});

const logger = createLogger('bridge-push-test', { LOG_LEVEL: 'silent' });
let kafka: Kafka;
let bridge: Bridge;
let consumer: Consumer;
let received: Received[] = [];

interface Received {
  topic: string;
  partition: number;
  key: string | null;
  value: string | null;
  headers: Record<string, string>;
}

function bridgeConfig(overrides: Record<string, string> = {}) {
  return loadBridgeConfig({
    ...stack().env(),
    TOPIC_RAW: RAW,
    TOPIC_DLQ: DLQ,
    BRIDGE_PORT: '0',
    BRIDGE_HOST: '127.0.0.1',
    BRIDGE_TOKENS: `other-token, ${TOKEN}`,
    BRIDGE_MAX_BODY_BYTES: String(MAX_BODY),
    BRIDGE_MAX_INFLIGHT_BYTES: String(4 * MAX_BODY),
    BRIDGE_MAX_EVENTS: '20',
    BRIDGE_MAX_EVENT_BYTES: '4096',
    BRIDGE_PUBLISH_TIMEOUT_MS: '5000',
    METRICS_PORT: '0',
    METRICS_HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

beforeAll(async () => {
  kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
  bridge = await startBridge(bridgeConfig(), { logger });
  ({ received, consumer } = await collectRecords(kafka, [RAW, DLQ], 'bridge-push-test', ({ topic, partition, message }) => ({
    topic,
    partition,
    key: message.key?.toString() ?? null,
    value: message.value?.toString() ?? null,
    headers: headerText(message.headers),
  })));
});

afterAll(async () => {
  await consumer?.disconnect();
  await bridge?.stop();
});

async function waitFor<T>(read: () => T[], count: number): Promise<T[]> {
  for (let i = 0; i < 300 && read().length < count; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return read();
}

const recordsOf = (topic: string, eventIds: string[]) => () =>
  received.filter((r) => r.topic === topic && eventIds.some((id) => r.value?.includes(`"event_id":"${id}"`)));

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

/** POSTs with node:http (so a request may declare a Content-Length and stream more or less than it). */
function post(body: Buffer | string, headers: Record<string, string> = {}, path = '/v1/events', method = 'POST'): Promise<Answer> {
  const url = new URL(path, bridge.url);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const textBody = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: textBody ? (JSON.parse(textBody) as Record<string, unknown>) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let nextId = 1000;
function ticketSale(checkoutId: string, extra: Record<string, unknown> = {}) {
  const id = nextId++;
  return {
    event_id: id,
    event_name: 'ticket_sale',
    event_timestamp: '2025-03-27T20:48:37.5+02:00',
    payload: { ticket_id: `t-${id}`, checkout_id: checkoutId, customer_id: 'cust-1', attraction_id: 'a-1', sales_price: 49.5, currency: 'EUR', day_of_visit: '2025-04-01', ...extra },
  };
}

describe('POST /v1/events', () => {
  it('publishes a single envelope, an array, NDJSON and gzip, keyed per checkout and normalised', async () => {
    const single = ticketSale('chk-A');
    const array = [ticketSale('chk-A'), ticketSale('chk-B'), ticketSale('chk-A')];
    const ndjson = [ticketSale('chk-B'), ticketSale('chk-A')];
    const gzipped = [ticketSale('chk-C'), ticketSale('chk-A')];

    expect(await post(JSON.stringify(single))).toMatchObject({ status: 202, body: { accepted: 1, rejected: 0, errors: [] } });
    expect(await post(JSON.stringify(array))).toMatchObject({ status: 202, body: { accepted: 3, rejected: 0, errors: [] } });
    const nd = await post(`${ndjson.map((e) => JSON.stringify(e)).join('\n')}\n`, { 'content-type': 'application/x-ndjson' });
    expect(nd).toMatchObject({ status: 202, body: { accepted: 2, rejected: 0 } });
    const gz = await post(gzipSync(JSON.stringify(gzipped)), { 'content-encoding': 'gzip' });
    expect(gz).toMatchObject({ status: 202, body: { accepted: 2, rejected: 0 } });

    const all = [single, ...array, ...ndjson, ...gzipped];
    const ids = all.map((e) => String(e.event_id));
    const records = await waitFor(recordsOf(RAW, ids), all.length);
    expect(records).toHaveLength(all.length);
    const first = JSON.parse(records.find((r) => r.value!.includes(`"event_id":"${single.event_id}"`))!.value!);
    expect(first).toEqual({ ...single, event_id: String(single.event_id), event_timestamp: '2025-03-27T18:48:37.500Z' });
    for (const record of records) {
      const event = JSON.parse(record.value!);
      expect(record.key).toBe(event.payload.checkout_id);
    }
    // One key, one partition: chk-A's events arrive on a single partition in the order they were sent.
    const chkA = records.filter((r) => r.key === 'chk-A');
    expect(new Set(chkA.map((r) => r.partition)).size).toBe(1);
    const sentA = all.filter((e) => e.payload.checkout_id === 'chk-A').map((e) => String(e.event_id));
    expect(chkA.map((r) => JSON.parse(r.value!).event_id)).toEqual(sentA);
  });

  it('masks card numbers, security codes and account numbers in nested payload fields before publishing', async () => {
    const payment = {
      event_id: 'pay-1',
      event_name: 'trigger_payment',
      event_timestamp: 1743108517000,
      payload: {
        transaction_id: 'tx-9',
        checkout_id: 'chk-P',
        customer_id: 'cust-7',
        amount_to_be_charged: '120.00',
        currency: 'EUR',
        payment_processing_system: 'adyen',
        user_payment_details: {
          payment_method: 'card',
          card_brand: 'mastercard',
          card: { number: '5555 5555 5555 4444', cvc: '737', expiry_month: 12 },
          fallback_cards: [{ pan: '4111-1111-1111-1111', cvv2: 321 }],
          bank: { account_number: 'NL91ABNA0417164300', holder_note: 'refund to NL91 ABNA 0417 1643 00' },
        },
        notes: 'customer read card 378282246310005 over the phone',
      },
    };
    expect(await post(JSON.stringify(payment))).toMatchObject({ status: 202, body: { accepted: 1 } });
    const [record] = await waitFor(recordsOf(RAW, ['pay-1']), 1);
    const value = record!.value!;
    for (const secret of ['5555 5555', '737', '4111-1111', '321', 'NL91ABNA0417', 'NL91 ABNA', '378282246']) expect(value).not.toContain(secret);
    const details = JSON.parse(value).payload.user_payment_details;
    expect(details.card).toEqual({ number: '************4444', expiry_month: 12 });
    expect(details.fallback_cards).toEqual([{ pan: '************1111' }]);
    expect(details.bank.account_number).toBe('**************4300');
    expect(details.payment_method).toBe('card');
    expect(record!.key).toBe('chk-P');
  });

  it('publishes the valid events of a mixed batch and dead-letters the rest, masked, with dlq headers', async () => {
    const good = ticketSale('chk-M');
    const noTimestamp = { event_id: 'bad-1', event_name: 'ticket_sale', payload: { checkout_id: 'chk-M', card_number: '4111111111111111' } };
    const huge = ticketSale('chk-M', { blob: 'x'.repeat(5000), card: '4000 0000 0000 0002' });
    const lines = [JSON.stringify(good), '{"event_id": "bad-2", "card": "4242 4242 4242 4242", "cvc": "123"', JSON.stringify(noTimestamp), JSON.stringify(huge)];
    const answer = await post(lines.join('\n'), { 'content-type': 'application/x-ndjson' });
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({
      accepted: 1,
      rejected: 3,
      errors: [
        { index: 1, reason: 'invalid_json' },
        { index: 2, reason: 'invalid_envelope', message: expect.stringContaining('event_timestamp') },
        { index: 3, reason: 'payload_too_large' },
      ],
    });
    await waitFor(recordsOf(RAW, [String(good.event_id)]), 1);
    // Only this test writes dead letters.
    const letters = await waitFor(() => received.filter((r) => r.topic === DLQ), 3);
    expect(letters).toHaveLength(3);
    const byReason = Object.fromEntries(letters.map((l) => [l.headers[DLQ_HEADER.reason], l]));
    for (const letter of letters) {
      expect(letter.headers).toMatchObject({ [DLQ_HEADER.stage]: 'bridge', [DLQ_HEADER.service]: 'producer-bridge' });
      expect(letter.headers[DLQ_HEADER.message]).toBeTruthy();
      expect(Number.isNaN(Date.parse(letter.headers[DLQ_HEADER.failedAt]!))).toBe(false);
      for (const secret of ['4111111111111111', '4242 4242 4242 4242', '4000 0000 0000 0002', '"123"']) expect(letter.value).not.toContain(secret);
    }
    expect(byReason.invalid_json!.value).toBe('{"event_id": "bad-2", "card": "************4242", "cvc": "***"');
    expect(JSON.parse(byReason.invalid_envelope!.value!)).toEqual({ ...noTimestamp, payload: { checkout_id: 'chk-M', card_number: '************1111' } });
    expect(byReason.invalid_envelope!.key).toBe('bad-1');
    expect(byReason.payload_too_large!.key).toBe(String(huge.event_id));
    expect(Buffer.byteLength(byReason.payload_too_large!.value!)).toBeLessThanOrEqual(4096);
  });

  it('refuses bad requests with clear answers and publishes nothing of them', async () => {
    const before = received.length;
    const marker = ticketSale('chk-REFUSED');
    const body = JSON.stringify([marker]);

    expect(await post(body, { authorization: '' })).toMatchObject({ status: 401, body: { error: 'unauthorized' } });
    const wrong = await post(body, { authorization: 'Bearer not-the-token' });
    expect(wrong).toMatchObject({ status: 401 });
    expect(wrong.headers['www-authenticate']).toContain('Bearer');

    expect(await post('{"event_id": 1, ', {})).toMatchObject({ status: 400, body: { error: 'invalid_json' } });
    expect(await post('', {})).toMatchObject({ status: 400, body: { error: 'empty_body' } });
    expect(await post(Buffer.from('definitely not gzip'), { 'content-encoding': 'gzip' })).toMatchObject({ status: 400, body: { error: 'invalid_gzip' } });
    expect(await post(body, { 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    expect(await post(body, { 'content-encoding': 'br' })).toMatchObject({ status: 415 });
    expect(await post(body, {}, '/v1/other')).toMatchObject({ status: 404 });
    expect((await post('', {}, '/v1/events', 'GET')).status).toBe(405);

    const tooMany = JSON.stringify(Array.from({ length: 21 }, () => marker));
    expect(await post(tooMany)).toMatchObject({ status: 413, body: { error: 'too_many_events' } });

    // Declared too large: refused from the Content-Length, before the body is read.
    const oversized = JSON.stringify([{ ...marker, payload: { ...marker.payload, blob: 'y'.repeat(MAX_BODY) } }]);
    expect(await post(oversized)).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    // Small on the wire, too large decompressed: refused while decompressing.
    expect(await post(gzipSync(oversized), { 'content-encoding': 'gzip' })).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    // Streamed without a Content-Length (chunked): refused by counting.
    expect(await post(Buffer.from(oversized), { 'transfer-encoding': 'chunked' })).toMatchObject({ status: 413 });

    // A valid request afterwards still works, and none of the refused ones reached a topic.
    const after = ticketSale('chk-AFTER');
    expect(await post(JSON.stringify(after))).toMatchObject({ status: 202 });
    await waitFor(recordsOf(RAW, [String(after.event_id)]), 1);
    expect(received.slice(before).filter((r) => r.value?.includes('chk-REFUSED'))).toEqual([]);
  });

  it('exposes metrics and readiness', async () => {
    const metrics = await (await fetch(`${bridge.healthUrl}/metrics`)).text();
    expect(metrics).toMatch(/bridge_http_requests_total\{status="202",service="producer-bridge"\} \d+/);
    expect(metrics).toMatch(/bridge_http_requests_total\{status="401",service="producer-bridge"\} 2/);
    expect(metrics).toMatch(/bridge_events_rejected_total\{source="push",reason="invalid_json",service="producer-bridge"\} 1/);
    expect(metrics).toContain('bridge_publish_seconds_bucket');
    expect(metrics).toContain('bridge_inflight_bytes');
    expect(metrics).not.toContain(TOKEN);
    expect((await fetch(`${bridge.healthUrl}/readyz`)).status).toBe(200);
  });

  it('stops gracefully: a request in flight completes, later connections are refused', async () => {
    const second = await startBridge(bridgeConfig(), { logger });
    const target = second.url!;
    const body = JSON.stringify(ticketSale('chk-STOP'));
    const eventId = String(JSON.parse(body).event_id);
    let stopped: Promise<void> | undefined;
    const answer = await new Promise<Answer>((resolve, reject) => {
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
      const req = request(new URL('/v1/events', target), { method: 'POST', headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 20));
      // Stop while the body is still arriving: the request must still be answered and published.
      setTimeout(() => {
        stopped = second.stop();
        setTimeout(() => req.end(body.slice(20)), 200);
      }, 100);
    });
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1 } });
    await stopped;
    await expect(fetch(`${target}/v1/events`, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(await waitFor(recordsOf(RAW, [eventId]), 1)).toHaveLength(1);
  });
});
