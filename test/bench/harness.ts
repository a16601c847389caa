// What every benchmark entry shares: numeric settings from the environment, and "run when executed directly,
// print one JSON summary line, exit 1 on failure" (test/bench/run.ts collects those lines).

export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export const isMain = (moduleUrl: string): boolean => moduleUrl === `file://${process.argv[1]}`;

export function printSummary(run: Promise<unknown>): void {
  run
    .then((summary) => console.log(typeof summary === 'string' || typeof summary === 'number' ? summary : JSON.stringify(summary)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
