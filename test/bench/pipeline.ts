// Whole-pipeline benchmark (bridge -> router -> extractor -> sink -> warehouse), as `npm start` runs it: the
// offered rate steps up (open loop, paced batches of valid events over HTTP from several concurrent senders)
// until a step is not sustained; then the highest sustained events/s and the end-to-end freshness at 5k/s.
//
// A step is sustained when (1) the bridge accepted the offered rate within 5% (every batch 202), (2) rows
// landed in the warehouse per second over the step's steady part match the accepted events' rows within 5%,
// and (3) after the last batch the consumer lag of the warehouse path (router + extractor + sink groups)
// drains to 0, with every row landed, within BENCH_DRAIN_SECONDS. The archivers' lag is reported, not
// judged: the raw archiver holds up to ARCHIVE_MAX_RECORDS per partition or 60 s uncommitted by design.
//
// Freshness: the generator compresses time (~0.5 s of simulated time per event), so its event times cannot
// track the wall clock at any useful rate. Each event's event_timestamp is therefore rewritten to the
// wall-clock instant its batch was scheduled to be sent (epoch ms, a catalog format); the sink's
// sink_freshness_seconds (now minus the row's event time, at commit) then measures schedule -> warehouse,
// client queueing included. p50/p99 come from that histogram's delta over the 5k step (buckets interpolated).
// If the stepping stopped below 5k, one 5k step is still run for the freshness (afterStop, never "sustained").
//
//   npx tsx test/bench/pipeline.ts [--rates=1000,2500,5000,...] [--step-seconds=30]
//   env: BENCH_RATES BENCH_STEP_SECONDS (30) BENCH_SENDERS (8) BENCH_BATCH (500) BENCH_DRAIN_SECONDS (5)
//        BENCH_WARMUP_SECONDS (8) BENCH_FRESHNESS_RATE (5000) BENCH_DATA_DIR (default: a temp dir)
//        BENCH_TRACE=<file>: appends the 1 s samples (rows, backlog, lag and records consumed per service).
//   Service settings in the environment (e.g. KAFKA_IDEMPOTENT=false) reach every service through npm start;
//   the summary lists them under pipelineEnv.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHttpSender, expectedOutcome, generateRecords, type GeneratedRecord } from '@ckt/generator';
import { samples, sumSamples } from '../helpers/metrics.ts';
import { startPipeline, type RunningPipeline } from '../helpers/pipeline.ts';
import { isMain, printSummary } from './harness.ts';

// ---------------------------------------------------------------------------------------------- options

export interface PipelineBenchOptions {
  /** Offered events/s per step, in order. */
  rates: number[];
  stepSeconds: number;
  senders: number;
  batch: number;
  /** Bound on the warehouse path's lag draining after a step. */
  drainSeconds: number;
  /** Unreported traffic first (group joins, schema registration, JIT). */
  warmupSeconds: number;
  /** The step whose freshness is reported. */
  freshnessRate: number;
  /** Allowed shortfall of accepted and landed rates. */
  tolerance: number;
}

function setting(argv: string[], flag: string, envName: string): string | undefined {
  const prefix = `--${flag}=`;
  return argv.find((a) => a.startsWith(prefix))?.slice(prefix.length) ?? process.env[envName];
}

