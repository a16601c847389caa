// The bridge's push API under hostile input, against a real broker: a body nested 100,000 levels deep, a body one
// byte over the limit read through fetch, and a property-based fuzz run (fast-check, bounded in time) over
// bodies, framings, encodings and payload shapes. Invariants: every request gets a 2xx/4xx answer before its
// deadline, the bridge stays ready, every accepted event is published, and no card number, security code or
// IBAN reaches a published record or a log line.
import { once } from 'node:events';
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Consumer, Kafka } from 'kafkajs';
import { loadConfig } from '@ckt/config';
import { createKafka, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { loadBridgeConfig, startBridge, type Bridge } from '@ckt/producer-bridge';
import { withStack } from '../helpers/stack.ts';
import { collectRecords } from '../helpers/topic-reader.ts';

const RAW = 'hostile.raw';
const DLQ = 'hostile.dlq';
const TOKEN = 'hostile-test-token';
const MAX_BODY = 5 * 1024 * 1024;
const MAX_EVENTS = 50;
const REQUEST_DEADLINE_MS = 15_000;

const stack = withStack({
  topics: [
    { name: RAW, partitions: 3 },
    { name: DLQ, partitions: 1 },
  ],
  components: { registry: false, s3: false },
});

const logLines: string[] = [];
const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logLines.push(chunk.toString());
    done();
  },
});
// Debug level: everything the bridge could ever log about a request is captured and checked.
const logger = createLogger('bridge-hostile-test', { LOG_LEVEL: 'debug' }, logSink);
let bridge: Bridge;
let consumer: Consumer;
let published: { topic: string; value: string }[] = [];

beforeAll(async () => {
  const kafka: Kafka = createKafka(loadConfig(kafkaSchema, stack().env()), createLogger('hostile-reader', { LOG_LEVEL: 'silent' }));
  bridge = await startBridge(
    loadBridgeConfig({
      ...stack().env(),
      TOPIC_RAW: RAW,
      TOPIC_DLQ: DLQ,
      BRIDGE_PORT: '0',
      BRIDGE_TOKENS: TOKEN,
      BRIDGE_MAX_BODY_BYTES: String(MAX_BODY),
      BRIDGE_MAX_EVENTS: String(MAX_EVENTS),
      BRIDGE_MAX_EVENT_BYTES: String(64 * 1024),
      METRICS_PORT: '0',
    }),
    { logger },
  );
  ({ received: published, consumer } = await collectRecords(kafka, [RAW, DLQ], 'bridge-hostile-test', ({ topic, message }) => ({
    topic,
    value: message.value?.toString() ?? '',
  })));
});

afterAll(async () => {
  await consumer?.disconnect();
  await bridge?.stop();
});

interface Answer {
  status: number;
  body: { accepted?: number; rejected?: number; error?: string; errors?: { index: number; reason: string }[] };
  retryAfter: string | null;
}

