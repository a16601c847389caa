// `npm start`: the whole pipeline on this machine. Local substitutes stand in for every production component
// that is not configured (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLICKHOUSE_URL, ARCHIVE_URL), and each service
// runs as its own supervised process, as in production.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { field, loadConfig, runService } from '@ckt/config';
import { catalogTopics } from './topics.ts';
import { startStack, type Stack } from './stack.ts';
import { tsEntryCommand } from './process.ts';
import { repoRoot } from './paths.ts';
import { portOrFree } from './free-port.ts';
import { Supervisor, type ProgramSpec } from './supervisor.ts';
import type { PipelineState } from './pipeline-state.ts';

const settings = z.object({
  /** Warehouse, archives, registry state and pipeline.json live here. */
  DATA_DIR: field.text('data'),
  BRIDGE_PORT: field.port(8080),
  /** Services get consecutive metrics ports from here; 0 = any free ports. */
  METRICS_BASE_PORT: field.port(9464),
  /** Demo traffic in events/s sent by the generator; 0 = none. */
  DEMO_RATE: field.integer(20, { min: 0 }),
  /** One process per stage gains nothing from more partitions here, and each one costs the sink its own inserts
   * (measured at 10k events/s: the sink needs 0.28 cores with 1 partition per topic, 0.42 with 3). */
  TOPIC_PARTITIONS: field.integer(1, { min: 1 }),
  KAFKA_BROKERS: z.string().optional(),
  SCHEMA_REGISTRY_URL: z.string().optional(),
  CLICKHOUSE_URL: z.string().optional(),
  ARCHIVE_URL: z.string().optional(),
});

interface ServiceEntry {
  name: string;
  main: string;
  env?: Record<string, string>;
  stopOrder: number;
}

const SERVICES: ServiceEntry[] = [
  { name: 'producer-bridge', main: 'services/producer-bridge/src/main.ts', stopOrder: 1 },
  { name: 'router', main: 'services/router/src/main.ts', stopOrder: 2 },
  { name: 'extractor', main: 'services/extractor/src/main.ts', stopOrder: 3 },
  { name: 'sink-clickhouse', main: 'services/sink-clickhouse/src/main.ts', stopOrder: 4 },
  { name: 'dlq-archiver', main: 'services/dlq-archiver/src/main.ts', env: { ARCHIVE_TOPIC: 'checkout.dlq', ARCHIVE_GROUP_ID: 'dlq-archiver' }, stopOrder: 4 },
  { name: 'raw-archiver', main: 'services/dlq-archiver/src/main.ts', env: { ARCHIVE_TOPIC: 'checkout.events.raw', ARCHIVE_GROUP_ID: 'raw-archiver', ARCHIVE_SERVICE_NAME: 'raw-archiver' }, stopOrder: 4 },
];


async function waitReady(urls: string[], timeoutMs: number): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let pending = urls;
  while (pending.length > 0 && Date.now() < deadline) {
    const states = await Promise.all(pending.map((u) => fetch(`${u}/readyz`).then((r) => r.ok, () => false)));
    pending = pending.filter((_, i) => !states[i]);
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return pending;
}

function refuseSecondCopy(stateFile: string): void {
  if (!existsSync(stateFile)) return;
  const { pid } = JSON.parse(readFileSync(stateFile, 'utf8')) as PipelineState;
  try {
    process.kill(pid, 0);
  } catch {
    return;
  }
  throw new Error(`a pipeline (pid ${pid}) already runs on ${path.dirname(stateFile)}: stop it first, or set DATA_DIR`);
}

