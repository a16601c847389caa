import { watchParent } from '@ckt/observability';

/** Runs `stop` once on SIGINT/SIGTERM or when the parent dies, then exits 0 (1 if stopping failed). */
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
  watchParent(handler);
}
