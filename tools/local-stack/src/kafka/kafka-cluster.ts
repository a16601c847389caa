import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kafkaLibDir } from '../paths.ts';
import { freePort, isPortFree } from '../free-port.ts';
import { writeFileAtomic } from '../atomic-file.ts';
import { BrokerProcess, runJava, type JvmOptions } from './broker-process.ts';
import { brokerProperties, type KafkaNodeAddress } from './broker-properties.ts';

interface KafkaClusterOptions {
  /** Log dirs and cluster.json live here and survive a stop; default a temp dir, removed on stop. */
  dataDir?: string;
  /** 1 (default) or 3 combined broker+controller nodes. */
  nodes?: 1 | 3;
  /** Maximum heap per broker JVM (default LOCAL_KAFKA_HEAP_MB or 512). */
  heapMb?: number;
  /** How long to wait for the cluster to answer metadata (default 90 s). */
  readyTimeoutMs?: number;
}

export interface KafkaNode extends KafkaNodeAddress {
  readonly pid: number | undefined;
  readonly running: boolean;
}

export interface KafkaCluster {
  /** host:port of every node, for KAFKA_BROKERS. */
  readonly brokers: string[];
  readonly nodes: readonly KafkaNode[];
  readonly dataDir: string;
  /** Milliseconds from launch until every node answered metadata. */
  readonly startMs: number;
  /** SIGTERM (controlled shutdown) or SIGKILL (a crash) of one node; resolves once it has exited. */
  stopNode(id: number, signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Starts a stopped node again on the same ports and log dir; resolves once the cluster lists it. */
  startNode(id: number): Promise<void>;
  /** Freezes (SIGSTOP) or thaws (SIGCONT) a node: it keeps its sockets but answers nothing. */
  freezeNode(id: number, frozen: boolean): void;
  /** The node leading a partition, from the cluster's metadata. */
  leaderOf(topic: string, partition: number): Promise<number>;
  /** Resident memory of each running node, in bytes. */
  rss(): Record<number, number>;
  /** Stops every node: SIGTERM and a bounded wait for a kept data dir, SIGKILL for a temporary one. */
  stop(): Promise<void>;
}

interface ClusterFile {
  clusterId: string;
  nodes: KafkaNodeAddress[];
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
// Passed as --cluster-id=<id>: one id in 64 starts with '-', which the tool would read as an option.
const newClusterId = (): string => randomBytes(16).toString('base64url');

async function addresses(dataDir: string, count: number): Promise<ClusterFile> {
  const file = path.join(dataDir, 'cluster.json');
  const known = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClusterFile) : undefined;
  if (known && known.nodes.length !== count) {
    throw new Error(`${dataDir} holds a ${known.nodes.length}-node Kafka cluster, not ${count}: use another data dir`);
  }
  // Keep the recorded ports where they are free, so addresses stay stable across restarts.
  const nodes: KafkaNodeAddress[] = [];
  for (let id = 1; id <= count; id++) {
    const was = known?.nodes.find((n) => n.id === id);
    const port = was && (await isPortFree(was.port)) ? was.port : await freePort();
    const controllerPort = was && (await isPortFree(was.controllerPort)) ? was.controllerPort : await freePort();
    nodes.push({ id, port, controllerPort });
  }
  const cluster = { clusterId: known?.clusterId ?? newClusterId(), nodes };
  writeFileAtomic(file, `${JSON.stringify(cluster, null, 2)}\n`);
  return cluster;
}

/** Polls metadata until `expected` brokers are registered, or a node exits, or the deadline passes. */
async function waitForBrokers(brokers: string[], expected: number[], processes: BrokerProcess[], timeoutMs: number): Promise<void> {
  const admin = new Kafka({ clientId: 'local-stack', brokers, logLevel: logLevel.NOTHING, connectionTimeout: 1000, retry: { retries: 0 } }).admin();
  const deadline = Date.now() + timeoutMs;
  let lastError = 'no answer';
  try {
    for (;;) {
      const dead = processes.find((p) => !p.running);
      if (dead) throw new Error(`a Kafka node exited during start:\n${dead.diagnostics()}`);
      try {
        await admin.connect();
        const { brokers: listed } = await admin.describeCluster();
        const ids = new Set(listed.map((b) => b.nodeId));
        if (expected.every((id) => ids.has(id))) return;
        lastError = `registered: ${[...ids].join(',') || 'none'} of ${expected.join(',')}`;
      } catch (error) {
        lastError = (error as Error).message;
        await admin.disconnect().catch(() => {});
      }
      if (Date.now() > deadline) {
        throw new Error(`Kafka did not answer metadata within ${timeoutMs} ms (${lastError}):\n${processes.map((p) => p.diagnostics()).join('\n')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

function rssOf(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
    return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/**
 * Starts real Apache Kafka (KRaft, combined broker+controller nodes) on free loopback ports, from the classpath
 * that `npm run setup` assembled. Storage is formatted on first use of a data dir; later starts reuse it.
 */
export async function startKafkaCluster(opts: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  if (!existsSync(kafkaLibDir)) throw new Error(`Kafka is not installed at ${kafkaLibDir}: run npm run setup`);
  const count = opts.nodes ?? 1;
  const temporary = !opts.dataDir;
  const dataDir = opts.dataDir ? path.resolve(opts.dataDir) : mkdtempSync(path.join(os.tmpdir(), 'ckt-kafka-'));
  mkdirSync(dataDir, { recursive: true });
  const heapMb = opts.heapMb ?? Number(process.env.LOCAL_KAFKA_HEAP_MB ?? 512);
  const { clusterId, nodes } = await addresses(dataDir, count);
  const classpath = path.join(kafkaLibDir, '*');
  const jvm = (id: number): JvmOptions => ({ classpath, heapMb, logFile: path.join(dataDir, `node-${id}.log`) });

  const processes = nodes.map((node) => {
    const logDir = path.join(dataDir, `node-${node.id}`);
    const propertiesFile = path.join(dataDir, `node-${node.id}.properties`);
    writeFileSync(propertiesFile, brokerProperties(node, nodes, logDir));
    return { node, logDir, propertiesFile, process: new BrokerProcess(jvm(node.id), propertiesFile) };
  });
  // Formatting runs a JVM per node (about a second each): only for log dirs never formatted.
  await Promise.all(
    processes
      .filter((p) => !existsSync(path.join(p.logDir, 'meta.properties')))
      .map((p) => runJava({ ...jvm(p.node.id), heapMb: 256 }, 'kafka.tools.StorageTool', ['format', `--cluster-id=${clusterId}`, '-c', p.propertiesFile, '--ignore-formatted'])),
  );

  const brokers = nodes.map((n) => `127.0.0.1:${n.port}`);
  const readyTimeoutMs = opts.readyTimeoutMs ?? 90_000;
  const all = processes.map((p) => p.process);
  const stopAll = async (): Promise<void> => {
    // A temporary cluster's data is thrown away: no controlled shutdown needed.
    await Promise.all(all.map((p) => (temporary ? p.stop('SIGKILL') : p.stop('SIGTERM', 15_000))));
    if (temporary) rmSync(dataDir, { recursive: true, force: true });
  };

  const launched = Date.now();
  for (const p of all) p.start();
  try {
    await waitForBrokers(brokers, nodes.map((n) => n.id), all, readyTimeoutMs);
  } catch (error) {
    await stopAll();
    throw error;
  }
  const startMs = Date.now() - launched;

  const entry = (id: number) => {
    const found = processes.find((p) => p.node.id === id);
    if (!found) throw new Error(`no Kafka node ${id} (nodes ${nodes.map((n) => n.id).join(', ')})`);
    return found;
  };
  return {
    brokers,
    dataDir,
    startMs,
    nodes: processes.map(({ node, process }) => ({
      ...node,
      get pid() {
        return process.pid;
      },
      get running() {
        return process.running;
      },
    })),
    stopNode: (id, signal = 'SIGTERM') => entry(id).process.stop(signal),
    async startNode(id) {
      const target = entry(id).process;
      target.start();
      const up = processes.filter((p) => p.process.running);
      await waitForBrokers(
        up.map((p) => `127.0.0.1:${p.node.port}`),
        up.map((p) => p.node.id),
        [target],
        readyTimeoutMs,
      );
    },
    freezeNode: (id, frozen) => entry(id).process.signal(frozen ? 'SIGSTOP' : 'SIGCONT'),
    async leaderOf(topic, partition) {
      const running = processes.filter((p) => p.process.running).map((p) => `127.0.0.1:${p.node.port}`);
      const admin = new Kafka({ clientId: 'local-stack', brokers: running, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      try {
        const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
        const leader = topics[0]?.partitions.find((p) => p.partitionId === partition)?.leader;
        if (leader === undefined) throw new Error(`no partition ${topic}/${partition}`);
        return leader;
      } finally {
        await admin.disconnect();
      }
    },
    rss: () => Object.fromEntries(processes.filter((p) => p.process.pid).map((p) => [p.node.id, rssOf(p.process.pid!)])),
    stop: stopAll,
  };
}