function positive(text: string | undefined, fallback: number): number {
  const value = Number(text);
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export function parseOptions(argv: string[]): PipelineBenchOptions {
  const rates = (setting(argv, 'rates', 'BENCH_RATES') ?? '1000,2500,5000,10000,15000,20000,25000')
    .split(',')
    .map(Number)
    .filter((r) => Number.isFinite(r) && r > 0);
  if (rates.length === 0) throw new Error('no valid rate in --rates / BENCH_RATES');
  return {
    rates,
    stepSeconds: positive(setting(argv, 'step-seconds', 'BENCH_STEP_SECONDS'), 30),
    senders: positive(setting(argv, 'senders', 'BENCH_SENDERS'), 8),
    batch: positive(setting(argv, 'batch', 'BENCH_BATCH'), 500),
    drainSeconds: positive(setting(argv, 'drain-seconds', 'BENCH_DRAIN_SECONDS'), 5),
    warmupSeconds: positive(setting(argv, 'warmup-seconds', 'BENCH_WARMUP_SECONDS'), 8),
    freshnessRate: positive(setting(argv, 'freshness-rate', 'BENCH_FRESHNESS_RATE'), 5000),
    tolerance: 0.05,
  };
}

// ---------------------------------------------------------------------------------------------- traffic

const TIMESTAMP_SLOT = '"@@event_timestamp@@"';
/** envelopeText writes event_id, event_name, event_timestamp, payload in this order (generator/envelope.ts). */
const ENVELOPE_TIMESTAMP = /^(\{"event_id":(?:"[^"\\]*"|\d+),"event_name":"[^"\\]*","event_timestamp":)(?:"[^"\\]*"|\d+)/;

/** Request bodies (JSON arrays) with a slot for the send-time event_timestamp. */
interface StepTraffic {
  bodies: string[];
  sizes: number[];
  /** Warehouse rows each batch must produce (the generator's expectation for exactly these events). */
  rows: number[];
}

function withTimestampSlot(record: GeneratedRecord): string {
  const text = record.text.replace(ENVELOPE_TIMESTAMP, `$1${TIMESTAMP_SLOT}`);
  if (text === record.text) throw new Error(`unexpected envelope layout: ${record.text.slice(0, 80)}`);
  return text;
}

/** Valid events only, from a seed of their own (ids never collide across steps). */
function buildTraffic(seed: string, total: number, batch: number): StepTraffic {
  const traffic: StepTraffic = { bodies: [], sizes: [], rows: [] };
  let pending: GeneratedRecord[] = [];
  const cut = () => {
    traffic.bodies.push(`[${pending.map(withTimestampSlot).join(',')}]`);
    traffic.sizes.push(pending.length);
    traffic.rows.push(expectedRows(pending));
    pending = [];
  };
  for (const record of generateRecords({ seed, total, startTime: Date.now() })) {
    pending.push(record);
    if (pending.length === batch) cut();
  }
  if (pending.length > 0) cut();
  return traffic;
}

/** Warehouse rows of these events, from the generator's own expectation (every row version is inserted). */
const expectedRows = (records: GeneratedRecord[]): number => Object.values(expectedOutcome(records).rowVersions).reduce((a, b) => a + b, 0);

/** Average rows per valid event: for rates and backlogs (exact counts come from each batch's expectation). */
function rowsPerEvent(seed: string): number {
  const sample = [...generateRecords({ seed, total: 20_000 })];
  return expectedRows(sample) / sample.length;
}

// ---------------------------------------------------------------------------------------------- sending

interface SendResult {
  events: number;
  accepted: number;
  /** Rows the batch must produce when it was accepted whole (partly refused: unknown). */
  rows: number | undefined;
  /** Status of the answer (null: no answer). */
  status: number | null;
  lateMs: number;
  sentMs: number;
  doneMs: number;
}

interface OpenLoopRun {
  startMs: number;
  endMs: number;
  results: SendResult[];
}

/**
 * Open loop: batch k is due at start + k * batch / rate and carries that instant as its events' time. Each
 * sender takes the next batch, waits for its due time and posts it once (no retries: a refusal counts
 * against the step). When all senders are busy a batch goes late; its lateness is recorded, its timestamp
 * stays the scheduled one, so the freshness includes the wait.
 */
async function runOpenLoop(bridgeUrl: string, traffic: StepTraffic, rate: number, senders: number): Promise<OpenLoopRun> {
  const http = createHttpSender({ url: bridgeUrl, maxRetries: 0, requestTimeoutMs: 60_000 });
  const startMs = Date.now() + 100;
  const dueMs: number[] = [];
  let offset = 0;
  for (const size of traffic.sizes) {
    dueMs.push(startMs + (offset * 1000) / rate);
    offset += size;
  }
  const results: SendResult[] = [];
  let next = 0;
  const sender = async (): Promise<void> => {
    for (let k = next++; k < traffic.bodies.length; k = next++) {
      const due = dueMs[k] as number;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const sentMs = Date.now();
      const lateMs = Math.max(0, sentMs - due);
      const body = (traffic.bodies[k] as string).replaceAll(TIMESTAMP_SLOT, String(Math.round(due)));
      const outcome = await http.send({ body, contentType: 'application/json' });
      let accepted = 0;
      if (outcome.delivered && outcome.responseBody) accepted = Number((JSON.parse(outcome.responseBody) as { accepted?: number }).accepted ?? 0);
      const events = traffic.sizes[k] as number;
      results.push({ events, accepted, rows: accepted === events ? traffic.rows[k] : undefined, status: outcome.status, lateMs, sentMs, doneMs: Date.now() });
    }
  };
  await Promise.all(Array.from({ length: senders }, sender));
  return { startMs, endMs: Math.max(...results.map((r) => r.doneMs)), results };
}

// ---------------------------------------------------------------------------------------------- machine speed

/**
 * A fixed single-threaded workload (JSON round trips of a checkout event), timed. This 2-core VM shares its host:
 * the same pipeline has run 15-20 % slower at busier times, and this figure, taken just before each step while
 * the pipeline is idle, says which kind of period a result came from (compare runs by it; best of 3).
 */
function calibrate(): number {
  const event = { event_id: 'e-1', event_name: 'ticket_sale', event_timestamp: '2026-11-21T17:00:00.000Z', payload: { ticket_id: 't-1', price: '49.90', currency: 'EUR', customer: { id: 'c-1', email: 'a@b.c' } } };
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100_000; i++) JSON.parse(JSON.stringify({ ...event, seq: i }));
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e6);
  }
  return Math.round(best);
}

