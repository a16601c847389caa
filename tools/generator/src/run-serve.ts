import { generatorOptionsOf, type CliOptions } from './cli.ts';
import { generateRecords } from './generator.ts';
import { ProgressTracker, startProgressPrinter } from './progress.ts';
import { startPullServer } from './pull-server.ts';
import { createScheduledSource } from './record-store.ts';
import type { RunIo } from './run-io.ts';
import { createSchedule } from './schedule.ts';
import { SentLedger, type RunSummary } from './summary.ts';

/**
 * Serve mode: the pull API for the bridge. Records are released at the rate; the summary (expectations of
 * every record served at least once) is emitted once all were served, or at shutdown if that never happened.
 * With exitWhenServed the run ends when a client asks past the end (it has everything).
 */
export async function runServe(options: CliOptions, io: RunIo, emitSummary: (summary: RunSummary) => void): Promise<void> {
  const startedAt = Date.now();
  const source = createScheduledSource({
    records: generateRecords(generatorOptionsOf(options)),
    schedule: createSchedule(options.rate, options.total),
    startMs: startedAt,
  });
  const ledger = new SentLedger(options.eventSizeLimit);
  const tracker = new ProgressTracker(options.total, startedAt, 'served');
  let noted = 0;
  let emitted = false;
  let caughtUp: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    caughtUp = resolve;
  });
  const summarise = (complete: boolean): RunSummary =>
    ledger.summary(options, { complete, elapsedMs: Date.now() - startedAt, serve: { url: server.url, servedUpTo: noted } });

  const server = await startPullServer({
    source,
    port: options.port,
    host: options.host,
    token: options.token,
    onServe: (from, to) => {
      for (; noted < to; noted++) {
        const record = source.get(noted);
        ledger.add([record]);
        tracker.note([record]);
      }
      if (noted === options.total && !emitted) {
        emitted = true;
        emitSummary(summarise(true));
      }
      if (from === options.total && options.exitWhenServed) caughtUp();
    },
  });
  io.onListening?.(server.url);
  io.stderr(`generator: serving ${options.total} records at ${server.url}/events (seed ${options.seed})`);
  const stopProgress = options.quiet ? () => undefined : startProgressPrinter(tracker, io.stderr);
  const aborted = new Promise<void>((resolve) => {
    if (io.signal?.aborted) resolve();
    io.signal?.addEventListener('abort', () => resolve(), { once: true });
  });
  await Promise.race([done, aborted]);
  stopProgress();
  await server.close();
  if (!emitted) emitSummary(summarise(false));
}
