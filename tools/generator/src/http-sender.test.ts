import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSender, eventsEndpoint, isRetryable, retryAfterMs } from './http-sender.ts';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A stand-in bridge answering each request with the next of `answers` (the last one repeats). */
async function bridge(answers: [number, Record<string, string>?, string?][]): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const [status, headers = {}, text = '{}'] = answers[Math.min(seen.length - 1, answers.length - 1)] ?? [500];
      res.writeHead(status, headers).end(text);
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

const body = { body: '[{"a":1}]', contentType: 'application/json' };

describe('createHttpSender', () => {
  it('posts to /v1/events with the content type and bearer token', async () => {
    const { url, seen } = await bridge([[202, {}, '{"accepted":1,"rejected":0,"errors":[]}']]);
    const sender = createHttpSender({ url, token: 's3cret' });
    const outcome = await sender.send(body);
    expect(outcome).toMatchObject({ delivered: true, status: 202, attempts: 1, retriedAfterAnswer: 0 });
    expect(outcome.responseBody).toContain('accepted');
    expect(seen[0]).toMatchObject({ url: '/v1/events', body: '[{"a":1}]' });
    expect(seen[0]?.headers['content-type']).toBe('application/json');
    expect(seen[0]?.headers.authorization).toBe('Bearer s3cret');
    expect(sender.stats).toEqual({ requests: 1, retries: 0, statuses: { '202': 1 } });
  });

  it('retries 503 after Retry-After, and 500, until accepted', async () => {
    const { url, seen } = await bridge([[503, { 'retry-after': '0' }], [500], [202]]);
    const delays: number[] = [];
    const sender = createHttpSender({ url, baseRetryDelayMs: 1, onRetry: ({ delayMs }) => delays.push(delayMs) });
    const outcome = await sender.send(body);
    expect(outcome).toMatchObject({ delivered: true, attempts: 3, retriedAfterAnswer: 2 });
    expect(seen).toHaveLength(3);
    expect(delays).toEqual([0, 2]);
    expect(sender.stats.statuses).toEqual({ '503': 1, '500': 1, '202': 1 });
  });

  it('does not retry other 4xx answers', async () => {
    const { url, seen } = await bridge([[413, {}, '{"error":"body_too_large"}']]);
    const outcome = await createHttpSender({ url }).send(body);
    expect(outcome).toMatchObject({ delivered: false, status: 413, attempts: 1 });
    expect(outcome.error).toContain('body_too_large');
    expect(seen).toHaveLength(1);
  });

  it('gives up after maxRetries', async () => {
    const { url, seen } = await bridge([[503, { 'retry-after': '0' }]]);
    const outcome = await createHttpSender({ url, maxRetries: 2 }).send(body);
    expect(outcome).toMatchObject({ delivered: false, status: 503, attempts: 3 });
    expect(seen).toHaveLength(3);
  });

  it('retries when nobody answers, and stops when aborted', async () => {
    const controller = new AbortController();
    const sender = createHttpSender({
      url: 'http://127.0.0.1:1',
      baseRetryDelayMs: 1,
      signal: controller.signal,
      onRetry: ({ attempt }) => attempt === 2 && controller.abort(),
    });
    const outcome = await sender.send(body);
    expect(outcome.delivered).toBe(false);
    expect(outcome.status).toBeNull();
    expect(sender.stats.statuses.error).toBeGreaterThanOrEqual(2);
  });
});

describe('retry helpers', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.UTC(2025, 2, 27, 10, 0, 0);
    expect(retryAfterMs('5', now)).toBe(5000);
    expect(retryAfterMs(new Date(now + 3000).toUTCString(), now)).toBe(3000);
    expect(retryAfterMs(new Date(now - 3000).toUTCString(), now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
  });

  it('retries no answer, 429 and 5xx only', () => {
    expect([null, 429, 500, 503].every(isRetryable)).toBe(true);
    expect([200, 400, 401, 413, 415].some(isRetryable)).toBe(false);
    expect(eventsEndpoint('http://h:1//')).toBe('http://h:1/v1/events');
  });
});