// ---------------------------------------------------------------------------------------------- CPU from /proc

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

interface ProcEntry {
  ppid: number;
  ticks: number;
  comm: string;
}

function readProcTable(): Map<number, ProcEntry> {
  const table = new Map<number, ProcEntry>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const fields = stat.slice(close + 2).split(' '); // from field 3 (state)
      table.set(Number(name), { comm: stat.slice(stat.indexOf('(') + 1, close), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited while listing
    }
  }
  return table;
}

/** A helper process's label: its comm, or for node the script it runs (e.g. registry-main.ts). */
function helperLabel(pid: number, comm: string): string {
  if (comm !== 'node') return comm;
  try {
    const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    const script = args.filter((a) => /\.(ts|mjs|js)$/.test(a) && !a.includes('node_modules')).at(-1);
    return script ? path.basename(script) : comm;
  } catch {
    return comm;
  }
}

interface CpuSample {
  atMs: number;
  /** CPU ticks per service (its whole process subtree) and per other process under the supervisor. */
  ticks: Record<string, number>;
  systemBusy: number;
  systemTotal: number;
  benchMicros: number;
}

function sampleCpu(pipeline: RunningPipeline): CpuSample {
  const state = pipeline.state();
  const owners = new Map<number, string>();
  for (const [name, entry] of Object.entries(state.services)) if (entry.pid) owners.set(entry.pid, name);
  const table = readProcTable();
  const ticks: Record<string, number> = {};
  for (const [pid, entry] of table) {
    let label: string | undefined;
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = table.get(p)?.ppid ?? 0, hops++) {
      const owner = owners.get(p);
      if (owner) {
        label = owner;
        break;
      }
      if (p === state.pid) {
        label = pid === state.pid ? 'supervisor' : `stack:${helperLabel(pid, entry.comm)}`;
        break;
      }
    }
    if (label) ticks[label] = (ticks[label] ?? 0) + entry.ticks;
  }
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').split(/\s+/).slice(1, 9).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  const usage = process.cpuUsage();
  return { atMs: Date.now(), ticks, systemBusy: total - idle, systemTotal: total, benchMicros: usage.user + usage.system };
}

interface CpuLoad {
  /** Cores used per process group over the window. */
  byProcess: Record<string, number>;
  pipelineCores: number;
  benchCores: number;
  /** Whole machine, everyone included. */
  machineBusyCores: number;
  /** Machine minus pipeline minus this benchmark: other people's work. */
  otherCores: number;
  loadavg1: number;
}

const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;

