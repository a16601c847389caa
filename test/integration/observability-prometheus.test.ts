// The Grafana dashboard and the alert rules against a real Prometheus (Debian's 2.42) scraping the real
// pipeline (`npm start`, no demo traffic): every panel query and every rule must evaluate, and the core panels
// (events in, rows written, lag, freshness, dead letters) must show the traffic this test sends.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '@ckt/generator';
import { sendRecords, startPipeline, until, type RunningPipeline } from '../helpers/pipeline.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const ALERTS = path.join(ROOT, 'deploy/prometheus/alerts.yml');
const DASHBOARD = path.join(ROOT, 'deploy/grafana/dashboards/checkout-ingest.json');
/** Panels that must show this test's traffic, by title. */
const CORE_PANELS = ['Events in at the bridge /s', 'Rows written /s by table', 'Dead letters /s by stage and reason', 'End-to-end freshness', 'Lag by group and topic'];
/** Core panels whose value is a rate or a latency of the traffic, so it must be above zero (lag may be 0). */
const POSITIVE_PANELS = CORE_PANELS.filter((title) => title !== 'Lag by group and topic');
const SERVICES = ['producer-bridge', 'router', 'extractor', 'sink-clickhouse', 'dlq-archiver', 'raw-archiver'];
const FAULTS = { duplicate: 2, malformed: 3, missing_field: 3, unknown_event: 3 };

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string; refId: string }[];
}
interface Sample {
  metric: Record<string, string>;
  value: [number, string];
}
interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}
interface RuleState {
  name: string;
  query: string;
  health: string;
  lastError?: string;
  lastEvaluation: string;
}

const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
const queries = dashboard.panels.flatMap((panel) =>
  (panel.targets ?? []).map((target) => ({
    panel: panel.title,
    refId: target.refId,
    // Grafana's variables as a Prometheus query receives them; 5m covers everything scraped since the start.
    expr: target.expr.replaceAll('$service', '.*').replaceAll('$__rate_interval', '5m'),
  })),
);

let pipeline: RunningPipeline | undefined;
let prometheus: ChildProcess | undefined;
let prometheusUrl = '';
let prometheusLog = '';
const tmpDirs: string[] = [];

function tmpDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(dir);
  return dir;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function api<T>(pathAndQuery: string): Promise<ApiAnswer<T>> {
  const res = await fetch(`${prometheusUrl}${pathAndQuery}`);
  return (await res.json()) as ApiAnswer<T>;
}

