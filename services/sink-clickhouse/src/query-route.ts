import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '@ckt/logging';
import type { ExtraRoute } from '@ckt/observability';
import type { Warehouse } from '@ckt/warehouse';

export const QUERY_PATH = '/query';
const MAX_SQL_BYTES = 1024 * 1024;

/** The SQL of a request: a JSON body `{"sql": "..."}` or the raw body as text. */
export function sqlOfBody(body: string, contentType: string | undefined): string {
  if (contentType?.includes('application/json')) {
    const parsed = JSON.parse(body) as { sql?: unknown };
    if (typeof parsed.sql !== 'string') throw new Error('expected {"sql": "<statement>"}');
    return parsed.sql;
  }
  return body;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SQL_BYTES) {
        reject(new Error('statement too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * `POST /query` with a SELECT in the body -> its rows as JSON lines (application/x-ndjson). The statement runs
 * on a read-only warehouse session (`readonly = 1`: no writes, DDL, settings changes or file access). Lets
 * `npm run query` read the chDB warehouse while this process holds its directory. Errors answer 400 with
 * `{"error": ...}`. The SQL is not logged (it can hold literal values).
 */
export function createQueryRoute(warehouse: Warehouse, logger: Logger): ExtraRoute {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== QUERY_PATH) return false;
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST', 'content-type': 'application/json' }).end(JSON.stringify({ error: 'use POST with the SQL as body' }));
      return true;
    }
    const started = Date.now();
    try {
      const sql = sqlOfBody(await readBody(req), req.headers['content-type']).trim();
      if (sql === '') throw new Error('empty statement');
      const text = await warehouse.queryText(sql);
      res.writeHead(200, { 'content-type': 'application/x-ndjson' }).end(text);
      logger.info({ route: QUERY_PATH, bytes: text.length, ms: Date.now() - started }, 'read-only query answered');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: message }));
      logger.info({ route: QUERY_PATH, ms: Date.now() - started }, 'read-only query failed');
    }
    return true;
  };
}
