import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { EXIT_WITH_PARENT_ENV } from '@ckt/observability';

interface SpawnReadyOptions {
  /** Short name used in error messages. */
  name: string;
  command: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the ready line. */
  timeoutMs?: number;
}

interface ReadyProcess<T> {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The parsed JSON ready line. */
  readonly ready: T;
  /** Calls `listener` with every stdout line printed after the ready line. */
  onLine(listener: (line: string) => void): () => void;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  /** Recent stderr, for error messages. */
  stderrTail(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
  stop(graceMs?: number): Promise<void>;
}

const STDERR_KEEP = 4000;

/** `node --import tsx <file>`: runs a TypeScript entry in a child without a build step. */
export function tsEntryCommand(file: string): { command: string; args: string[] } {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  // Node refuses --cpu-prof in NODE_OPTIONS; CPU_PROFILE_DIR profiles every service (written on clean exit).
  const profile = process.env.CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.CPU_PROFILE_DIR}`] : [];
  return { command: process.execPath, args: [...profile, '--import', tsxLoader, file] };
}

/**
 * Spawns a child that announces readiness by printing one JSON object on a stdout line, and resolves
 * with that object. Rejects with the child's stderr if it exits or stays silent past the timeout.
 */
export function spawnReady<T>(opts: SpawnReadyOptions): Promise<ReadyProcess<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const child = spawn(opts.command, opts.args ?? [], {
    cwd: opts.cwd,
    env: { ...(opts.env ?? process.env), [EXIT_WITH_PARENT_ENV]: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });

  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP);
  });
  // A child that exits early closes stdin under us; the exit handler reports it instead.
  child.stdin.on('error', () => {});

  const listeners = new Set<(line: string) => void>();
  let exited = child.exitCode !== null;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });

  return new Promise<ReadyProcess<T>>((resolve, reject) => {
    let settled = false;
    let buffered = '';
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!exited) child.kill('SIGKILL');
      const tail = stderr.trim();
      reject(new Error(`${opts.name}: ${why}${tail ? `\n--- stderr ---\n${tail}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${timeoutMs} ms`), timeoutMs);

    child.once('error', (err) => fail(`failed to start ${opts.command}: ${err.message}`));
    child.once('exit', (code, signal) => fail(`exited before ready (code ${code}, signal ${signal})`));

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (settled) {
          for (const listener of listeners) listener(line);
        } else if (line.startsWith('{')) {
          acceptReady(line);
        }
      }
    });

    function acceptReady(line: string): void {
      let ready: T;
      try {
        ready = JSON.parse(line) as T;
      } catch {
        return; // not the ready line; keep waiting
      }
      settled = true;
      clearTimeout(timer);
      resolve({
        child,
        pid: child.pid ?? -1,
        ready,
        onLine(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
        send(text) {
          child.stdin.write(`${text}\n`);
        },
        stderrTail: () => stderr,
        async stop(graceMs = 5000) {
          if (exited) return;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exitPromise;
          clearTimeout(killer);
        },
      });
    }
  });
}
