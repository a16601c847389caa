import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import type { WarehouseSettings } from './settings.ts';
import { settingsClause } from './sql-text.ts';

export type WarehouseTarget = 'chdb' | 'server';

/** Settings of one statement, rendered into its own SETTINGS clause (never into session state). */
export type StatementSettings = Readonly<Record<string, string | number | boolean>>;

export interface InsertRequest {
  /** Qualified table name, e.g. `dwh.fact_ticket_sale`. */
  table: string;
  columns: readonly string[];
  /** A text format whose rows are already serialized in `body`. */
  format: 'JSONCompactEachRow' | 'JSONEachRow';
  body: string;
  /** Every setting the insert depends on; rendered into the INSERT's SETTINGS clause. */
  settings: StatementSettings;
}

export type QueryParams = Record<string, string | number | boolean>;

/**
 * One warehouse for both targets, so services run the same SQL on embedded chDB and on a ClickHouse server.
 *
 * Settings travel inside each statement (`INSERT ... SETTINGS k = v`), never as `clickhouse_settings`: the chDB
 * connection turns those into persistent session SETs, so a dedup token set for one insert would leak into the
 * next one (and silently drop it as a duplicate) or race with a concurrent insert on the same session.
 */
export interface Warehouse {
  readonly target: WarehouseTarget;
  /** The chDB directory or the server URL (never credentials), for logs. */
  readonly location: string;
  readonly readonly: boolean;
  /** Rows of a SELECT as objects (JSONEachRow). */
  query<T = Record<string, unknown>>(sql: string, params?: QueryParams): Promise<T[]>;
  /** The raw JSONEachRow text of a SELECT, for tools that pass rows through. */
  queryText(sql: string, params?: QueryParams): Promise<string>;
  /** A statement without a result (DDL, INSERT ... SELECT). */
  command(sql: string): Promise<void>;
  insert(request: InsertRequest): Promise<void>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

interface OpenWarehouseOptions {
  /**
   * Read-only: chDB gets its own session with result limits and `readonly = 1` (it cannot be lifted, and the
   * session shares nothing with the writer's); a server gets `readonly = 1` on every query.
   */
  readonly?: boolean;
  /** Limits of a read-only session's queries. */
  limits?: Partial<QueryLimits>;
}

/** Per-query limits of a read-only session. */
export interface QueryLimits {
  maxResultRows: number;
  maxResultBytes: number;
  maxExecutionSeconds: number;
  maxMemoryBytes: number;
}

const DEFAULT_LIMITS: QueryLimits = { maxResultRows: 1_000_000, maxResultBytes: 256 * 1024 * 1024, maxExecutionSeconds: 120, maxMemoryBytes: 1024 * 1024 * 1024 };

/** The limits as ClickHouse settings, `readonly` last: once it is 1, no setting can be changed. */
function readOnlySettings(limits: QueryLimits): Record<string, string> {
  return {
    max_result_rows: String(limits.maxResultRows),
    max_result_bytes: String(limits.maxResultBytes),
    result_overflow_mode: 'throw',
    max_execution_time: String(limits.maxExecutionSeconds),
    max_memory_usage: String(limits.maxMemoryBytes),
    readonly: '1',
  };
}

/** The chDB directory as an absolute path (created when missing). */
export function warehouseDirectory(settings: Pick<WarehouseSettings, 'WAREHOUSE_PATH'>): string {
  return path.resolve(settings.WAREHOUSE_PATH);
}

export async function openWarehouse(settings: WarehouseSettings, options: OpenWarehouseOptions = {}): Promise<Warehouse> {
  const readonly = options.readonly ?? false;
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  if (settings.CLICKHOUSE_URL) {
    const url = new URL(settings.CLICKHOUSE_URL);
    const client = createClient({
      url: settings.CLICKHOUSE_URL,
      username: settings.CLICKHOUSE_USER,
      password: settings.CLICKHOUSE_PASSWORD,
      request_timeout: settings.CLICKHOUSE_REQUEST_TIMEOUT_MS,
      compression: { request: false, response: false },
      ...(readonly ? { clickhouse_settings: readOnlySettings(limits) } : {}),
    });
    url.username = '';
    url.password = '';
    return wrap(client, 'server', url.toString(), readonly);
  }
  const directory = warehouseDirectory(settings);
  mkdirSync(directory, { recursive: true });
  // Loaded only for the chDB target: the module maps libchdb (~200 MB resident) as soon as it is imported.
  const { createChdbConnection } = await import('chdb/connection');
  let connection: ReturnType<typeof createChdbConnection>;
  try {
    connection = createChdbConnection({ path: directory });
  } catch (error) {
    throw new Error(
      `cannot open the chDB warehouse at ${directory} (${(error as Error).message}); only one process may open it at a time — is the sink running?`,
      { cause: error },
    );
  }
  // The chDB connection implements the client's Connection contract; its type comes from another copy of it.
  const client = createClient({ connection: connection as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'] });
  const warehouse = wrap(client, 'chdb', directory, readonly);
  if (readonly) {
    // In order, readonly last: chDB keeps them as the session's state, which nothing can change afterwards.
    for (const [name, value] of Object.entries(readOnlySettings(limits))) {
      await client.command({ query: `SET ${name} = ${/^\d+$/.test(value) ? value : `'${value}'`}` });
    }
  }
  return warehouse;
}

function wrap(client: ClickHouseClient, target: WarehouseTarget, location: string, readonly: boolean): Warehouse {
  const params = (p?: QueryParams) => (p && Object.keys(p).length > 0 ? { query_params: p } : {});
  return {
    target,
    location,
    readonly,
    async query<T>(sql: string, p?: QueryParams): Promise<T[]> {
      const result = await client.query({ query: sql, format: 'JSONEachRow', ...params(p) });
      return result.json<T>();
    },
    async queryText(sql, p) {
      const result = await client.query({ query: sql, format: 'JSONEachRow', ...params(p) });
      return result.text();
    },
    async command(sql) {
      await client.command({ query: sql });
    },
    async insert({ table, columns, format, body, settings }) {
      if (body.length === 0) return;
      const clause = Object.keys(settings).length > 0 ? ` SETTINGS ${settingsClause(settings)}` : '';
      const query = `INSERT INTO ${table} (${columns.join(', ')})${clause} FORMAT ${format}`;
      const result = await client.exec({ query, values: Readable.from([Buffer.from(body)], { objectMode: false }) });
      // The server answers an INSERT with an empty body; drain it so the socket goes back to the pool.
      result.stream.resume();
    },
    async ping() {
      try {
        return (await client.ping()).success;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}
