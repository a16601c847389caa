import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeWarehouseOwner } from '@ckt/warehouse';
import { resolveQueryTarget } from './target.ts';

const noFiles = () => {
  throw new Error('ENOENT');
};

describe('query target', () => {
  it('prefers an explicit SINK_QUERY_URL, without fallback', () => {
    expect(resolveQueryTarget({ env: { SINK_QUERY_URL: 'http://127.0.0.1:1/query', CLICKHOUSE_URL: 'http://ch:8123' }, readFile: noFiles })).toEqual({
      kind: 'sink',
      url: 'http://127.0.0.1:1/query',
      source: 'SINK_QUERY_URL',
      fallbackToWarehouse: false,
    });
  });

  it('goes to the ClickHouse server when CLICKHOUSE_URL is set', () => {
    expect(resolveQueryTarget({ env: { CLICKHOUSE_URL: 'http://ch:8123' }, readFile: () => '{"sinkQueryUrl":"http://x/query"}' })).toEqual({ kind: 'warehouse' });
  });

  it("uses the local stack's sinkQueryUrl, then a live sink's owner file, else the chDB directory", () => {
    const files = (f: string) => (f === '/p.json' ? '{"pid":42,"sinkQueryUrl":"http://127.0.0.1:9/query"}' : noFiles());
    const running = resolveQueryTarget({ env: {}, pipelineFile: '/p.json', readFile: files, isAlive: (pid) => pid === 42 });
    expect(running).toMatchObject({ kind: 'sink', url: 'http://127.0.0.1:9/query', source: 'pipeline.json', fallbackToWarehouse: true });
    const stopped = resolveQueryTarget({ env: {}, pipelineFile: '/p.json', readFile: files, isAlive: () => false });
    expect(stopped).toEqual({ kind: 'warehouse' });

    const dir = mkdtempSync(path.join(os.tmpdir(), 'query-target-'));
    try {
      writeWarehouseOwner(dir, { pid: 4242, queryUrl: 'http://127.0.0.1:8/query', startedAt: 'now' });
      const env = { WAREHOUSE_PATH: dir };
      expect(resolveQueryTarget({ env, readFile: noFiles, isAlive: (pid) => pid === 4242 })).toEqual({
        kind: 'sink',
        url: 'http://127.0.0.1:8/query',
        source: 'owner file',
        fallbackToWarehouse: true,
      });
      // The owner is gone (killed): the directory is free to open.
      expect(resolveQueryTarget({ env, readFile: noFiles, isAlive: () => false })).toEqual({ kind: 'warehouse' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
