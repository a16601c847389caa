import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { EXIT_WITH_PARENT_ENV } from '@ckt/observability';

export interface ProgramSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** Programs are stopped in reverse start order... unless this is given (lower stops first). */
  stopOrder?: number;
}

interface SupervisedProgram {
  readonly spec: ProgramSpec;
  pid(): number | undefined;
  restarts(): number;
}

/** Exit code a service uses for a bad setting: restarting cannot help, so the supervisor stops everything. */
const EXIT_CONFIG = 78;
const COLORS = [36, 32, 33, 35, 34, 96, 92, 93];

interface SupervisorOptions {
  write?: (line: string) => void;
  /** Called whenever a program (re)starts, so callers can publish its pid. */
  onStart?: (program: SupervisedProgram) => void;
  /** Called when a program fails in a way restarting cannot fix. */
  onFatal?: (name: string, code: number | null) => void;
  color?: boolean;
  /** Longest wait for one stop level before its programs are killed (default 30 s). */
  stopGraceMs?: number;
}

/**
 * Runs each program as its own process with one prefixed, readable log stream; restarts a program that
 * crashes (backoff 1 s doubling to 30 s, reset after a minute of uptime); stops them level by level with
 * SIGTERM (so they drain and commit) and SIGKILL after a deadline. Each child's stdin is a lifeline: when this
 * process dies, however it dies, the children see it close and shut down (watchParent in @ckt/observability).
 */
export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private readonly restartCount = new Map<string, number>();
  private stopping = false;
  private readonly write: (line: string) => void;
  private readonly width: number;

  constructor(
    private readonly specs: ProgramSpec[],
    private readonly options: SupervisorOptions = {},
  ) {
    this.write = options.write ?? ((line) => process.stdout.write(`${line}\n`));
    this.width = Math.max(...specs.map((s) => s.name.length));
  }

  start(): SupervisedProgram[] {
    return this.specs.map((spec, index) => {
      this.launch(spec, index, 1000);
      return { spec, pid: () => this.children.get(spec.name)?.pid, restarts: () => this.restartCount.get(spec.name) ?? 0 };
    });
  }

  private prefix(spec: ProgramSpec, index: number): string {
    const label = spec.name.padEnd(this.width);
    return this.options.color ? `\x1b[${COLORS[index % COLORS.length]}m${label} |\x1b[0m` : `${label} |`;
  }

  private launch(spec: ProgramSpec, index: number, nextDelayMs: number): void {
    // Own process group: a terminal's Ctrl-C reaches only the supervisor, which stops services in order. In the
    // shared group every service would get the signal twice (terminal, then supervisor) and skip its drain.
    const child = spawn(spec.command, spec.args, {
      env: { ...spec.env, [EXIT_WITH_PARENT_ENV]: '1' },
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    child.stdin?.on('error', () => {}); // a child that exits closes its end first
    this.children.set(spec.name, child);
    const startedAt = Date.now();
    const prefix = this.prefix(spec, index);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.write(`${prefix} ${line}`));
    }
    this.options.onStart?.({ spec, pid: () => child.pid, restarts: () => this.restartCount.get(spec.name) ?? 0 });
    child.on('exit', (code, signal) => {
      if (this.children.get(spec.name) === child) this.children.delete(spec.name);
      if (this.stopping) return;
      if (code === EXIT_CONFIG) {
        this.write(`${prefix} exited with a configuration error; not restarting`);
        this.options.onFatal?.(spec.name, code);
        return;
      }
      const delay = Date.now() - startedAt > 60_000 ? 1000 : nextDelayMs;
      this.restartCount.set(spec.name, (this.restartCount.get(spec.name) ?? 0) + 1);
      this.write(`${prefix} exited (${signal ?? `code ${code}`}); restarting in ${delay} ms`);
      setTimeout(() => !this.stopping && this.launch(spec, index, Math.min(delay * 2, 30_000)), delay).unref();
    });
  }

  /**
   * SIGTERM in stop order (the bridge stops accepting first), waiting for each level to exit; a level that
   * outlives its grace is SIGKILLed, so the whole stop is bounded by levels × grace.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    const grace = this.options.stopGraceMs ?? 30_000;
    const order = [...new Set(this.specs.map((s) => s.stopOrder ?? 0))].sort((a, b) => a - b);
    for (const level of order) {
      const names = this.specs.filter((s) => (s.stopOrder ?? 0) === level).map((s) => s.name);
      await Promise.all(names.map((name) => this.stopOne(name, grace)));
    }
  }

  /** SIGKILL of everything still running (a second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    for (const child of this.children.values()) child.kill('SIGKILL');
  }

  private stopOne(name: string, graceMs: number): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      const kill = setTimeout(() => {
        this.write(`${name} did not stop within ${graceMs} ms; killing it`);
        child.kill('SIGKILL');
      }, graceMs);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
}
