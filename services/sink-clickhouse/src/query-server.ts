import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Counter, type Registry } from 'prom-client';
import { ConfigError } from '@ckt/config';
import type { Logger } from '@ckt/logging';
import { createBearerAuth, discardBody, listen } from '@ckt/observability';
import type { Warehouse } from '@ckt/warehouse';
import { checkReadingStatement } from './query-statement.ts';

const QUERY_PATH = '/query';
/** Body bytes read and dropped after a refusal (so the client reads the answer); beyond, the socket is closed. */
const MAX_DISCARD_BYTES = 8 * 1024 * 1024;

interface QueryServerSettings {
  port: number;
  host: string;
  /** Bearer token the route requires; undefined = none (only allowed on loopback, see config). */
  token?: string;
  maxStatementBytes: number;
  /** Queries running at once; more are answered 429. */
  concurrency: number;
}

interface QueryServerDeps {
  /** A fresh read-only session with the per-query limits: one per request, closed after it. */
  openSession: () => Promise<Warehouse>;
  logger: Logger;
  registry: Registry;
}

export interface QueryServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * `POST /query` with one reading statement as the body (text, or JSON `{"sql": ...}`) -> its rows as JSON
 * lines. Its own listener, so it is never exposed with the metrics port. Every request gets a new session
 * (nothing one request does is seen by the next). The SQL is never logged: it can hold literal values.
 */
export async function startQueryServer(settings: QueryServerSettings, deps: QueryServerDeps): Promise<QueryServer> {
  const { logger } = deps;
  if (!isLoopback(settings.host) && !settings.token) {
    throw new ConfigError([`SINK_QUERY_TOKEN: required when SINK_QUERY_HOST (${settings.host}) is not a loopback address, or set SINK_QUERY_ROUTE=off`]);
  }
  const authorised = createBearerAuth(settings.token ? [settings.token] : []);
  const requests = new Counter({ name: 'sink_query_requests_total', help: 'Requests to the read-only query route', labelNames: ['status'], registers: [deps.registry] });
  let running = 0;

  const answer = (res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ error }));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if ((req.url ?? '/').split('?', 1)[0] !== QUERY_PATH) return refuse(req, res, 404, `POST the statement to ${QUERY_PATH}`);
    if (req.method !== 'POST') return refuse(req, res, 405, 'use POST with the SQL as body', { allow: 'POST' });
    if (!authorised(req.headers.authorization)) return refuse(req, res, 401, 'missing or invalid bearer token', { 'www-authenticate': 'Bearer realm="sink-query"' });
    if (running >= settings.concurrency) return refuse(req, res, 429, `at most ${settings.concurrency} queries at once; retry shortly`, { 'retry-after': '1' });
    running++;
    try {
      const body = await readStatement(req, settings.maxStatementBytes);
      if (body === undefined) return refuse(req, res, 413, `statement is larger than ${settings.maxStatementBytes} bytes (SINK_QUERY_MAX_STATEMENT_BYTES)`);
      const sql = sqlOfBody(body, req.headers['content-type']);
      if (sql === undefined) return answer(res, 400, 'expected the SQL as text, or JSON {"sql": "<statement>"}');
      if (sql.trim() === '') return answer(res, 400, 'empty statement');
      const started = Date.now();
      const session = await deps.openSession();
      try {
        const check = await checkReadingStatement(session, sql);
        if (!check.ok) return answer(res, 400, check.message);
        const text = await session.queryText(check.sql);
        res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(text);
        logger.info({ route: QUERY_PATH, bytes: text.length, ms: Date.now() - started }, 'read-only query answered');
      } catch (error) {
        answer(res, 400, error instanceof Error ? error.message : String(error));
        logger.info({ route: QUERY_PATH, ms: Date.now() - started }, 'read-only query failed');
      } finally {
        await session.close();
      }
    } finally {
      running--;
    }
  }

  const server = createServer((req, res) => {
    res.once('close', () => requests.inc({ status: String(res.statusCode) }));
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error }, 'query request failed');
      if (!res.headersSent) answer(res, 500, 'the query route failed on this request');
      else res.destroy();
    });
  });
  const { port, url } = await listen(server, settings.port, settings.host);
  logger.info({ port, host: settings.host, auth: settings.token !== undefined }, 'read-only query route listening');
  return {
    url: `${url}${QUERY_PATH}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '::1' || /^127\./.test(host);

/** The SQL of a request: a JSON body `{"sql": "..."}` or the raw body as text; undefined when the JSON is not that. */
function sqlOfBody(body: string, contentType: string | undefined): string | undefined {
  if (!contentType?.includes('application/json')) return body;
  try {
    const parsed = JSON.parse(body) as { sql?: unknown } | null;
    return typeof parsed?.sql === 'string' ? parsed.sql : undefined;
  } catch {
    return undefined;
  }
}

/** The body as text, or undefined once it passes `maxBytes` (the rest is still read, then the 413 is sent). */
function readStatement(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
      else if (size > maxBytes + MAX_DISCARD_BYTES) req.destroy();
    });
    req.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Answers a refused request after draining its (bounded) body, so the client reads the answer. */
async function refuse(req: IncomingMessage, res: ServerResponse, status: number, error: string, headers: Record<string, string> = {}): Promise<void> {
  await discardBody(req, MAX_DISCARD_BYTES, 5_000);
  res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers }).end(JSON.stringify({ error }));
}
