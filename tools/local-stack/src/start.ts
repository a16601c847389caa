// `npm start`: the whole pipeline on this machine. Local components stand in for every production component
// that is not configured (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, CLICKHOUSE_URL, ARCHIVE_URL), and each service
// runs as its own supervised process, as in production. Stop order: the demo traffic and the bridge first (no
// new events), then each stage drains and commits, the archivers flush, and the local broker stops last.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { field, loadConfig, runService } from '@ckt/config';
import { DEFAULT_TOPIC_NAMES } from '@ckt/domain';
import { processAlive, readWarehouseOwner } from '@ckt/warehouse';
import { startStack, type Stack } from './stack.ts';
import { tsEntryCommand } from './process.ts';
import { repoRoot } from './paths.ts';
import { portOrFree } from './free-port.ts';
import { portHolder } from './port-holder.ts';
import { Supervisor, type ProgramSpec } from './supervisor.ts';
import { commandLineOf, runningPipeline, writePipelineState, type PipelineState } from './pipeline-state.ts';

const settings = z.object({
  /** Warehouse, archives, registry state, the local broker's log and pipeline.json live here. */
  DATA_DIR: field.text('data'),
  BRIDGE_PORT: field.port(8080),
  /** Services get consecutive metrics ports from here; 0 = any free ports. */
  METRICS_BASE_PORT: field.port(9464),
  /** Demo traffic in events/s sent by the generator; 0 = none. */
  DEMO_RATE: field.integer(20, { min: 0 }),
  /** One process per stage gains nothing from more partitions here, and each one costs the sink its own inserts
   * (measured at 10k events/s: the sink needs 0.28 cores with 1 partition per topic, 0.42 with 3). */
  TOPIC_PARTITIONS: field.integer(1, { min: 1 }),
  /** Longest wait for one stop level (bridge, router, extractor, sink and archivers) before it is killed. */
  STOP_GRACE_MS: field.integer(30_000, { min: 1000 }),
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
  // The groups compose and k8s use: archiver.checkout.dlq (the default) and raw-archiver.
  { name: 'dlq-archiver', main: 'services/topic-archiver/src/main.ts', env: { ARCHIVE_TOPIC: DEFAULT_TOPIC_NAMES.dlq }, stopOrder: 4 },
  { name: 'raw-archiver', main: 'services/topic-archiver/src/main.ts', env: { ARCHIVE_TOPIC: DEFAULT_TOPIC_NAMES.raw, ARCHIVE_GROUP_ID: 'raw-archiver', ARCHIVE_SERVICE_NAME: 'raw-archiver' }, stopOrder: 4 },
];

/** A start that cannot go on: one line for the user, no stack trace. */
class StartRefused extends Error {}

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

/** Refuses to start over a running pipeline, a port someone holds, or a warehouse another process has open. */
function refuseHeld(stateFile: string, dataDir: string, warehousePath: string, ports: Array<{ port: number; setting: string }>): void {
  const running = runningPipeline(stateFile);
  if (running) throw new StartRefused(`a pipeline (pid ${running.pid}) already runs on ${dataDir}: stop it first (Ctrl-C, or kill ${running.pid}), or set DATA_DIR`);
  for (const { port, setting } of ports) {
    const holder = portHolder(port);
    if (holder) throw new StartRefused(`port ${port} (${setting}) is held by pid ${holder.pid} (${holder.command}): stop it, or set ${setting}`);
  }
  const owner = readWarehouseOwner(warehousePath);
  if (owner && owner.pid !== process.pid && processAlive(owner.pid)) {
    throw new StartRefused(`the warehouse ${warehousePath} is held by pid ${owner.pid} (${commandLineOf(owner.pid) ?? '?'}): stop it, or set DATA_DIR`);
  }
}

async function main(): Promise<void> {
  const cfg = loadConfig(settings);
  const dataDir = path.resolve(repoRoot, cfg.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const stateFile = path.join(dataDir, 'pipeline.json');
  const warehousePath = process.env.WAREHOUSE_PATH ?? path.join(dataDir, 'warehouse');
  const bridgePort = await portOrFree(cfg.BRIDGE_PORT);
  const metricsPorts = await Promise.all(SERVICES.map((_, i) => portOrFree(cfg.METRICS_BASE_PORT === 0 ? 0 : cfg.METRICS_BASE_PORT + i)));
  // The sink's query route gets the port after the metrics ports (9470 by default).
  const queryPort = await portOrFree(cfg.METRICS_BASE_PORT === 0 ? 0 : cfg.METRICS_BASE_PORT + SERVICES.length);
  refuseHeld(stateFile, dataDir, warehousePath, [
    { port: bridgePort, setting: 'BRIDGE_PORT' },
    ...metricsPorts.map((port) => ({ port, setting: 'METRICS_BASE_PORT' })),
    { port: queryPort, setting: 'METRICS_BASE_PORT' },
  ]);

  const local = { kafka: !cfg.KAFKA_BROKERS, registry: !cfg.SCHEMA_REGISTRY_URL };
  // No topics here: every service creates what it reads and writes, as in production.
  const stack: Stack | undefined =
    local.kafka || local.registry ? await startStack({ dataDir, topics: [], components: { ...local, s3: false } }) : undefined;
  const stackEnv = stack?.env() ?? {};
  const archiveUrl = cfg.ARCHIVE_URL ?? pathToFileURL(path.join(dataDir, 'archive')).href;

  const sharedEnv: Record<string, string> = {
    LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
    // Locally a killed consumer's partitions move on after 10 s instead of production's 30 s.
    KAFKA_SESSION_TIMEOUT_MS: process.env.KAFKA_SESSION_TIMEOUT_MS ?? '10000',
    TOPIC_PARTITIONS: String(cfg.TOPIC_PARTITIONS),
    LAG_POLL_MS: process.env.LAG_POLL_MS ?? '5000',
    EXTRACTOR_EMAIL_PEPPER: process.env.EXTRACTOR_EMAIL_PEPPER ?? 'local-development-pepper',
    ...stackEnv,
    WAREHOUSE_PATH: warehousePath,
    ARCHIVE_URL: archiveUrl,
    BRIDGE_PORT: String(bridgePort),
  };
  const metricsUrl = (i: number) => `http://127.0.0.1:${metricsPorts[i]}`;
  const sinkIndex = SERVICES.findIndex((s) => s.name === 'sink-clickhouse');
  const state: PipelineState = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dataDir,
    bridgeUrl: `http://127.0.0.1:${bridgePort}`,
    sinkQueryUrl: `http://127.0.0.1:${queryPort}/query`,
    archiveUrl,
    kafkaBrokers: sharedEnv.KAFKA_BROKERS ?? cfg.KAFKA_BROKERS ?? '',
    kafkaPids: local.kafka && stack ? stack.kafka.cluster.nodes.flatMap((node) => (node.pid ? [node.pid] : [])) : [],
    schemaRegistryUrl: sharedEnv.SCHEMA_REGISTRY_URL ?? cfg.SCHEMA_REGISTRY_URL ?? '',
    warehousePath,
    services: Object.fromEntries(SERVICES.map((s, i) => [s.name, { metricsUrl: metricsUrl(i), restarts: 0 }])),
  };
  const saveState = () => writePipelineState(stateFile, state);

  const programs: ProgramSpec[] = SERVICES.map((service, i) => ({
    name: service.name,
    ...tsEntryCommand(path.join(repoRoot, service.main)),
    env: { ...process.env, ...sharedEnv, ...service.env, METRICS_PORT: String(metricsPorts[i]), ...(i === sinkIndex ? { SINK_QUERY_PORT: String(queryPort) } : {}) },
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
    stopGraceMs: cfg.STOP_GRACE_MS,
    onStart: (program) => {
      const entry = state.services[program.spec.name];
      if (entry) Object.assign(entry, { pid: program.pid(), restarts: program.restarts() });
      saveState();
    },
    onFatal: () => void shutdown(78),
  });
  const shutdown = (code: number) => {
    shuttingDown ??= (async () => {
      console.log('stopping: the bridge stops accepting, each stage drains and commits, the broker stops last (Ctrl-C again to kill)');
      await supervisor.stop();
      await stack?.stop();
      state.pid = null;
      state.stoppedAt = new Date().toISOString();
      saveState();
      console.log('stopped');
      process.exit(code);
    })();
    return shuttingDown;
  };
  let firstSignalAt = 0;
  const onSignal = () => {
    // One Ctrl-C arrives more than once (from the terminal to the whole foreground group, and relayed by tsx):
    // only a signal well after the first means "stop waiting".
    if (shuttingDown && Date.now() - firstSignalAt < 2000) return;
    firstSignalAt ||= Date.now();
    if (shuttingDown) {
      console.log('second signal: killing every service now');
      supervisor.kill();
      process.exit(130);
    }
    void shutdown(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

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
    `  kafka:           ${state.kafkaBrokers}${local.kafka ? ` (local Apache Kafka, data in ${path.join(dataDir, 'kafka')})` : ''}`,
    `  state:           ${stateFile}`,
    cfg.DEMO_RATE > 0 ? `  demo traffic:    ${cfg.DEMO_RATE} events/s (DEMO_RATE=0 turns it off)` : '  demo traffic:    off',
    'Ctrl-C stops everything cleanly.',
    '',
  ];
  console.log(lines.join('\n'));
}

runService('start', () =>
  main().catch((error: unknown) => {
    if (!(error instanceof StartRefused)) throw error;
    process.stderr.write(`npm start: ${error.message}\n`);
    process.exit(1);
  }),
);
