import { existsSync, readFileSync } from 'node:fs';
import { processAlive } from '@ckt/warehouse';
import { writeFileAtomic } from './atomic-file.ts';

/**
 * What `npm start` writes to <DATA_DIR>/pipeline.json, for operators, `npm run query`, `npm run replay` and
 * tests. It holds addresses only, never settings' values (secrets stay in the environment).
 */
export interface PipelineState {
  /** The supervisor's pid while it runs; null once it stopped cleanly. */
  pid: number | null;
  startedAt: string;
  /** Set by a clean stop. */
  stoppedAt?: string;
  dataDir: string;
  bridgeUrl: string;
  sinkQueryUrl: string;
  archiveUrl: string;
  kafkaBrokers: string;
  /** The local broker's node processes (none when KAFKA_BROKERS names a cluster elsewhere). */
  kafkaPids: number[];
  schemaRegistryUrl: string;
  warehousePath: string;
  services: Record<string, { pid?: number; metricsUrl: string; restarts: number }>;
}

/** The command line that identifies a supervisor started by `npm start`. */
const START_ENTRY = 'local-stack/src/start.ts';

/** Whole file or nothing, readable by its owner only. */
export function writePipelineState(file: string, state: PipelineState): void {
  writeFileAtomic(file, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

function readPipelineState(file: string): PipelineState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PipelineState;
  } catch {
    return undefined; // unreadable: treated as absent, it is rewritten on the next start
  }
}

/** The command line of a live process, or undefined when there is none with that pid. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

/**
 * The state of a pipeline that is running now: its pid is alive and is an `npm start` supervisor (a recycled
 * pid of another program does not count). A clean stop (pid null), a dead pid or a stranger's pid: undefined.
 */
export function runningPipeline(file: string): PipelineState | undefined {
  const state = readPipelineState(file);
  if (!state || typeof state.pid !== 'number' || state.pid <= 0 || !processAlive(state.pid)) return undefined;
  return commandLineOf(state.pid)?.includes(START_ENTRY) ? state : undefined;
}
