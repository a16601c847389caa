import type { Logger } from 'pino';
import { within } from '@ckt/resilience';

export type ShutdownStep = {
  name: string;
  run: () => Promise<void>;
  /** Longest wait for this step (default 10 s): a step that needs an unreachable broker must not hold the exit. */
  timeoutMs?: number;
};

const STEP_TIMEOUT_MS = 10_000;

/** Set by a supervisor that keeps our stdin open as a lifeline: when it closes, the supervisor is gone. */
export const EXIT_WITH_PARENT_ENV = 'CKT_EXIT_WITH_PARENT';

/**
 * Calls `onGone` once when the parent that spawned this process with EXIT_WITH_PARENT_ENV=1 dies (however it
 * died, SIGKILL included: the kernel closes its end of our stdin), so no service outlives its supervisor.
 */
export function watchParent(onGone: () => void): void {
  if (process.env[EXIT_WITH_PARENT_ENV] !== '1') return;
  let gone = false;
  const fire = () => {
    if (gone) return;
    gone = true;
    onGone();
  };
  process.stdin.on('end', fire);
  process.stdin.on('error', fire);
  process.stdin.on('data', () => {}); // the lifeline carries nothing; reading keeps 'end' coming
  process.stdin.resume();
  // Watching must not keep the process alive once its work is done.
  (process.stdin as { unref?: () => void }).unref?.();
}

/** Runs every step in order; a failing or overdue step is logged and the next one still runs. */
export async function runShutdownSteps(steps: readonly ShutdownStep[], logger: Logger, { logEachStep = false } = {}): Promise<void> {
  for (const step of steps) {
    const timeoutMs = step.timeoutMs ?? STEP_TIMEOUT_MS;
    let failed = false;
    const run = (async () => step.run())().catch((error: unknown) => {
      failed = true;
      logger.error({ step: step.name, err: error }, 'shutdown step failed');
    });
    if (!(await within(run, timeoutMs))) logger.warn({ step: step.name, timeoutMs }, 'shutdown step did not finish in time; going on');
    else if (logEachStep && !failed) logger.info({ step: step.name }, 'shutdown step done');
  }
}

/**
 * Runs the shutdown steps in order once, on the first SIGTERM or SIGINT (drain, commit, close) or when the
 * supervisor dies; a second signal, or steps that take longer than `timeoutMs`, forces the exit so an
 * orchestrator never hangs.
 */
export function handleShutdown(logger: Logger, steps: ShutdownStep[], { timeoutMs = 30_000 } = {}): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      const timer = setTimeout(() => {
        logger.error({ timeoutMs }, 'shutdown took too long, exiting');
        process.exit(1);
      }, timeoutMs);
      timer.unref();
      await runShutdownSteps(steps, logger, { logEachStep: true });
      clearTimeout(timer);
    })();
    return stopping;
  };
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      process.exit(1);
    }
    logger.info({ signal }, 'shutting down');
    void stop().then(() => process.exit(0));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  watchParent(() => {
    logger.warn('supervisor gone, shutting down');
    if (!stopping) onSignal('SIGTERM');
  });
  return stop;
}
