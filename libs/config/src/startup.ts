import { ConfigError } from './errors.ts';

/** Exit code for a configuration error (sysexits EX_CONFIG). */
const EXIT_CONFIG = 78;

/**
 * Runs a service's main. A configuration error prints one line and exits 78 (a supervisor should not restart
 * it in a loop); any other start-up failure prints its message and exits 1.
 */
export function runService(service: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${service}: ${error.message}\n`);
      process.exit(EXIT_CONFIG);
    }
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`${service}: failed to start: ${message}\n`);
    process.exit(1);
  });
}
