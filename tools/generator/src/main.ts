import { watchParent } from '@ckt/observability';
import { parseCliArgs, USAGE } from './cli.ts';
import { runGenerator } from './run.ts';

/** CLI entry: `npm run generate -- --help`. SIGINT/SIGTERM end the run early with a summary of what was sent. */
const EXIT_USAGE = 64;

const parsed = parseCliArgs(process.argv.slice(2));
if (parsed.kind === 'help') {
  process.stdout.write(`${USAGE}\n`);
} else if (parsed.kind === 'error') {
  process.stderr.write(`generator: ${parsed.message}\n\n${USAGE}\n`);
  process.exitCode = EXIT_USAGE;
} else {
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  watchParent(() => controller.abort());
  const summary = await runGenerator(parsed.options, {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  });
  process.exitCode = summary.push && summary.push.undelivered > 0 ? 1 : 0;
}
