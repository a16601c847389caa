import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** `java`, from JAVA_HOME when set. */
function javaBinary(): string {
  return process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** setpriv (util-linux) makes the kernel SIGKILL the JVM when its parent dies, so no broker outlives us. */
const PDEATHSIG = spawnSync('setpriv', ['--version'], { stdio: 'ignore' }).status === 0 ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];

export interface JvmOptions {
  classpath: string;
  heapMb: number;
  /** slf4j-simple writes here (warnings and errors only). */
  logFile: string;
}

function jvmArgs(opts: JvmOptions): string[] {
  return [
    `-Xmx${opts.heapMb}m`,
    '-Xms64m',
    // Serial GC: a small heap on a 2-core machine; no GC threads competing with the services.
    '-XX:+UseSerialGC',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    `-Dorg.slf4j.simpleLogger.logFile=${opts.logFile}`,
    '-Dorg.slf4j.simpleLogger.showDateTime=true',
    '-cp',
    opts.classpath,
  ];
}

/** The last `bytes` of a file, for error messages. */
function tail(file: string, bytes = 3000): string {
  if (!existsSync(file)) return '';
  const size = statSync(file).size;
  const text = readFileSync(file, 'utf8');
  return size > bytes ? text.slice(-bytes) : text;
}

/** Runs a Java main to completion (the storage tool); rejects with its output when it fails. */
export function runJava(opts: JvmOptions, main: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(javaBinary(), [...jvmArgs(opts), main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', (error) => reject(new Error(`cannot run ${javaBinary()} (${error.message}): run npm run setup`)));
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${main} ${args.join(' ')} failed (exit ${code}):\n${output.trim()}\n${tail(opts.logFile)}`)),
    );
  });
}

/** One broker JVM: its own process group (a terminal's Ctrl-C does not reach it), killed if we die. */
export class BrokerProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = '';

  constructor(
    private readonly jvm: JvmOptions,
    private readonly propertiesFile: string,
  ) {}

  get pid(): number | undefined {
    return this.running ? this.child?.pid : undefined;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    if (this.running) return;
    const out = openSync(this.jvm.logFile, 'a');
    const [command, ...prefix] = [...PDEATHSIG, javaBinary()];
    const child = spawn(command!, [...prefix, ...jvmArgs(this.jvm), 'kafka.Kafka', this.propertiesFile], {
      detached: true,
      stdio: ['ignore', out, 'pipe'],
    });
    closeSync(out);
    this.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-4000)));
    child.once('error', (error) => (this.stderr += `\ncannot run ${javaBinary()}: ${error.message}`));
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    this.child = child;
  }

  /** Why it stopped, for errors: its stderr and the end of its log. */
  diagnostics(): string {
    const code = this.child?.exitCode ?? this.child?.signalCode;
    return [`exit ${code ?? 'running'}`, this.stderr.trim(), tail(this.jvm.logFile).trim()].filter(Boolean).join('\n');
  }

  /** Resolves once the process has exited (or at once when it is not running). */
  whenExited(): Promise<void> {
    return this.exited;
  }

  /** `signal` (SIGTERM: controlled shutdown), then SIGKILL after `graceMs`; resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    child.kill(signal);
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(killer);
  }

  /** Freezes or thaws the JVM (a broker that accepts connections but never answers). */
  signal(signal: 'SIGSTOP' | 'SIGCONT'): void {
    if (this.running) this.child?.kill(signal);
  }
}
