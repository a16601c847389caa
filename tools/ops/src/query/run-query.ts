import { z } from 'zod';
import { loadConfig } from '@ckt/config';
import { existsSync } from 'node:fs';
import { openWarehouse, warehouseDirectory, warehouseEnv } from '@ckt/warehouse';
import type { QueryTarget } from './target.ts';

class QueryError extends Error {
  override readonly name = 'QueryError';
}

/** True when nothing listens at the URL (a stale pipeline.json or owner file). */
function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

/** POSTs the SQL to a sink's read-only route (with SINK_QUERY_TOKEN as bearer token when set); resolves with its JSON lines. */
async function queryThroughSink(url: string, sql: string, token?: string): Promise<string> {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const response = await fetch(url, { method: 'POST', headers, body: sql });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = (JSON.parse(text) as { error?: string }).error ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new QueryError(message.trim());
  }
  return text;
}

/** Runs the SQL on the warehouse of the environment (chDB directory or CLICKHOUSE_URL). */
async function queryWarehouse(env: Record<string, string | undefined>, sql: string, allowWrites: boolean): Promise<string> {
  const settings = loadConfig(z.object(warehouseEnv), env);
  if (!settings.CLICKHOUSE_URL && !existsSync(warehouseDirectory(settings))) {
    throw new QueryError(`no chDB warehouse at ${warehouseDirectory(settings)}: set WAREHOUSE_PATH (or CLICKHOUSE_URL), or start the sink`);
  }
  const warehouse = await openWarehouse(settings, { readonly: !allowWrites });
  try {
    if (allowWrites && !/^\s*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXISTS|EXPLAIN)\b/i.test(sql)) {
      await warehouse.command(sql);
      return '';
    }
    return await warehouse.queryText(sql);
  } finally {
    await warehouse.close();
  }
}

/** The JSON lines of `sql` from the target; a discovered sink that is gone falls back to the warehouse. */
export async function runQuery(target: QueryTarget, env: Record<string, string | undefined>, sql: string, allowWrites: boolean): Promise<string> {
  if (target.kind === 'sink') {
    if (allowWrites) throw new QueryError(`--allow-writes needs direct access to the warehouse, but the sink holds it (via ${target.source}); stop the sink first`);
    try {
      return await queryThroughSink(target.url, sql, env.SINK_QUERY_TOKEN);
    } catch (error) {
      if (!(target.fallbackToWarehouse && refused(error))) throw error;
    }
  }
  return queryWarehouse(env, sql, allowWrites);
}