function cpuLoad(before: CpuSample, after: CpuSample): CpuLoad {
  const seconds = Math.max(0.001, (after.atMs - before.atMs) / 1000);
  const byProcess: Record<string, number> = {};
  for (const [label, t] of Object.entries(after.ticks)) {
    const cores = (t - (before.ticks[label] ?? 0)) / CLOCK_TICKS / seconds;
    if (cores >= 0.005) byProcess[label] = round(cores);
  }
  const pipelineCores = Object.values(byProcess).reduce((a, b) => a + b, 0);
  const cores = os.cpus().length;
  const machineBusyCores = ((after.systemBusy - before.systemBusy) / Math.max(1, after.systemTotal - before.systemTotal)) * cores;
  const benchCores = (after.benchMicros - before.benchMicros) / 1e6 / seconds;
  return {
    byProcess,
    pipelineCores: round(pipelineCores),
    benchCores: round(benchCores),
    machineBusyCores: round(machineBusyCores),
    otherCores: round(Math.max(0, machineBusyCores - pipelineCores - benchCores)),
    loadavg1: round(os.loadavg()[0] ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------- metrics

/** The services whose consumer groups make up the path to the warehouse. */
const WAREHOUSE_PATH = ['router', 'extractor', 'sink-clickhouse'];
const SINK = 'sink-clickhouse';

/** Each service's consumer-runner counters (pipeline_consumer_*), for finding the slow stage. */
interface ConsumerCounters {
  messages: number;
  batches: number;
  batchSeconds: number;
}

interface MetricsSnapshot {
  atMs: number;
  rowsWritten: number;
  lag: Record<string, number>;
  consumers: Record<string, ConsumerCounters>;
  /** Cumulative sink_freshness_seconds counts per upper bound (all tables). */
  freshness: Map<number, number>;
  freshnessSum: number;
}

function freshnessBuckets(text: string): Map<number, number> {
  const buckets = new Map<number, number>();
  for (const { labels, value } of samples(text, 'sink_freshness_seconds_bucket')) {
    if (!labels.le) continue;
    const bound = labels.le === '+Inf' ? Infinity : Number(labels.le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + value);
  }
  return buckets;
}

/** One retry: a kept-alive socket the service closes just as it is reused fails the first attempt. */
async function scrape(url: string): Promise<string> {
  try {
    return await (await fetch(url)).text();
  } catch {
    return await (await fetch(url)).text();
  }
}

async function snapshotMetrics(pipeline: RunningPipeline): Promise<MetricsSnapshot> {
  const services = Object.entries(pipeline.state().services);
  const texts = await Promise.all(services.map(async ([name, s]) => [name, await scrape(`${s.metricsUrl}/metrics`)] as const));
  const lag: Record<string, number> = {};
  const consumers: Record<string, ConsumerCounters> = {};
  let sinkText = '';
  for (const [name, text] of texts) {
    lag[name] = sumSamples(text, 'kafka_consumergroup_lag');
    consumers[name] = {
      messages: sumSamples(text, 'pipeline_consumed_messages_total'),
      batches: sumSamples(text, 'pipeline_consumer_batch_seconds_count'),
      batchSeconds: sumSamples(text, 'pipeline_consumer_batch_seconds_sum'),
    };
    if (name === SINK) sinkText = text;
  }
  return {
    atMs: Date.now(),
    rowsWritten: sumSamples(sinkText, 'sink_rows_written_total'),
    lag,
    consumers,
    freshness: freshnessBuckets(sinkText),
    freshnessSum: sumSamples(sinkText, 'sink_freshness_seconds_sum'),
  };
}

/** Least-squares slope of `value` per second over the samples; null with fewer than 3. */
export function slopePerSec(samples: readonly MetricsSnapshot[], value: (s: MetricsSnapshot) => number): number | null {
  if (samples.length < 3) return null;
  const t0 = (samples[0] as MetricsSnapshot).atMs;
  const xs = samples.map((s) => (s.atMs - t0) / 1000);
  const ys = samples.map(value);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += ((xs[i] as number) - mx) * ((ys[i] as number) - my);
    den += ((xs[i] as number) - mx) ** 2;
  }
  return den > 0 ? num / den : null;
}

export interface StageDiagnostics {
  consumedPerSec: number;
  recordsPerBatch: number;
  msPerBatch: number;
  batchesPerSec: number;
}

/** Per service over a window: records handled per second, fetched batch size and handling time. */
function stageDiagnostics(before: MetricsSnapshot, after: MetricsSnapshot): Record<string, StageDiagnostics> {
  const seconds = Math.max(0.001, (after.atMs - before.atMs) / 1000);
  const result: Record<string, StageDiagnostics> = {};
  for (const [name, a] of Object.entries(after.consumers)) {
    const b = before.consumers[name] ?? { messages: 0, batches: 0, batchSeconds: 0 };
    const batches = a.batches - b.batches;
    if (batches <= 0) continue;
    result[name] = {
      consumedPerSec: Math.round((a.messages - b.messages) / seconds),
      recordsPerBatch: round((a.messages - b.messages) / batches, 1),
      msPerBatch: round(((a.batchSeconds - b.batchSeconds) / batches) * 1000, 1),
      batchesPerSec: round(batches / seconds, 1),
    };
  }
  return result;
}

const pathLag = (s: MetricsSnapshot): number => WAREHOUSE_PATH.reduce((sum, name) => sum + (s.lag[name] ?? 0), 0);

export interface Quantile {
  ms: number;
  /** The histogram bucket it falls in (seconds): the interpolation is only known to lie within it. */
  bucket: [number, number | null];
}

/** Prometheus-style histogram_quantile over the delta of two cumulative snapshots (linear within a bucket). */
export function histogramQuantile(before: Map<number, number>, after: Map<number, number>, q: number): Quantile | null {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const cumulative = bounds.map((b) => (after.get(b) ?? 0) - (before.get(b) ?? 0));
  const total = cumulative.at(-1) ?? 0;
  if (total <= 0) return null;
  const rank = q * total;
  for (let i = 0; i < bounds.length; i++) {
    const count = cumulative[i] as number;
    if (count < rank) continue;
    const lower = i === 0 ? 0 : (bounds[i - 1] as number);
    const upper = bounds[i] as number;
    if (upper === Infinity) return { ms: lower * 1000, bucket: [lower, null] };
    const below = i === 0 ? 0 : (cumulative[i - 1] as number);
    const inBucket = count - below;
    const seconds = lower + (upper - lower) * (inBucket > 0 ? (rank - below) / inBucket : 1);
    return { ms: Math.round(seconds * 1000), bucket: [lower, upper] };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------- one step

export interface StepResult {
  offeredEventsPerSec: number;
  /** See calibrate(): this machine's speed just before the step (lower is faster). */
  calibrationMs: number;
  seconds: number;
  sentEvents: number;
  acceptedEvents: number;
  acceptedEventsPerSec: number;
  /** Answers other than 202, by status ('none' = no answer). */
  refusedBatches: Record<string, number>;
  /** Batches sent after their due time because every sender was busy, and the worst lateness. */
  lateBatches: number;
  maxLateMs: number;
  /** Bridge answer time per request (client side). */
  requestP50Ms: number;
  requestP99Ms: number;
  /** Events accepted but not yet in the warehouse where the steady part starts and at the last sample. */
  backlogAtSteadyStart: number;
  backlogAtEnd: number;
  /** Most events accepted but not yet in the warehouse at a 1 s sample, and that in seconds of offered traffic. */
  maxBacklog: number;
  maxBacklogSeconds: number;
  /** Rows landed per second over the step's steady part (its first quarter, at most 5 s, left out). */
  landedRowsPerSec: number;
  expectedRowsPerSec: number;
  /** Consumer lag per service at the last batch's answer, and the largest seen during the step. */
  lagAtEnd: Record<string, number>;
  maxLag: Record<string, number>;
  /** Least-squares trend of each service's lag over the steady part (records/s; > 0: falling behind). */
  lagGrowthPerSec: Record<string, number>;
  /** Per consuming service over the sending window: handled records/s, records per fetched batch, ms per batch. */
  stages: Record<string, StageDiagnostics>;
  /** From the last answer until the warehouse path's lag was 0 with every row landed (null: not within the wait). */
  drainMs: number | null;
  /** Rows landed (by the end of the wait) over rows expected from the accepted events. */
  landedFraction: number;
  cpu: CpuLoad;
  /** CPU cost per process: cores per 1000 accepted events/s (meaningful when the step was sustained). */
  coresPer1kEventsPerSec: Record<string, number>;
  sustained: boolean;
  notSustainedBecause: string[];
  /** sink_freshness_seconds over the step's rows (see FRESHNESS_METHOD). */
  freshness: { p50: Quantile | null; p99: Quantile | null; rows: number; meanMs: number };
  /** Run only for the freshness, after the stepping had stopped (not counted as sustained). */
  afterStop?: boolean;
}

interface StepContext {
  pipeline: RunningPipeline;
  options: PipelineBenchOptions;
  rowsPerEvent: number;
  runId: string;
}

const percentile = (sorted: readonly number[], q: number): number => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (line: string) => process.stderr.write(`${line}\n`);
const fmt = (record: Record<string, number>): string =>
  Object.entries(record)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');

/** Samples metrics every second while `running` resolves; prints a line every 5 s. */
async function watch(ctx: StepContext, rate: number, running: Promise<unknown>): Promise<MetricsSnapshot[]> {
  const samples: MetricsSnapshot[] = [];
  let done = false;
  running.then(
    () => (done = true),
    () => (done = true),
  );
  let tick = 0;
  while (!done) {
    await Promise.race([sleep(1000), running]);
    if (done) break;
    const s = await snapshotMetrics(ctx.pipeline);
    samples.push(s);
    if (++tick % 5 === 0) log(`  [${rate}/s t+${tick}s] rows=${s.rowsWritten} lag: ${fmt(s.lag)}`);
  }
  return samples;
}

/** Waits for the warehouse path to be empty and every expected row landed; returns when that happened. */
async function drain(ctx: StepContext, fromMs: number, rowsBefore: number, expectedRows: number, maxWaitMs: number): Promise<{ drainMs: number | null; last: MetricsSnapshot }> {
  for (;;) {
    const s = await snapshotMetrics(ctx.pipeline);
    if (pathLag(s) === 0 && s.rowsWritten - rowsBefore >= expectedRows) return { drainMs: s.atMs - fromMs, last: s };
    if (s.atMs - fromMs > maxWaitMs) return { drainMs: null, last: s };
    await sleep(250);
  }
}

async function runStep(ctx: StepContext, rate: number, seconds: number, report: boolean): Promise<StepResult> {
  const { pipeline, options } = ctx;
  const traffic = buildTraffic(`bench-${ctx.runId}-${rate}-${seconds}`, Math.round(rate * seconds), options.batch);
  const calibrationMs = calibrate();
  const startSnap = await snapshotMetrics(pipeline);
  const cpuBefore = sampleCpu(pipeline);

  const sending = runOpenLoop(pipeline.state().bridgeUrl, traffic, rate, options.senders);
  const samples = await watch(ctx, rate, sending);
  const run = await sending;
  const cpuAfter = sampleCpu(pipeline);
  const endSnap = await snapshotMetrics(pipeline);

  const cpu = cpuLoad(cpuBefore, cpuAfter);
  const elapsed = Math.max(seconds, (run.endMs - run.startMs) / 1000);
  const accepted = run.results.reduce((sum, r) => sum + r.accepted, 0);
  const sent = run.results.reduce((sum, r) => sum + r.events, 0);
  const refusedBatches: Record<string, number> = {};
  for (const r of run.results) if (r.status !== 202) refusedBatches[String(r.status ?? 'none')] = (refusedBatches[String(r.status ?? 'none')] ?? 0) + 1;
  const late = run.results.filter((r) => r.lateMs > 50);
  const requestMs = run.results.map((r) => r.doneMs - r.sentMs).sort((a, b) => a - b);

  // Backlog: events the bridge accepted whose rows have not landed yet (exact counts, unlike the lag gauges
  // that each service polls on its own clock).
  const acceptedBy = (atMs: number) => run.results.reduce((sum, r) => (r.doneMs <= atMs ? sum + r.accepted : sum), 0);
  const backlogs = samples.map((s) => Math.max(0, acceptedBy(s.atMs) - (s.rowsWritten - startSnap.rowsWritten) / ctx.rowsPerEvent));
  const maxBacklog = Math.round(Math.max(0, ...backlogs));
  if (process.env.BENCH_TRACE) {
    const lines = samples.map((s, i) => JSON.stringify({ rate, t: round((s.atMs - run.startMs) / 1000, 1), rows: s.rowsWritten, backlog: Math.round(backlogs[i] ?? 0), lag: s.lag, consumed: Object.fromEntries(Object.entries(s.consumers).map(([n, c]) => [n, c.messages])) }));
    appendFileSync(process.env.BENCH_TRACE, `${lines.join('\n')}\n`);
  }

  // Steady part: from a quarter of the step (at most 5 s) in, to the last answer. The sink writes in
  // flushes (about one per table per second), so rates are least-squares slopes over the 1 s samples, not
  // end-point differences that one flush more or less would move by several percent.
  const steadyFrom = run.startMs + Math.min(5000, (seconds * 1000) / 4);
  const steady = [...samples, endSnap].filter((s) => s.atMs >= steadyFrom);
  const landedRowsPerSec = slopePerSec(steady, (s) => s.rowsWritten) ?? 0;
  const lagGrowthPerSec: Record<string, number> = {};
  for (const name of Object.keys(endSnap.lag)) lagGrowthPerSec[name] = Math.round(slopePerSec(steady, (s) => s.lag[name] ?? 0) ?? 0);
  const acceptedPerSec = accepted / elapsed;
  const expectedRows = Math.round(run.results.reduce((sum, r) => sum + (r.rows ?? r.accepted * ctx.rowsPerEvent), 0));
  const expectedRowsPerSec = accepted > 0 ? (acceptedPerSec * expectedRows) / accepted : 0;

  const maxWait = Math.max(60_000, seconds * 3000);
  const { drainMs, last } = await drain(ctx, run.endMs, startSnap.rowsWritten, expectedRows, maxWait);
  if (drainMs === null) {
    // Not drained after the wait: say where the records are, and what the services logged (warn and above).
    log(`  not drained after ${maxWait / 1000} s: rows ${last.rowsWritten - startSnap.rowsWritten}/${expectedRows}, lag ${fmt(last.lag)}`);
    log(`  consumed: ${fmt(Object.fromEntries(Object.entries(last.consumers).map(([n, c]) => [n, c.messages - (startSnap.consumers[n]?.messages ?? 0)])))}`);
    log(`  pipeline log tail:\n${ctx.pipeline.output().slice(-4000)}`);
  }

  const freshRows = (last.freshness.get(Infinity) ?? 0) - (startSnap.freshness.get(Infinity) ?? 0);
  const maxLag: Record<string, number> = {};
  for (const s of [...samples, endSnap]) for (const [name, v] of Object.entries(s.lag)) maxLag[name] = Math.max(maxLag[name] ?? 0, v);

  const reasons: string[] = [];
  if (acceptedPerSec < rate * (1 - options.tolerance)) reasons.push(`bridge accepted ${Math.round(acceptedPerSec)}/s of ${rate}/s offered`);
  if (Object.keys(refusedBatches).length > 0) reasons.push(`refused batches ${JSON.stringify(refusedBatches)}`);
  if (landedRowsPerSec < expectedRowsPerSec * (1 - options.tolerance)) {
    reasons.push(`warehouse landed ${Math.round(landedRowsPerSec)} rows/s of ${Math.round(expectedRowsPerSec)} expected`);
  }
  if (drainMs === null || drainMs > options.drainSeconds * 1000) {
    reasons.push(drainMs === null ? `warehouse-path lag did not drain within ${maxWait / 1000} s` : `warehouse-path lag drained in ${round(drainMs / 1000, 1)} s`);
  }

  const result: StepResult = {
    offeredEventsPerSec: rate,
    calibrationMs,
    seconds: round(elapsed, 1),
    sentEvents: sent,
    acceptedEvents: accepted,
    acceptedEventsPerSec: Math.round(acceptedPerSec),
    refusedBatches,
    lateBatches: late.length,
    maxLateMs: Math.round(Math.max(0, ...run.results.map((r) => r.lateMs))),
    requestP50Ms: percentile(requestMs, 0.5),
    requestP99Ms: percentile(requestMs, 0.99),
    backlogAtSteadyStart: Math.round(backlogs[samples.findIndex((s) => s.atMs >= steadyFrom)] ?? 0),
    backlogAtEnd: Math.round(backlogs.at(-1) ?? 0),
    maxBacklog,
    maxBacklogSeconds: round(maxBacklog / rate, 1),
    landedRowsPerSec: Math.round(landedRowsPerSec),
    expectedRowsPerSec: Math.round(expectedRowsPerSec),
    lagAtEnd: endSnap.lag,
    maxLag,
    lagGrowthPerSec,
    stages: stageDiagnostics(startSnap, endSnap),
    drainMs,
    landedFraction: round((last.rowsWritten - startSnap.rowsWritten) / Math.max(1, expectedRows), 4),
    cpu,
    coresPer1kEventsPerSec: Object.fromEntries(
      [...Object.entries(cpu.byProcess), ['pipeline', cpu.pipelineCores] as const].map(([n, c]) => [n, round((c / Math.max(1, acceptedPerSec)) * 1000, 3)]),
    ),
    sustained: reasons.length === 0,
    notSustainedBecause: reasons,
    freshness: {
      p50: histogramQuantile(startSnap.freshness, last.freshness, 0.5),
      p99: histogramQuantile(startSnap.freshness, last.freshness, 0.99),
      rows: freshRows,
      meanMs: freshRows > 0 ? Math.round(((last.freshnessSum - startSnap.freshnessSum) / freshRows) * 1000) : 0,
    },
  };
  if (report) {
    log(
      `step ${rate}/s: accepted ${result.acceptedEventsPerSec}/s (${accepted}/${sent}, request p50/p99 ${result.requestP50Ms}/${result.requestP99Ms} ms, ` +
        `late batches ${result.lateBatches}, max ${result.maxLateMs} ms), backlog ${result.backlogAtSteadyStart} -> ${result.backlogAtEnd} (max ${maxBacklog}, ${result.maxBacklogSeconds} s), ` +
        `landed ${result.landedRowsPerSec} rows/s (expected ${result.expectedRowsPerSec}), lag at end: ${fmt(result.lagAtEnd)}, ` +
        `lag trend/s: ${fmt(result.lagGrowthPerSec)}, ` +
        `drain ${drainMs === null ? 'none' : `${round(drainMs / 1000, 1)} s`}, landed ${result.landedFraction}`,
    );
    log(
      `  cpu cores: pipeline ${result.cpu.pipelineCores} (${fmt(result.cpu.byProcess)}), bench ${result.cpu.benchCores}, ` +
        `machine busy ${result.cpu.machineBusyCores}/${os.cpus().length}, others ${result.cpu.otherCores}, loadavg ${result.cpu.loadavg1}, ` +
        `calibration ${result.calibrationMs} ms`,
    );
    log(`  cores per 1k events/s: ${fmt(result.coresPer1kEventsPerSec)}`);
    log(`  stages: ${Object.entries(result.stages).map(([n, d]) => `${n} ${d.consumedPerSec}/s ${d.recordsPerBatch} rec/batch ${d.msPerBatch} ms/batch`).join(', ')}`);
    const { p50, p99 } = result.freshness;
    log(`  freshness (${result.freshness.rows} rows): p50 ${p50?.ms ?? '-'} ms in ${JSON.stringify(p50?.bucket)} s, p99 ${p99?.ms ?? '-'} ms in ${JSON.stringify(p99?.bucket)} s, mean ${result.freshness.meanMs} ms`);
    log(`  ${result.sustained ? 'SUSTAINED' : `NOT SUSTAINED: ${reasons.join('; ')}`}`);
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- the run

export interface PipelineBenchSummary {
  bench: 'pipeline';
  steps: StepResult[];
  highestSustainedEventsPerSec: number;
  freshnessAt5k: {
    p50Ms: number | null;
    p99Ms: number | null;
    p50Bucket: Quantile['bucket'] | null;
    p99Bucket: Quantile['bucket'] | null;
    rows: number;
    meanMs: number;
    /** Whether that step was sustained (if not, the freshness mostly measures its growing backlog). */
    stepSustained: boolean;
    method: string;
  } | null;
  /** The first step that was not sustained, and the warehouse-path service whose lag grew fastest in it. */
  firstFailure: { offeredEventsPerSec: number; reasons: string[]; fastestGrowingLag: { service: string; perSec: number } | null } | null;
  targets: { sustainedEventsPerSec: number; sustainedMet: boolean; p99FreshnessMs: number; freshnessMet: boolean | null };
  machine: { cores: number; loadavgStart: number[]; loadavgEnd: number[] };
  options: PipelineBenchOptions;
  /** Service settings set in this process's environment (they reach every service through npm start). */
  pipelineEnv: Record<string, string>;
}

const SERVICE_SETTING = /^(BRIDGE|ROUTER|EXTRACTOR|SINK|ARCHIVE|KAFKA|LAG|TOPIC)_/;

const FRESHNESS_METHOD =
  'sink_freshness_seconds delta over the step (start to drained), buckets interpolated linearly; event_timestamp = the batch\'s scheduled send time (generator time is compressed, so it is rewritten)';

export async function runPipelineBench(options: PipelineBenchOptions): Promise<PipelineBenchSummary> {
  const loadavgStart = os.loadavg().map((l) => round(l));
  const dataDir = process.env.BENCH_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'ckt-bench-pipeline-'));
  log(`pipeline bench: rates ${options.rates.join(', ')} events/s, ${options.stepSeconds} s each, ${options.senders} senders x ${options.batch}; data ${dataDir}; loadavg ${loadavgStart.join(' ')}`);
  // Lag is polled every second so the drain check sees it within ~1 s.
  const pipeline = await startPipeline(dataDir, { LAG_POLL_MS: '1000' });
  const stopOnSignal = () => void pipeline.stop().finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    const runId = Date.now().toString(36);
    const ctx: StepContext = { pipeline, options, rowsPerEvent: rowsPerEvent(`bench-${runId}-rows`), runId };
    log(`pipeline ready (rows per event ${round(ctx.rowsPerEvent, 3)}); warm-up ${options.warmupSeconds} s at 1000/s`);
    await runStep(ctx, 1000, options.warmupSeconds, false);

    const steps: StepResult[] = [];
    for (const rate of options.rates) {
      log(`\n--- ${rate} events/s for ${options.stepSeconds} s`);
      const step = await runStep(ctx, rate, options.stepSeconds, true);
      steps.push(step);
      if (!step.sustained) break;
    }
    // The freshness is asked for at its rate whether or not the stepping got there.
    if (!steps.some((s) => s.offeredEventsPerSec === options.freshnessRate)) {
      log(`\n--- ${options.freshnessRate} events/s for ${options.stepSeconds} s (freshness only; stepping had stopped)`);
      steps.push({ ...(await runStep(ctx, options.freshnessRate, options.stepSeconds, true)), afterStop: true });
    }

    const sustained = steps.filter((s) => s.sustained && !s.afterStop).map((s) => s.offeredEventsPerSec);
    const highest = sustained.length > 0 ? Math.max(...sustained) : 0;
    const freshStep = steps.find((s) => s.offeredEventsPerSec === options.freshnessRate);
    const fresh = freshStep?.freshness;
    const freshnessAt5k = fresh
      ? {
          p50Ms: fresh.p50?.ms ?? null,
          p99Ms: fresh.p99?.ms ?? null,
          p50Bucket: fresh.p50?.bucket ?? null,
          p99Bucket: fresh.p99?.bucket ?? null,
          rows: fresh.rows,
          meanMs: fresh.meanMs,
          stepSustained: freshStep.sustained,
          method: FRESHNESS_METHOD,
        }
      : null;
    const failed = steps.find((s) => !s.sustained && !s.afterStop);
    const growth = failed ? WAREHOUSE_PATH.map((service) => ({ service, perSec: failed.lagGrowthPerSec[service] ?? 0 })).sort((a, b) => b.perSec - a.perSec)[0] : undefined;
    const firstFailure = failed
      ? { offeredEventsPerSec: failed.offeredEventsPerSec, reasons: failed.notSustainedBecause, fastestGrowingLag: growth && growth.perSec > 0 ? growth : null }
      : null;
    return {
      bench: 'pipeline',
      steps,
      highestSustainedEventsPerSec: highest,
      freshnessAt5k,
      firstFailure,
      targets: {
        sustainedEventsPerSec: 15_000,
        sustainedMet: highest >= 15_000,
        p99FreshnessMs: 2000,
        freshnessMet: freshnessAt5k?.p99Ms == null ? null : freshnessAt5k.p99Ms <= 2000,
      },
      machine: { cores: os.cpus().length, loadavgStart, loadavgEnd: os.loadavg().map((l) => round(l)) },
      options,
      pipelineEnv: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => SERVICE_SETTING.test(e[0]) && e[1] !== undefined)),
    };
  } finally {
    process.removeListener('SIGINT', stopOnSignal);
    process.removeListener('SIGTERM', stopOnSignal);
    const code = await pipeline.stop();
    log(`pipeline stopped (exit ${code})`);
    if (!process.env.BENCH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  printSummary(runPipelineBench(parseOptions(process.argv.slice(2))));
}
