// Producer bridge throughput: events/s accepted end to end (HTTP in, broker ack) with batches of 500 from
// several concurrent keep-alive clients, against the mock broker. The bridge runs as its own process (as
// deployed); the clients run here. Prints one JSON summary line.
//
//   npx tsx test/bench/bridge.ts            (BENCH_SECONDS=15 BENCH_CLIENTS=8 BENCH_BATCH=500)
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { loadConfig } from '@ckt/config';
import { createKafka, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { repoRoot, startStack, tsEntryCommand } from '@ckt/local-stack';
import { envNumber, isMain, printSummary } from './harness.ts';

export interface BridgeBenchOptions {
  seconds: number;
  clients: number;
  batch: number;
  warmupSeconds: number;
  partitions: number;
}

export interface BridgeBenchSummary {
  bench: 'bridge';
  events_per_s: number;
  requests_per_s: number;
  accepted: number;
  requests: number;
  batch: number;
  clients: number;
  seconds: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  non_202: Record<string, number>;
  /** Records on the raw topic at the end (warm-up included): must be >= accepted. */
  topic_records: number;
}

const RAW = 'checkout.events.raw';

/** Request bodies of `batch` realistic events (~300 bytes each); a pool is reused round-robin. */
function makeBodies(batch: number, count: number): Buffer[] {
  const bodies: Buffer[] = [];
  let id = 1;
  for (let b = 0; b < count; b++) {
    const events = Array.from({ length: batch }, () => {
      const n = id++;
      return {
        event_id: n,
        event_name: 'ticket_sale',
        event_timestamp: '2025-03-27T20:48:37.123',
        payload: {
          ticket_id: `t-${n}`,
          checkout_id: `chk-${n % 5000}`,
          customer_id: `cust-${n % 2000}`,
          attraction_id: `a-${n % 40}`,
          sales_price: '49.90',
          currency: 'EUR',
          day_of_visit: '2025-04-12',
          ticket_type: 'adult',
        },
      };
    });
    bodies.push(Buffer.from(JSON.stringify(events)));
  }
  return bodies;
}

function post(agent: Agent, url: URL, body: Buffer): Promise<{ status: number; accepted: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        const accepted = status === 202 ? Number((JSON.parse(Buffer.concat(chunks).toString()) as { accepted: number }).accepted) : 0;
        resolve({ status, accepted });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function startBridgeProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const { command, args } = tsEntryCommand(path.join(repoRoot, 'services/producer-bridge/src/main.ts'));
  // e.g. BENCH_BRIDGE_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the bridge alone.
  const nodeArgs = (process.env.BENCH_BRIDGE_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(command, [...nodeArgs, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('bridge did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`bridge exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.includes('producer bridge started')) return;
      clearTimeout(timer);
      resolve((JSON.parse(line) as { ingest: string }).ingest);
    });
  });
  return { child, url };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runBridgeBench(options: BridgeBenchOptions): Promise<BridgeBenchSummary> {
  const stack = await startStack({
    topics: [
      { name: RAW, partitions: options.partitions },
      { name: 'checkout.dlq', partitions: 1 },
    ],
    components: { registry: false, s3: false },
  });
  let child: ChildProcess | undefined;
  try {
    const bridge = await startBridgeProcess({
      ...stack.env(),
      BRIDGE_PORT: '0',
      BRIDGE_HOST: '127.0.0.1',
      METRICS_PORT: '0',
      METRICS_HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      KAFKAJS_NO_PARTITIONER_WARNING: '1',
    });
    child = bridge.child;
    const url = new URL('/v1/events', bridge.url);
    const agent = new Agent({ keepAlive: true, maxSockets: options.clients });
    const bodies = makeBodies(options.batch, 64);

    let measuring = false;
    let stop = false;
    let accepted = 0;
    let requests = 0;
    const latencies: number[] = [];
    const non202: Record<string, number> = {};
    let next = 0;
    const client = async (): Promise<void> => {
      while (!stop) {
        const body = bodies[next++ % bodies.length]!;
        const started = performance.now();
        const answer = await post(agent, url, body);
        if (!measuring) continue;
        latencies.push(performance.now() - started);
        requests++;
        if (answer.status === 202) accepted += answer.accepted;
        else non202[answer.status] = (non202[answer.status] ?? 0) + 1;
      }
    };
    const running = Array.from({ length: options.clients }, client);
    await new Promise((resolve) => setTimeout(resolve, options.warmupSeconds * 1000));
    measuring = true;
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, options.seconds * 1000));
    measuring = false;
    const elapsed = (performance.now() - started) / 1000;
    stop = true;
    await Promise.all(running);
    agent.destroy();

    const logger = createLogger('bench', { LOG_LEVEL: 'silent' });
    const admin = createKafka(loadConfig(kafkaSchema, stack.env()), logger).admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets(RAW);
    await admin.disconnect();

    latencies.sort((a, b) => a - b);
    return {
      bench: 'bridge',
      events_per_s: Math.round(accepted / elapsed),
      requests_per_s: Math.round((requests / elapsed) * 10) / 10,
      accepted,
      requests,
      batch: options.batch,
      clients: options.clients,
      seconds: Math.round(elapsed * 10) / 10,
      p50_ms: Math.round(percentile(latencies, 50) * 10) / 10,
      p99_ms: Math.round(percentile(latencies, 99) * 10) / 10,
      max_ms: Math.round((latencies.at(-1) ?? 0) * 10) / 10,
      non_202: non202,
      topic_records: offsets.reduce((sum, o) => sum + Number(o.high), 0),
    };
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await stack.stop();
  }
}

if (isMain(import.meta.url)) {
  printSummary(runBridgeBench({
    seconds: envNumber('BENCH_SECONDS', 15),
    clients: envNumber('BENCH_CLIENTS', 8),
    batch: envNumber('BENCH_BATCH', 500),
    warmupSeconds: envNumber('BENCH_WARMUP_SECONDS', 2),
    partitions: envNumber('BENCH_PARTITIONS', 6),
  }));
}
