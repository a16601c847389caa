import { EXIT_WITH_PARENT_ENV } from './process.ts';

/** Runs `stop` once on SIGINT/SIGTERM, then exits 0 (1 if stopping failed). */
export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) return;
    stopping = true;
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}

/** When spawned by spawnReady, exit as soon as the parent goes away (its end of stdin closes). */
export function exitWithParent(): void {
  if (process.env[EXIT_WITH_PARENT_ENV] !== '1') return;
  process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
  process.stdin.resume();
}