async function post(body: string | Uint8Array, headers: Record<string, string> = {}): Promise<Answer> {
  const res = await fetch(`${bridge.url}/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Answer['body']) : {}, retryAfter: res.headers.get('retry-after') };
}

async function waitUntil(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const eventIdOf = (value: string): string | undefined => {
  try {
    const id = (JSON.parse(value) as { event_id?: unknown }).event_id;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
};

function deepEvent(id: string, levels: number): string {
  return `{"event_id":"${id}","event_name":"ticket_sale","event_timestamp":"2025-03-27T20:48:37Z","payload":{"card_number":"4111111111111111","x":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
}

const validEvent = (id: string) => ({
  event_id: id,
  event_name: 'ticket_sale',
  event_timestamp: '2025-03-27T20:48:37.5+02:00',
  payload: { ticket_id: `t-${id}`, checkout_id: 'chk-hostile', customer_id: 'cust-1', attraction_id: 'a-1', sales_price: 49.5, currency: 'EUR', day_of_visit: '2025-04-01' },
});

describe('the bridge under hostile input', () => {
  it('dead-letters an event nested 100,000 levels deep and accepts the valid event of the same request', async () => {
    const body = `[${deepEvent('deep-100k', 100_000)},${JSON.stringify(validEvent('beside-deep'))}]`;
    const answer = await post(body);
    expect(answer).toMatchObject({ status: 202, body: { accepted: 1, rejected: 1, errors: [{ index: 0, reason: 'payload_too_large' }] } });
    await waitUntil(() => published.some((r) => r.topic === RAW && eventIdOf(r.value) === 'beside-deep'), 'the valid event on the raw topic');
    await waitUntil(() => published.some((r) => r.topic === DLQ && r.value.includes('deep-100k')), 'the deep event on the dead-letter topic');
    const letter = published.find((r) => r.topic === DLQ && r.value.includes('deep-100k'))!;
    expect(letter.value).toContain('[truncated: nested too deep]');
    expect(letter.value).not.toContain('4111111111111111');
  });

  it('lets a client read the 413 for a body one byte over the limit (declared and chunked)', async () => {
    // A client that sends its whole body before it reads the answer (as most do): before the fix the bridge
    // answered and closed mid-upload, the client's next writes were reset and the 413 was lost with them.
    const answer = await uploadThenRead(MAX_BODY + 1);
    expect(answer.statusLine).toBe('HTTP/1.1 413 Payload Too Large');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'body_too_large' });
    expect(await post('x'.repeat(MAX_BODY + 1))).toMatchObject({ status: 413, body: { error: 'body_too_large' } });
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let sent = 0; sent <= MAX_BODY; sent += 64 * 1024) controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
        controller.close();
      },
    });
    const res = await fetch(`${bridge.url}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: chunked,
      duplex: 'half',
      signal: AbortSignal.timeout(REQUEST_DEADLINE_MS),
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: 'body_too_large' });
    // An unauthenticated upload is also answered readably (its small body is drained before the close).
    expect(await post('{"event_id":1}', { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 });
  });

  it('answers every fuzzed request 2xx/4xx, publishes what it accepted, and never lets card data through', async () => {
    const secrets = new Set<string>();
    const accepted = new Set<string>();
    let sequence = 0;

    const digits = (n: number) => fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });
    const cardNumber = digits(15).map((body) => {
      const withIssuer = [4, ...body.slice(1)];
      return withIssuer.join('') + String(luhnCheckDigit(withIssuer));
    });
    const cvc = fc.integer({ min: 100, max: 9999 }).map(String);
    const iban = fc.constantFrom('DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300');
    const jsonLeaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
    const payload = fc.record({
      base: fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 4 }), { maxKeys: 6 }),
      card: cardNumber,
      code: cvc,
      account: iban,
      shape: fc.constantFrom('card_number', 'pan', 'nested', 'free_text', 'as_number', 'iban', 'array'),
      leaf: jsonLeaf,
    });
    const itemKind = fc.constantFrom('valid', 'valid', 'valid', 'deep', 'bad_envelope', 'garbage', 'huge', 'not_object');
    const item = fc.record({ kind: itemKind, payload, depth: fc.integer({ min: 40, max: 20_000 }) });
    const request = fc.record({
      items: fc.array(item, { minLength: 1, maxLength: 8 }),
      framing: fc.constantFrom('array', 'single', 'ndjson'),
      gzip: fc.boolean(),
      contentType: fc.constantFrom('application/json', 'application/x-ndjson', 'application/json; charset=utf-8', 'text/plain', ''),
      bom: fc.boolean(),
    });

    await fc.assert(
      fc.asyncProperty(request, async (spec) => {
        const ids: (string | undefined)[] = [];
        const texts = spec.items.map((it) => {
          const id = `fz-${sequence++}`;
          secrets.add(it.payload.card).add(spaced(it.payload.card)).add(it.payload.account);
          const event = { ...validEvent(id), payload: { ...validEvent(id).payload, ...it.payload.base, ...sensitive(it.payload) } };
          ids.push(it.kind === 'valid' ? id : undefined);
          switch (it.kind) {
            case 'valid':
              return JSON.stringify(event);
            case 'deep':
              return deepEvent(id, it.depth);
            case 'bad_envelope':
              return JSON.stringify({ ...event, event_timestamp: it.payload.leaf });
            case 'garbage':
              return `{"event_id":"${id}","card":"${it.payload.card}"`;
            case 'huge':
              return JSON.stringify({ ...event, payload: { ...event.payload, blob: 'z'.repeat(70 * 1024) } });
            default:
              return JSON.stringify([it.payload.leaf]);
          }
        });
        const framed = spec.framing === 'ndjson' ? texts.join('\n') : spec.framing === 'single' ? texts[0]! : `[${texts.join(',')}]`;
        const text = (spec.bom ? '\ufeff' : '') + framed;
        const headers: Record<string, string> = { 'content-type': spec.framing === 'ndjson' && spec.contentType === 'application/json' ? 'application/x-ndjson' : spec.contentType };
        if (spec.gzip) headers['content-encoding'] = 'gzip';
        const answer = await post(spec.gzip ? gzipSync(text) : text, headers);

        expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(200);
        expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(500);
        // Only where the framing matches the declared type is it known which events the bridge must accept.
        const ndjsonType = (headers['content-type'] ?? '').startsWith('application/x-ndjson');
        if (answer.status !== 202 || (spec.framing === 'ndjson') !== ndjsonType) return;
        const refused = new Set((answer.body.errors ?? []).map((error) => error.index));
        const sent = spec.framing === 'single' ? ids.slice(0, 1) : ids;
        sent.forEach((id, index) => {
          // A well-formed event is accepted whatever else the request holds; what was accepted must be published.
          if (id !== undefined) expect(refused.has(index), `event ${index} (${id}) refused`).toBe(false);
          if (id !== undefined) accepted.add(id);
        });
      }),
      { numRuns: 150, interruptAfterTimeLimit: 60_000 },
    );

    const rawIds = () => new Set(published.filter((r) => r.topic === RAW).map((r) => eventIdOf(r.value)));
    await waitUntil(() => [...accepted].every((id) => rawIds().has(id)), `${accepted.size} accepted events on the raw topic`);
    expect(accepted.size).toBeGreaterThan(0);

    for (const record of published) {
      for (const secret of secrets) expect(record.value).not.toContain(secret);
      expect(record.value).not.toMatch(/"(cvc|cvv|security_code)"/);
    }
    const logs = logLines.join('');
    for (const secret of secrets) expect(logs).not.toContain(secret);
    expect(logs).not.toContain(TOKEN);

    expect((await fetch(`${bridge.healthUrl}/readyz`)).status).toBe(200);
    expect(await post(JSON.stringify(validEvent('after-fuzz')))).toMatchObject({ status: 202, body: { accepted: 1 } });
  });
});

/** Sends a POST with a Content-Length of `bytes` over a raw socket, all of it, and only then reads the answer. */
async function uploadThenRead(bytes: number): Promise<{ statusLine: string; body: string }> {
  const { hostname: host, port } = new URL(bridge.url!);
  const socket = connect({ host, port: Number(port) });
  await once(socket, 'connect');
  const received: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => received.push(chunk));
  const ended = once(socket, 'end');
  socket.write(`POST /v1/events HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${TOKEN}\r\ncontent-type: application/json\r\ncontent-length: ${bytes}\r\n\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    // Paced, so the server has long decided before the upload ends.
    if (!socket.write(chunk.subarray(0, Math.min(chunk.length, bytes - sent)))) await once(socket, 'drain');
    await new Promise((resolve) => setImmediate(resolve));
  }
  await ended;
  const text = Buffer.concat(received).toString();
  socket.destroy();
  const [head = '', body = ''] = text.split('\r\n\r\n');
  return { statusLine: head.split('\r\n')[0] ?? '', body };
}

/** The payment data of a fuzzed payload, in one of the shapes checkouts send it. */
function sensitive(p: { card: string; code: string; account: string; shape: string }): Record<string, unknown> {
  switch (p.shape) {
    case 'card_number':
      return { card_number: p.card, cvc: p.code };
    case 'pan':
      return { payment: { pan: p.card, cvv: p.code } };
    case 'nested':
      return { user_payment_details: { card: { number: p.card, security_code: p.code } } };
    case 'free_text':
      return { note: `paid with ${spaced(p.card)} today` };
    case 'as_number':
      return { reference: Number(p.card) <= Number.MAX_SAFE_INTEGER ? Number(p.card) : p.card };
    case 'iban':
      return { billing: { iban: p.account } };
    default:
      return { history: [[{ card_number: p.card }], p.account] };
  }
}

const spaced = (card: string) => card.replace(/(\d{4})(?=\d)/g, '$1 ');

function luhnCheckDigit(digits: number[]): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    // Doubling starts from the rightmost digit of the payload, which sits next to the check digit.
    let digit = digits[digits.length - 1 - i]!;
    if (i % 2 === 0) digit *= 2;
    if (digit > 9) digit -= 9;
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}
