// The sink's read-only query route against a real chDB warehouse (the sink's writer session open beside it):
// every escape tried by an attacker refused (INTO OUTFILE in each form, multi-statement, SET/SETTINGS, file and
// url table functions), no state carried between requests, the memory and time limits, a readable 413, the
// token required off loopback and loopback by default.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { startQueryServer, type QueryServer } from '@ckt/sink-clickhouse';
import { openWarehouse, warehouseSchema, type QueryLimits, type Warehouse } from '@ckt/warehouse';

const TOKEN = 'query-route-test-token-0123456789';
const logger = createLogger('query-route-test', { LOG_LEVEL: 'silent' });
const dir = mkdtempSync(path.join(tmpdir(), 'ckt-query-'));
const settings = loadConfig(warehouseSchema, { WAREHOUSE_PATH: path.join(dir, 'warehouse') });
let writer: Warehouse;
let route: QueryServer;

const limits: QueryLimits = { maxMemoryBytes: 64 * 1024 * 1024, maxExecutionSeconds: 2, maxResultRows: 100_000, maxResultBytes: 16 * 1024 * 1024 };

async function start(overrides: Partial<Parameters<typeof startQueryServer>[0]> = {}): Promise<QueryServer> {
  return startQueryServer(
    { port: 0, host: '127.0.0.1', token: TOKEN, maxStatementBytes: 4096, concurrency: 4, ...overrides },
    { openSession: () => openWarehouse(settings, { readonly: true, limits }), logger, registry: new Registry() },
  );
}

async function query(sql: string, token = TOKEN, url = route.url): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: sql });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  writer = await openWarehouse(settings);
  await writer.command('CREATE DATABASE IF NOT EXISTS q');
  await writer.command('CREATE TABLE IF NOT EXISTS q.t (id UInt32, name String) ENGINE = MergeTree ORDER BY id');
  await writer.command("INSERT INTO q.t VALUES (1, 'one'), (2, 'two')");
  route = await start();
});

afterAll(async () => {
  await route?.close();
  await writer?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the read-only query route', () => {
  it('answers reading statements as JSON lines, on loopback', async () => {
    expect(new URL(route.url).hostname).toBe('127.0.0.1');
    expect(await query('SELECT id, name FROM q.t ORDER BY id')).toEqual({ status: 200, text: '{"id":1,"name":"one"}\n{"id":2,"name":"two"}\n' });
    for (const sql of ['WITH 2 AS x SELECT x', 'SHOW TABLES FROM q', 'DESCRIBE TABLE q.t', 'EXPLAIN SELECT 1', 'EXISTS TABLE q.t']) {
      expect((await query(sql)).status, sql).toBe(200);
    }
  });

  it('refuses INTO OUTFILE in every form, and writes no file', async () => {
    const target = path.join(dir, 'stolen.bin');
    for (const sql of [
      `SELECT 1 INTO OUTFILE '${target}'`,
      `SELECT 'x' INTO OUTFILE '${target}' TRUNCATE FORMAT RawBLOB`,
      `SELECT 'x' INTO OUTFILE '${target}' APPEND`,
      `select 'x' into   outfile '${target}' and stdout`,
      `WITH 1 AS a SELECT a INTO OUTFILE '${target}'`,
      `EXPLAIN AST SELECT 1 INTO OUTFILE '${target}'`,
      `SHOW TABLES FROM q INTO OUTFILE '${target}'`,
      `/* hidden */ SELECT 1 INTO OUTFILE '${target}'`,
    ]) {
      const answer = await query(sql);
      expect(answer.status, sql).toBe(400);
      expect(answer.text, sql).toMatch(/error/);
    }
    expect(existsSync(target)).toBe(false);
  });

  it('refuses multi-statements, writes, SET, SETTINGS and file/url table functions', async () => {
    const refused = [
      "SELECT 'LEAK-a'; SELECT 1",
      'SELECT 1; DROP TABLE q.t',
      "INSERT INTO q.t VALUES (3, 'three')",
      'DROP TABLE q.t',
      'CREATE TABLE q.u (a UInt8) ENGINE = Memory',
      'SET readonly = 0',
      'SELECT 1 SETTINGS readonly = 0',
      'SELECT 1 SETTINGS max_memory_usage = 0',
      "SELECT * FROM file('/etc/passwd', 'LineAsString')",
      "SELECT * FROM url('http://127.0.0.1:1/', 'LineAsString')",
      'SYSTEM FLUSH LOGS',
    ];
    for (const sql of refused) expect((await query(sql)).status, sql).toBe(400);
    expect(await query('SELECT count() AS n FROM q.t')).toEqual({ status: 200, text: '{"n":2}\n' });
  });

  it('carries nothing from one request to the next', async () => {
    expect((await query("SELECT 'LEAK-x'; SELECT throwIf(1)")).status).toBe(400);
    expect((await query("SELECT 'LEAK-y' AS a FORMAT JSONEachRow; SELECT 1")).status).toBe(400);
    const next = await query('SELECT 1 AS one');
    expect(next).toEqual({ status: 200, text: '{"one":1}\n' });
  });

  it('stops a query at the memory and time limits', async () => {
    const memory = await query('SELECT groupArray(number) FROM numbers(50000000)');
    expect(memory.status).toBe(400);
    expect(memory.text).toMatch(/memory limit/i);
    const time = await query('SELECT count() FROM numbers(100000000000) WHERE sipHash64(number) = 0');
    expect(time.status).toBe(400);
    expect(time.text).toMatch(/Timeout exceeded|TIMEOUT_EXCEEDED/);
  });

  it('answers an oversized statement with a readable 413, and wrong or missing tokens with 401', async () => {
    const big = `SELECT '${'x'.repeat(1024 * 1024)}'`;
    const answer = await query(big);
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.text)).toMatchObject({ error: expect.stringMatching(/larger than 4096 bytes/) });
    expect((await query('SELECT 1', 'wrong-token')).status).toBe(401);
    const res = await fetch(route.url, { method: 'POST', body: 'SELECT 1' });
    expect(res.status).toBe(401);
  });

  it('refuses to listen beyond loopback without a token', async () => {
    await expect(start({ host: '0.0.0.0', token: undefined })).rejects.toThrow(/SINK_QUERY_TOKEN/);
    const open = await start({ token: undefined });
    try {
      expect((await query('SELECT 1 AS one', '', open.url)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
