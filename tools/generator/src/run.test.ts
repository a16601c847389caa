import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCliArgs, type CliOptions } from './cli.ts';
import { generate } from './generator.ts';
import { expectedOutcome } from './outcome.ts';
import { runGenerator } from './run.ts';
import type { RunSummary } from './summary.ts';

const FAULTS = 'duplicate=3,malformed=2,missing=2,wrong=2,unknown=2,oversized=1';

function options(argv: string[]): CliOptions {
  const parsed = parseCliArgs([...argv, '--quiet']);
  if (parsed.kind !== 'run') throw new Error(`bad test arguments: ${JSON.stringify(parsed)}`);
  return parsed.options;
}

const io = (extra: Partial<Parameters<typeof runGenerator>[1]> = {}) => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => out.push(t), stderr: (l: string) => err.push(l), ...extra } };
};

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A stand-in bridge: answers the first request with 503, then 202; keeps every record it received. */
async function fakeBridge(): Promise<{ url: string; received: string[]; contentTypes: Set<string> }> {
  const received: string[] = [];
  const contentTypes = new Set<string>();
  let requests = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (++requests === 1) return res.writeHead(503, { 'retry-after': '0' }).end('{"error":"broker_unavailable"}');
      const body = Buffer.concat(chunks).toString('utf8');
      const type = req.headers['content-type'] ?? '';
      contentTypes.add(type);
      const items = type.includes('ndjson') ? body.split('\n').filter((line) => line !== '') : (JSON.parse(body) as unknown[]).map((v) => JSON.stringify(v));
      received.push(...items);
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: items.length, rejected: 0, errors: [] }));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, contentTypes };
}

describe('runGenerator push', () => {
  it('delivers every record once, in order, and summarises exactly what was delivered', async () => {
    const bridge = await fakeBridge();
    const opts = options(['--url', bridge.url, '--total', '1500', '--rate', '0', '--batch', '200', '--seed', 'push', '--faults', FAULTS, '--event-size-limit', '8192']);
    const { out, io: runIo } = io();
    const summary = await runGenerator(opts, runIo);

    const generated = generate({ seed: 'push', total: 1500, faults: opts.faults, eventSizeLimit: 8192 });
    expect(bridge.received).toEqual(generated.map((r) => r.text));
    expect(bridge.contentTypes).toEqual(new Set(['application/json', 'application/x-ndjson']));
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] as string)).toEqual(summary);
    expect(summary.complete).toBe(true);
    expect(summary.sent.total).toBe(1500);
    expect(summary.push).toMatchObject({ undelivered: 0, retries: 1, statuses: { '503': 1 } });
    expect(summary.push?.retriedRecords).toBeGreaterThan(0);
    expect(summary.push?.bridgeReported).toMatchObject({ accepted: 1500, rejected: 0, unreadableAnswers: 0 });
    expect(summary.expected).toEqual(expectedOutcome(generated, { eventSizeLimit: 8192 }));
    expect(summary.sent.byKind.valid + summary.sent.byKind.duplicate).toBe(summary.expected.deliveries.valid);
  });

  it('paces by rate and still delivers everything', async () => {
    const bridge = await fakeBridge();
    const summary = await runGenerator(options(['--url', bridge.url, '--total', '60', '--rate', '600', '--batch', '7']), io().io);
    expect(bridge.received).toHaveLength(60);
    expect(summary.push?.batches).toBeGreaterThanOrEqual(9);
  });

  it('reports records the bridge refused and does not count them as sent', async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(401).end('{"error":"unauthorized"}'));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { err, io: runIo } = io();
    const summary = await runGenerator(options(['--url', url, '--total', '10', '--rate', '0', '--token', 'wrong']), runIo);
    expect(summary.complete).toBe(false);
    expect(summary.sent.total).toBe(0);
    expect(summary.push?.undelivered).toBe(10);
    expect(summary.expected.records).toBe(0);
    expect(err.join('\n')).toContain('401');
  });
});

describe('runGenerator serve', () => {
  it('serves every record to a polling client and summarises them', async () => {
    let baseUrl = '';
    const { out, io: runIo } = io({ onListening: (url: string) => (baseUrl = url) });
    const opts = options(['--mode', 'serve', '--port', '0', '--total', '700', '--rate', '0', '--seed', 'serve', '--exit-when-served', '--faults', 'duplicate=3,unknown=2,oversized=1', '--event-size-limit', '8192']);
    const run = runGenerator(opts, runIo);
    while (baseUrl === '') await new Promise((resolve) => setTimeout(resolve, 5));
    const received: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const response = await fetch(`${baseUrl}/events?limit=250${cursor ? `&since=${cursor}` : ''}`);
      const page = (await response.json()) as { events: unknown[]; next_cursor: string };
      if (page.events.length === 0) break;
      received.push(...page.events.map((event) => JSON.stringify(event)));
      cursor = page.next_cursor;
    }
    const summary: RunSummary = await run;
    const generated = generate({ seed: 'serve', total: 700, faults: opts.faults, eventSizeLimit: 8192 });
    expect(received).toEqual(generated.map((r) => r.text));
    expect(out).toHaveLength(1);
    expect(summary).toMatchObject({ mode: 'serve', complete: true, serve: { servedUpTo: 700 } });
    expect(summary.expected).toEqual(expectedOutcome(generated, { eventSizeLimit: 8192 }));
  });

  it('summarises what was served so far when stopped early', async () => {
    const controller = new AbortController();
    const { out, io: runIo } = io({ signal: controller.signal, onListening: () => controller.abort() });
    const summary = await runGenerator(options(['--mode', 'serve', '--port', '0', '--total', '50']), runIo);
    expect(out).toHaveLength(1);
    expect(summary).toMatchObject({ complete: false, sent: { total: 0 } });
  });
});

describe('runGenerator file', () => {
  it('writes the records as NDJSON', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'generator-'));
    try {
      const path = join(dir, 'out.ndjson');
      const summary = await runGenerator(options(['--mode', 'file', '--out', path, '--total', '300', '--seed', 'file', '--faults', FAULTS]), io().io);
      const lines = readFileSync(path, 'utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(lines).toEqual(generate({ seed: 'file', total: 300, faults: summary.requested.faults }).map((r) => r.text));
      expect(summary.file?.bytes).toBe(Buffer.byteLength(readFileSync(path)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