runService('start', async () => {
  const cfg = loadConfig(settings);
  const dataDir = path.resolve(repoRoot, cfg.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stateFile = path.join(dataDir, 'pipeline.json');
  refuseSecondCopy(stateFile);

  const local = { kafka: !cfg.KAFKA_BROKERS, registry: !cfg.SCHEMA_REGISTRY_URL };
  const stack: Stack | undefined =
    local.kafka || local.registry
      ? await startStack({ dataDir, topics: catalogTopics(cfg.TOPIC_PARTITIONS), components: { ...local, s3: false } })
      : undefined;
  const stackEnv = stack?.env() ?? {};
  const archiveUrl = cfg.ARCHIVE_URL ?? pathToFileURL(path.join(dataDir, 'archive')).href;
  const bridgePort = await portOrFree(cfg.BRIDGE_PORT);
  const metricsPorts = await Promise.all(SERVICES.map((_, i) => portOrFree(cfg.METRICS_BASE_PORT === 0 ? 0 : cfg.METRICS_BASE_PORT + i)));

  const sharedEnv: Record<string, string> = {
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // Locally a killed consumer's partitions move on after 10 s instead of production's 30 s.
    KAFKA_SESSION_TIMEOUT_MS: process.env.KAFKA_SESSION_TIMEOUT_MS ?? '10000',
    TOPIC_PARTITIONS: String(cfg.TOPIC_PARTITIONS),
    LAG_POLL_MS: process.env.LAG_POLL_MS ?? '5000',
    EXTRACTOR_EMAIL_PEPPER: process.env.EXTRACTOR_EMAIL_PEPPER ?? 'local-development-pepper',
    ...stackEnv,
    WAREHOUSE_PATH: process.env.WAREHOUSE_PATH ?? path.join(dataDir, 'warehouse'),
    ARCHIVE_URL: archiveUrl,
    BRIDGE_PORT: String(bridgePort),
  };
  for (const key of ['S3_ENDPOINT', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE']) {
    if (!process.env[key]) delete sharedEnv[key];
  }
  const metricsUrl = (i: number) => `http://127.0.0.1:${metricsPorts[i]}`;
  const sinkIndex = SERVICES.findIndex((s) => s.name === 'sink-clickhouse');
  const state: PipelineState = {
    pid: process.pid,
    dataDir,
    bridgeUrl: `http://127.0.0.1:${bridgePort}`,
    sinkQueryUrl: `${metricsUrl(sinkIndex)}/query`,
    archiveUrl,
    env: sharedEnv,
    services: Object.fromEntries(SERVICES.map((s, i) => [s.name, { metricsUrl: metricsUrl(i), restarts: 0 }])),
  };
  const saveState = () => writeFileSync(stateFile, `${JSON.stringify(state, null, 2)}\n`);

  const programs: ProgramSpec[] = SERVICES.map((service, i) => ({
    name: service.name,
    ...tsEntryCommand(path.join(repoRoot, service.main)),
    env: { ...process.env, ...sharedEnv, ...service.env, METRICS_PORT: String(metricsPorts[i]) },
    stopOrder: service.stopOrder,
  }));
  if (cfg.DEMO_RATE > 0) {
    const generator = tsEntryCommand(path.join(repoRoot, 'tools/generator/src/main.ts'));
    programs.push({
      name: 'demo-traffic',
      command: generator.command,
      args: [...generator.args, '--url', state.bridgeUrl, '--rate', String(cfg.DEMO_RATE), '--total', '100000000', '--faults', 'duplicate=1,malformed=0.2,missing_field=0.2,unknown_event=0.2', '--seed', String(Date.now()), '--quiet'],
      env: { ...process.env },
      stopOrder: 0,
    });
  }

  let shuttingDown: Promise<void> | undefined;
  const supervisor = new Supervisor(programs, {
    color: process.stdout.isTTY,
    onStart: (program) => {
      const entry = state.services[program.spec.name];
      if (entry) Object.assign(entry, { pid: program.pid(), restarts: program.restarts() });
      saveState();
    },
    onFatal: () => void shutdown(78),
  });
  const shutdown = (code: number) => {
    shuttingDown ??= (async () => {
      console.log('stopping: services drain and commit first');
      await supervisor.stop();
      await stack?.stop();
      state.pid = 0;
      saveState();
      console.log('stopped');
      process.exit(code);
    })();
    return shuttingDown;
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  supervisor.start();
  saveState();
  const notReady = await waitReady(SERVICES.map((_, i) => metricsUrl(i)), 180_000);
  const lines = [
    '',
    notReady.length ? `pipeline started, but not ready yet: ${notReady.join(', ')}` : 'pipeline ready',
    `  send events:     curl -X POST ${state.bridgeUrl}/v1/events -H 'content-type: application/json' -d @event.json`,
    `  query warehouse: npm run query -- "SELECT count() FROM dwh.fact_ticket_sale FINAL"`,
    `  dead letters:    ${archiveUrl}/checkout.dlq/   raw archive: ${archiveUrl}/checkout.events.raw/`,
    ...SERVICES.map((s, i) => `  ${s.name.padEnd(16)} metrics ${metricsUrl(i)}/metrics`),
    `  kafka:           ${sharedEnv.KAFKA_BROKERS ?? cfg.KAFKA_BROKERS}${local.kafka ? ` (local Apache Kafka, data in ${path.join(dataDir, 'kafka')})` : ''}`,
    `  state:           ${stateFile}`,
    cfg.DEMO_RATE > 0 ? `  demo traffic:    ${cfg.DEMO_RATE} events/s (DEMO_RATE=0 turns it off)` : '  demo traffic:    off',
    'Ctrl-C stops everything cleanly.',
    '',
  ];
  console.log(lines.join('\n'));
});
