// npm run stack -- up [--data-dir D] | down | status | env
//   up      starts Apache Kafka (1 or 3 nodes, catalog topics), the registry double and s3rver in the foreground,
//           writes <data>/stack.json and prints the services' environment as `export K=V` lines.
//   down    SIGTERMs the stack recorded in stack.json.  status / env  read stack.json.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { processAlive } from '@ckt/warehouse';
import { repoRoot } from './paths.ts';
import { onShutdown } from './shutdown.ts';
import { startStack } from './stack.ts';
import { catalogTopics } from './topics.ts';

interface StackFile {
  pid: number;
  startedAt: string;
  dataDir: string;
  brokers: string[];
  schemaRegistryUrl: string;
  s3Endpoint: string;
  env: Record<string, string>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'data-dir': { type: 'string' }, brokers: { type: 'string' } },
});
const dataDir = path.resolve(values['data-dir'] ?? path.join(repoRoot, 'data'));
const stackFile = path.join(dataDir, 'stack.json');

function readStackFile(): StackFile | undefined {
  if (!existsSync(stackFile)) return undefined;
  return JSON.parse(readFileSync(stackFile, 'utf8')) as StackFile;
}

const isAlive = processAlive;

function exportLines(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `export ${k}=${v}`)
    .join('\n');
}

function brokerCount(value: string | undefined): 1 | 3 {
  if (value === undefined || value === '1') return 1;
  if (value === '3') return 3;
  console.error(`--brokers: expected 1 or 3, got ${value}`);
  process.exit(2);
}

async function up(): Promise<void> {
  const running = readStackFile();
  if (running && isAlive(running.pid)) {
    console.error(`stack already running (pid ${running.pid}); npm run stack -- down`);
    process.exit(1);
  }
  const stack = await startStack({
    dataDir,
    topics: catalogTopics(),
    kafka: { nodes: brokerCount(values.brokers) },
  });
  const record: StackFile = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    dataDir,
    brokers: stack.kafka.brokers,
    schemaRegistryUrl: stack.registryUrl,
    s3Endpoint: stack.s3.endpoint,
    env: stack.env(),
  };
  writeFileSync(stackFile, `${JSON.stringify(record, null, 2)}\n`);
  console.log(exportLines(record.env));
  console.error(`stack up (pid ${process.pid}, data in ${dataDir}); Ctrl-C or npm run stack -- down to stop`);
  onShutdown(async () => {
    await stack.stop();
    // Only remove the record if it is still ours.
    if (readStackFile()?.pid === process.pid) rmSync(stackFile, { force: true });
    console.error('stack stopped');
  });
}

async function down(): Promise<void> {
  const running = readStackFile();
  if (!running || !isAlive(running.pid)) {
    console.log('stack not running');
    if (running) rmSync(stackFile, { force: true });
    return;
  }
  process.kill(running.pid, 'SIGTERM');
  const deadline = Date.now() + 15_000;
  while (isAlive(running.pid)) {
    if (Date.now() > deadline) {
      console.error(`stack (pid ${running.pid}) did not stop within 15 s`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(`stack stopped (pid ${running.pid})`);
}

function status(): void {
  const running = readStackFile();
  if (!running || !isAlive(running.pid)) {
    console.log('stack not running');
    process.exitCode = 1;
    return;
  }
  console.log(`stack running (pid ${running.pid}, since ${running.startedAt})`);
  console.log(`  kafka     ${running.brokers.join(',')}`);
  console.log(`  registry  ${running.schemaRegistryUrl}`);
  console.log(`  s3        ${running.s3Endpoint}`);
  console.log(`  warehouse ${running.env.WAREHOUSE_PATH ?? ''}`);
}

function env(): void {
  const running = readStackFile();
  if (!running || !isAlive(running.pid)) {
    console.error('stack not running; npm run stack -- up');
    process.exitCode = 1;
    return;
  }
  console.log(exportLines(running.env));
}

const command = positionals[0];
switch (command) {
  case 'up':
    await up();
    break;
  case 'down':
    await down();
    break;
  case 'status':
    status();
    break;
  case 'env':
    env();
    break;
  default:
    console.error('usage: npm run stack -- up [--data-dir D] [--brokers 1|3] | down | status | env');
    process.exitCode = 2;
}