const instant = (expr: string) => api<{ resultType: string; result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`);

/** One scrape job per service, named like the services in deploy/prometheus/prometheus.yml. */
function prometheusConfig(targets: Record<string, string>): string {
  const jobs = Object.entries(targets).map(
    ([name, hostPort]) => `  - job_name: ${name}\n    static_configs:\n      - targets: ['${hostPort}']`,
  );
  return `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - ${JSON.stringify(ALERTS)}\nscrape_configs:\n${jobs.join('\n')}\n`;
}

async function startPrometheus(targets: Record<string, string>): Promise<void> {
  const dir = tmpDir('ckt-prometheus-');
  const config = path.join(dir, 'prometheus.yml');
  writeFileSync(config, prometheusConfig(targets));
  const port = await freePort();
  prometheusUrl = `http://127.0.0.1:${port}`;
  prometheus = spawn(
    'prometheus',
    [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const keep = (chunk: Buffer) => (prometheusLog = (prometheusLog + chunk.toString()).slice(-10_000));
  prometheus.stdout?.on('data', keep);
  prometheus.stderr?.on('data', keep);
  const failed = new Promise<never>((_, reject) => {
    prometheus?.once('error', (error) => reject(new Error(`prometheus did not start (apt-get install prometheus): ${error.message}`)));
    prometheus?.once('exit', (code) => reject(new Error(`prometheus exited with ${code}:\n${prometheusLog}`)));
  });
  await Promise.race([failed, until(() => fetch(`${prometheusUrl}/-/ready`).then((r) => r.ok), 'prometheus to be ready', 30_000, 200)]);
}

/** The sample values of each core panel's queries, by panel title. */
async function corePanelValues(): Promise<Map<string, number[]>> {
  const values = new Map<string, number[]>();
  for (const q of queries.filter((q) => CORE_PANELS.includes(q.panel))) {
    const answer = await instant(q.expr);
    values.set(q.panel, [...(values.get(q.panel) ?? []), ...answer.data.result.map((s) => Number(s.value[1]))]);
  }
  return values;
}

const hasData = (values: Map<string, number[]>) => CORE_PANELS.every((title) => (values.get(title)?.length ?? 0) > 0);
const showsTraffic = (values: Map<string, number[]>) =>
  hasData(values) && POSITIVE_PANELS.every((title) => (values.get(title) ?? []).some((v) => Number.isFinite(v) && v > 0));

/** Waits for the core panels to satisfy `ready`; on timeout, says what each panel showed. */
async function waitForCorePanels(ready: (values: Map<string, number[]>) => boolean, what: string): Promise<void> {
  await until(async () => ready(await corePanelValues()), what, 60_000).catch(async (error: unknown) => {
    throw new Error(`${String(error)}\ncore panel values: ${JSON.stringify(Object.fromEntries(await corePanelValues()))}`);
  });
}

beforeAll(async () => {
  pipeline = await startPipeline(tmpDir('ckt-observability-'), { LAG_POLL_MS: '1000', ARCHIVE_MAX_AGE_MS: '1000' });
  const targets = Object.fromEntries(Object.entries(pipeline.state().services).map(([name, s]) => [name, new URL(s.metricsUrl).host]));
  await startPrometheus(targets);

  // Event times of the last few minutes, so freshness is a real end-to-end delay.
  const texts = generate({ seed: 'observability', total: 400, faults: FAULTS, startTime: Date.now() - 180_000 }).map((r) => r.text);
  const bridgeUrl = pipeline.state().bridgeUrl;
  // Two waves with scrapes between them: a counter's first scraped value is its baseline, so rates need a
  // second wave of increments after Prometheus has seen the series.
  await sendRecords(bridgeUrl, texts.slice(0, 200));
  await waitForCorePanels(hasData, 'the first wave to be scraped');
  await sendRecords(bridgeUrl, texts.slice(200));
  await waitForCorePanels(showsTraffic, 'the core panels to show the traffic');
});

afterAll(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (pipeline) expect(await pipeline.stop()).toBe(0);
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

describe('dashboard and alerts on a real Prometheus scraping the pipeline', () => {
  it('scrapes every service', async () => {
    const answer = await api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets');
    const targets = answer.data.activeTargets;
    expect(targets.map((t) => t.labels.job).sort()).toEqual(Object.keys(pipeline?.state().services ?? {}).sort());
    expect(targets.filter((t) => t.health !== 'up').map((t) => `${t.labels.job}: ${t.lastError}`)).toEqual([]);
  });

  it('the $service variable lists every service', async () => {
    const answer = await api<string[]>(`/api/v1/label/service/values?match[]=${encodeURIComponent('process_start_time_seconds')}`);
    expect(answer.status).toBe('success');
    expect(answer.data).toEqual(expect.arrayContaining(SERVICES));
    // Each process names itself as it is deployed (the two archivers run the same code).
    const series = await api<{ result: Sample[] }>(`/api/v1/query?query=${encodeURIComponent('process_start_time_seconds')}`);
    const named = series.data.result.map((sample) => [sample.metric.job, sample.metric.service]);
    expect(named.length).toBeGreaterThanOrEqual(SERVICES.length);
    expect(named.filter(([job, service]) => job !== service)).toEqual([]);
  });

  it('every panel query evaluates', async () => {
    expect(queries.length).toBeGreaterThan(40);
    const failures: string[] = [];
    for (const q of queries) {
      const answer = await instant(q.expr);
      if (answer.status !== 'success') failures.push(`"${q.panel}" ${q.refId}: ${answer.error ?? answer.status}\n  ${q.expr}`);
    }
    expect(failures).toEqual([]);
  });

  it('the core panels show the traffic', async () => {
    const values = await corePanelValues();
    for (const title of CORE_PANELS) expect(values.get(title)?.length, title).toBeGreaterThan(0);
    for (const title of POSITIVE_PANELS) expect(values.get(title)?.some((v) => v > 0), title).toBe(true);
    // Dead letters of the bridge (malformed) and the router (unknown events) both appear.
    const dead = await instant(queries.find((q) => q.panel === 'Dead letters /s by stage and reason')?.expr ?? '');
    expect(dead.data.result.map((s) => s.metric.stage)).toEqual(expect.arrayContaining(['bridge', 'router']));
    // Every consumer group reports lag.
    const lag = await instant(queries.find((q) => q.panel === 'Lag by group and topic')?.expr ?? '');
    expect(new Set(lag.data.result.map((s) => s.metric.group)).size).toBeGreaterThanOrEqual(5);
  });

  it('every alert and recording rule is loaded, evaluates without error, and its expression runs', async () => {
    const yaml = readFileSync(ALERTS, 'utf8');
    const declared = (yaml.match(/^\s*- (alert|record):/gm) ?? []).length;
    const rules = async () => (await api<{ groups: { rules: RuleState[] }[] }>('/api/v1/rules')).data.groups.flatMap((g) => g.rules);
    // Rules evaluate every second; wait for a first evaluation of each.
    await until(async () => (await rules()).every((r) => !r.lastEvaluation.startsWith('0001-')), 'every rule to be evaluated', 20_000);
    const loaded = await rules();
    expect(loaded).toHaveLength(declared);
    expect(loaded.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([]);
    for (const rule of loaded) {
      const answer = await instant(rule.query);
      expect(answer.status, `${rule.name}: ${answer.error ?? ''}`).toBe('success');
    }
    // The recording rules see the pipeline: lag per group and dead letters per stage.
    expect((await instant('group:kafka_consumergroup_lag:sum')).data.result.length).toBeGreaterThanOrEqual(5);
    expect((await instant('stage_reason:checkout_dead_letters:rate5m')).data.result.length).toBeGreaterThan(0);
  });
});
