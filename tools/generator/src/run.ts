import type { CliOptions } from './cli.ts';
import { runFile } from './run-file.ts';
import { runPush } from './run-push.ts';
import { runServe } from './run-serve.ts';
import type { RunIo } from './run-io.ts';
import type { RunSummary } from './summary.ts';

/** Runs one generator session as the CLI does and returns its summary (also written once to io.stdout). */
export async function runGenerator(options: CliOptions, io: RunIo): Promise<RunSummary> {
  let result: RunSummary | undefined;
  const emit = (summary: RunSummary): void => {
    result = summary;
    io.stdout(JSON.stringify(summary, null, 2));
  };
  if (options.mode === 'push') emit(await runPush(options, io));
  else if (options.mode === 'file') emit(await runFile(options, io));
  else await runServe(options, io, emit);
  return result as RunSummary;
}
