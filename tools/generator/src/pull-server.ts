import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GeneratedRecord } from './generator.ts';

/**
 * The checkout API's pull endpoint, as the bridge polls it in pull mode:
 * `GET /events?since=<cursor>&limit=<n>` -> `{"events":[...], "next_cursor":"<cursor>"}`.
 * The cursor is opaque to the client; here it is the index of the next record. `since` absent or empty
 * means the beginning. An empty `events` means caught up (next_cursor then equals since). Events appear
 * over time as the source makes them available (rate), and records are served byte for byte as generated
 * (integer event_ids, timestamp formats and decimal strings preserved).
 */

export interface PullSource {
  /** Records that will exist in the end. */
  readonly total: number;
  /** Records available now (0..total). */
  available(): number;
  /** The record at `index` (< available()). */
  get(index: number): GeneratedRecord;
}

interface PullServerOptions {
  source: PullSource;
  /** 0 = an ephemeral port. */
  port?: number;
  host?: string;
  /** Require `Authorization: Bearer <token>` when set. */
  token?: string;
  /** `limit` when the client gives none. Default 100. */
  defaultLimit?: number;
  /** Larger limits are served as this many (the API may return fewer). Default 10000. */
  maxLimit?: number;
  /** Called after each page is served with the page's bounds [from, to). */
  onServe?: (from: number, to: number) => void;
}

export interface PullServer {
  readonly port: number;
  /** Base URL, e.g. http://127.0.0.1:43123 (the bridge's CHECKOUT_API_URL). */
  readonly url: string;
  /** Highest next_cursor handed out so far (records [0, servedUpTo) were served at least once). */
  servedUpTo(): number;
  close(): Promise<void>;
}

export async function startPullServer(options: PullServerOptions): Promise<PullServer> {
  const defaultLimit = options.defaultLimit ?? 100;
  const maxLimit = options.maxLimit ?? 10_000;
  let servedUpTo = 0;

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/healthz') return reply(res, 200, '{"status":"ok"}');
    if (url.pathname !== '/events') return reply(res, 404, JSON.stringify({ error: 'not_found' }));
    if (req.method !== 'GET') return reply(res, 405, JSON.stringify({ error: 'method_not_allowed' }), { allow: 'GET' });
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return reply(res, 401, JSON.stringify({ error: 'unauthorized' }), { 'www-authenticate': 'Bearer' });
    }
    const page = parsePage(url.searchParams, { defaultLimit, maxLimit, total: options.source.total });
    if (!page.ok) return reply(res, 400, JSON.stringify({ error: 'bad_request', message: page.message }));
    const to = Math.max(page.since, Math.min(page.since + page.limit, options.source.available()));
    const texts: string[] = [];
    for (let index = page.since; index < to; index++) texts.push(options.source.get(index).text);
    servedUpTo = Math.max(servedUpTo, to);
    reply(res, 200, `{"events":[${texts.join(',')}],"next_cursor":"${to}"}`);
    options.onServe?.(page.since, to);
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (error) {
      reply(res, 500, JSON.stringify({ error: 'internal', message: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    port: address.port,
    url: `http://${host}:${address.port}`,
    servedUpTo: () => servedUpTo,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Page = { ok: true; since: number; limit: number } | { ok: false; message: string };

/** Reads `since` (cursor: absent/empty = 0, else an index <= total) and `limit` (positive integer, capped). */
export function parsePage(params: URLSearchParams, bounds: { defaultLimit: number; maxLimit: number; total: number }): Page {
  const sinceText = params.get('since') ?? '';
  const limitText = params.get('limit') ?? '';
  if (sinceText !== '' && !/^\d{1,15}$/.test(sinceText)) return { ok: false, message: 'since: not a cursor of this API' };
  const since = sinceText === '' ? 0 : Number(sinceText);
  if (since > bounds.total) return { ok: false, message: 'since: cursor beyond the end of the stream' };
  if (limitText !== '' && !/^\d{1,9}$/.test(limitText)) return { ok: false, message: 'limit: expected a positive integer' };
  const limit = limitText === '' ? bounds.defaultLimit : Number(limitText);
  if (limit < 1) return { ok: false, message: 'limit: expected a positive integer' };
  return { ok: true, since, limit: Math.min(limit, bounds.maxLimit) };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
