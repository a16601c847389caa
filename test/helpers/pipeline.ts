// Drives the whole pipeline the way a user runs it (`npm start`) for the end-to-end test and the benchmark.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { PipelineState } from '@ckt/local-stack';
import { until } from './wait.ts';
import { sumSamples } from './metrics.ts';

export { until };

export interface RunningPipeline {
  child: ChildProcess;
  dataDir: string;
  state(): PipelineState;
  /** Rows of a read-only query through the sink's /query route. */
  query<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Sum of kafka_consumergroup_lag over every service. */
  totalLag(): Promise<number>;
  metric(service: string, name: string): Promise<number>;
  /** SIGTERM to the supervisor, as Ctrl-C does; resolves with npm's exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL of every process of the pipeline at once (npm, the supervisor, each service, the broker). */
  kill(): Promise<void>;
  output(): string;
}

/** `pid` and all its descendants, from /proc. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The parent pid is the second field after the parenthesised command name.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree: number[] = [];
  const visit = (p: number) => {
    tree.push(p);
    for (const child of children.get(p) ?? []) visit(child);
  };
  visit(pid);
  return tree;
}

export async function startPipeline(dataDir: string, env: Record<string, string> = {}): Promise<RunningPipeline> {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: path.resolve(import.meta.dirname, '../..'),
    env: { ...process.env, DATA_DIR: dataDir, DEMO_RATE: '0', BRIDGE_PORT: '0', METRICS_BASE_PORT: '0', LOG_FORMAT: 'json', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2_000_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const stateFile = path.join(dataDir, 'pipeline.json');
  const state = () => JSON.parse(readFileSync(stateFile, 'utf8')) as PipelineState;
  const spawnedAt = Date.now();
  // A data dir that ran before holds the last run's file: only one written by this start counts.
  const ours = () => existsSync(stateFile) && Date.parse(state().startedAt) >= spawnedAt - 1000 && (state().pid ?? 0) > 0;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const pipeline: RunningPipeline = {
    child,
    dataDir,
    state,
    output: () => output,
    async query<T>(sql: string): Promise<T[]> {
      // 429 (more queries at once than SINK_QUERY_CONCURRENCY) means retry shortly, as any client would.
      let res = await fetch(state().sinkQueryUrl, { method: 'POST', body: sql });
      for (let attempt = 0; res.status === 429 && attempt < 100; attempt++) {
        await res.text();
        await new Promise((resolve) => setTimeout(resolve, 100));
        res = await fetch(state().sinkQueryUrl, { method: 'POST', body: sql });
      }
      const text = await res.text();
      if (!res.ok) throw new Error(`query failed (${res.status}): ${text}`);
      return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
    },
    async metric(service, name) {
      const entry = state().services[service];
      if (!entry) throw new Error(`no service ${service}`);
      return sumSamples(await (await fetch(`${entry.metricsUrl}/metrics`)).text(), name);
    },
    async totalLag() {
      const texts = await Promise.all(Object.values(state().services).map(async (s) => (await fetch(`${s.metricsUrl}/metrics`)).text()));
      return texts.reduce((sum, text) => sum + sumSamples(text, 'kafka_consumergroup_lag'), 0);
    },
    async stop() {
      const pid = ours() ? state().pid : null;
      if (pid) process.kill(pid, 'SIGTERM');
      return exited;
    },
    async kill() {
      for (const pid of processTree(child.pid ?? -1)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
  // One deadline for both waits, shorter than the suites' hook timeouts, so a slow start fails with the output.
  const deadline = Date.now() + 150_000;
  try {
    const startFailed = exited.then((code) => Promise.reject(new Error(`npm start exited with ${code}`)));
    startFailed.catch(() => {}); // observed only while starting
    await Promise.race([until(ours, 'pipeline.json', deadline - Date.now()), startFailed]);
    await until(
      async () => {
        const states = await Promise.all(Object.values(state().services).map((s) => fetch(`${s.metricsUrl}/readyz`).then((r) => r.ok, () => false)));
        return states.every(Boolean);
      },
      'every service to be ready',
      deadline - Date.now(),
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${output}`);
  }
  return pipeline;
}

/** Posts records as NDJSON (which can carry malformed lines) in batches, retrying 503s. */
export async function sendRecords(bridgeUrl: string, texts: string[], batch = 500): Promise<void> {
  for (let i = 0; i < texts.length; i += batch) {
    const body = `${texts.slice(i, i + batch).join('\n')}\n`;
    await until(
      async () => {
        const res = await fetch(`${bridgeUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        if (res.status === 503) return false;
        if (res.status !== 202) throw new Error(`bridge answered ${res.status}: ${await res.text()}`);
        return true;
      },
      `batch ${i / batch} to be accepted`,
      60_000,
    );
  }
}
