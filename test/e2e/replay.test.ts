// `npm run replay` on npm start's own data, as an operator uses it: refused (naming the members) while the
// pipeline runs, a dry run, clear one-line errors; then every stage rewound with the pipeline stopped (the
// command brings the local broker up by itself), and the warehouse stays exact; a dropped table rebuilt from
// Kafka with --rebuild.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { createFileStore, listAll } from '@ckt/archive';
import { EXTRACTED_TABLES } from '@ckt/domain';
import { expectedOutcome, generate, type ExpectedOutcome } from '@ckt/generator';
import { sendRecords, startPipeline, until, type RunningPipeline } from '../helpers/pipeline.ts';
import { assertExact, caughtUp } from '../helpers/outcome.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const FAULTS = { duplicate: 2, malformed: 1, missing_field: 1, wrong_type: 1, unknown_event: 1 };
const ENV = { ARCHIVE_MAX_AGE_MS: '500' };
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-replay-'));
const startedAt = new Date();
let pipeline: RunningPipeline;
let expected: ExpectedOutcome;

/** `npm run replay -- ...` with nothing but DATA_DIR set, as on a developer's machine. */
function replay(...args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('KAFKA_')));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'tools/ops/src/replay/main.ts', ...args], {
    cwd: ROOT,
    env: { ...env, DATA_DIR: dataDir },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Records on the dwh topics: what the extractor produced, each one a row the sink wrote. */
async function dwhRecords(): Promise<number> {
  const admin = new Kafka({ clientId: 'replay-test', brokers: pipeline.state().kafkaBrokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    let total = 0;
    for (const table of EXTRACTED_TABLES) for (const p of await admin.fetchTopicOffsets(`dwh.${table}`)) total += Number(p.high);
    return total;
  } finally {
    await admin.disconnect();
  }
}

/** Every object of an archive folder with a digest of its bytes. */
async function archive(folder: string): Promise<Map<string, string>> {
  const store = createFileStore(path.join(dataDir, 'archive'));
  const objects = new Map<string, string>();
  for (const key of await listAll(store, `${folder}/`)) objects.set(key, createHash('sha256').update((await store.get(key)) ?? '').digest('hex'));
  return objects;
}

beforeAll(async () => {
  pipeline = await startPipeline(dataDir, ENV);
  const records = generate({ seed: 'replay-e2e', total: 1500, faults: FAULTS });
  await sendRecords(pipeline.state().bridgeUrl, records.map((r) => r.text));
  expected = expectedOutcome(records, {});
  await caughtUp(pipeline, expected);
});
afterAll(async () => {
  await pipeline?.stop();
});

describe('npm run replay on npm start data', () => {
  it('explains itself, refuses while the pipeline runs (naming the members), and dry-runs', () => {
    const help = replay('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('usage: npm run replay');

    const refused = replay('--stage', 'router', '--to-earliest');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/^replay: group checkout-router has 1 live member\(s\) \(Stable\): checkout-ingest@127\.0\.0\.1; npm start is running \(pid \d+\): stop it first\n$/);

    const dry = replay('--stage', 'router', '--to-earliest', '--dry-run');
    expect(dry.status).toBe(0);
    const moves = dry.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(moves).toEqual([expect.objectContaining({ group: 'checkout-router', topic: 'checkout.events.raw', partition: 0, to: '0', replayed: String(expected.rawEvents.deliveries) })]);
    expect(dry.stderr).toContain('would rewind group checkout-router on checkout.events.raw');
    expect(dry.stderr).toContain('the real run will refuse until they stop');

    const unknownGroup = replay('--group', 'no-such-group', '--to-earliest');
    expect(unknownGroup.status).toBe(3);
    expect(unknownGroup.stderr).toMatch(/^replay: group no-such-group has no committed offsets on this cluster; known groups: .*checkout-router.*\n$/);
    const unknownTopic = replay('--group', 'checkout-router', '--topic', 'no.such.topic', '--to-earliest');
    expect(unknownTopic.status).toBe(3);
    expect(unknownTopic.stderr).toBe('replay: no topic no.such.topic on this cluster\n');
  });

  it('rewinds every stage of the stopped pipeline, bringing its broker up; the warehouse and archives stay exact', async () => {
    const before = { dwh: await dwhRecords(), raw: await archive('checkout.events.raw'), dlq: await archive('checkout.dlq') };
    expect(await pipeline.stop()).toBe(0);

    const sinkRun = replay('--stage', 'sink', '--shift-by', '-50');
    const runs = [
      replay('--stage', 'router', '--to-earliest'),
      replay('--stage', 'extractor', '--to-datetime', startedAt.toISOString()),
      sinkRun,
      replay('--stage', 'dlq-archiver', '--topic', 'checkout.dlq', '--to-offsets', '0=0'),
      replay('--stage', 'raw-archiver', '--to-earliest'),
    ];
    // Up to 50 records of each of the six topics (fewer where a topic has fewer), all below the sink's progress.
    const sinkReplayed = sinkRun.stdout.trim().split('\n').reduce((sum, line) => sum + Number((JSON.parse(line) as { replayed: string }).replayed), 0);
    expect(sinkReplayed).toBeGreaterThan(200);
    for (const run of runs) {
      expect(run.stderr, run.stderr).toMatch(/starting the local broker of .*kafka for this command\nrewound group /);
      expect(run.status).toBe(0);
    }

    pipeline = await startPipeline(dataDir, ENV);
    // Router and extractor read everything again: each dwh record reaches the sink twice more, as new records.
    await until(async () => (await dwhRecords()) === 3 * before.dwh, 'the replayed records to be re-extracted', 120_000);
    await caughtUp(pipeline, expected);
    await assertExact(pipeline, expected);
    expect(await pipeline.metric('sink-clickhouse', 'sink_rows_written_total')).toBe(2 * before.dwh);
    // The sink's own replay: skipped, not written again.
    expect(await pipeline.metric('sink-clickhouse', 'sink_rows_skipped_total')).toBe(sinkReplayed);
    // The raw topic did not change: its archive is rewritten key for key, byte for byte. Dead letters written
    // again by the replayed stages are new records of checkout.dlq; what was archived stays as it was.
    expect(await archive('checkout.events.raw')).toEqual(before.raw);
    const dlq = await archive('checkout.dlq');
    for (const [key, digest] of before.dlq) expect(dlq.get(key), key).toBe(digest);
  });

  it('rebuilds a truncated table from Kafka with --rebuild', async () => {
    expect(await pipeline.stop()).toBe(0);
    // In a process of its own: chDB keeps a directory locked for the life of the process that opened it.
    const truncate = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', "const { openWarehouse } = await import('@ckt/warehouse'); const w = await openWarehouse({ WAREHOUSE_PATH: process.argv[1], CLICKHOUSE_USER: 'default', CLICKHOUSE_PASSWORD: '', CLICKHOUSE_REQUEST_TIMEOUT_MS: 30000 }); await w.command('TRUNCATE TABLE dwh.fact_ticket_sale'); await w.close();", path.join(dataDir, 'warehouse')],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    expect(truncate.status, truncate.stderr).toBe(0);

    const dry = replay('--stage', 'sink', '--topic', 'dwh.fact_ticket_sale', '--to-earliest', '--rebuild', '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stderr).toContain("would forget the sink's progress of dwh.fact_ticket_sale");
    const run = replay('--stage', 'sink', '--topic', 'dwh.fact_ticket_sale', '--to-earliest', '--rebuild');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain("forgot the sink's progress of 1 partition(s)");

    pipeline = await startPipeline(dataDir, ENV);
    await caughtUp(pipeline, expected);
    await assertExact(pipeline, expected);
  });
});
