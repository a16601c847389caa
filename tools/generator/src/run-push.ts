import { encodeBatch, planBatch } from './batching.ts';
import { generatorOptionsOf, type CliOptions } from './cli.ts';
import { generateRecords, type GeneratedRecord } from './generator.ts';
import { createHttpSender } from './http-sender.ts';
import { ProgressTracker, startProgressPrinter } from './progress.ts';
import type { RunIo } from './run-io.ts';
import { createSchedule } from './schedule.ts';
import { BridgeReport } from './bridge-report.ts';
import { sleep } from '@ckt/resilience';
import { SentLedger, zeroByKind, type RunSummary } from './summary.ts';

/** A partly filled batch waits at most this long for more records (fewer, fuller requests at low rates). */
const LINGER_MS = 100;

/** Push mode: paced batches to POST {url}/v1/events; expectations cover the records the bridge accepted (2xx). */
export async function runPush(options: CliOptions, io: RunIo): Promise<RunSummary> {
  const startedAt = Date.now();
  const schedule = createSchedule(options.rate, options.total);
  const records = generateRecords(generatorOptionsOf(options));
  const ledger = new SentLedger(options.eventSizeLimit);
  const tracker = new ProgressTracker(options.total, startedAt);
  const stopProgress = options.quiet ? () => undefined : startProgressPrinter(tracker, io.stderr);
  const sender = createHttpSender({
    url: options.url,
    token: options.token,
    maxRetries: options.maxRetries,
    signal: io.signal,
    fetchImpl: io.fetchImpl,
    onRetry: () => tracker.retries++,
  });
  const undeliveredByKind = zeroByKind();
  let undelivered = 0;
  let lastError: string | undefined;
  let batches = 0;
  let retriedRecords = 0;
  const bridgeReport = new BridgeReport();
  let produced = 0;
  let lastSendAt = startedAt;
  const pending: GeneratedRecord[] = [];
  const limits = { maxRecords: options.batch, maxBodyBytes: options.maxBodyBytes };

  try {
    while (!io.signal?.aborted) {
      const elapsed = Date.now() - startedAt;
      // Generate only what is due, and never more than a few batches ahead (rate 0 = everything is due).
      for (const due = schedule.due(elapsed); produced < due && pending.length < options.batch * 4; produced++) {
        pending.push(records.next().value as GeneratedRecord);
      }
      const finished = produced === options.total;
      if (pending.length === 0) {
        if (finished) break;
        await sleep(schedule.msUntil(produced + 1) - elapsed, io.signal);
        continue;
      }
      const { size, framing } = planBatch(pending, limits, finished, options.format, batches);
      const sinceLastSend = Date.now() - lastSendAt;
      const lingering = !finished && pending.length < options.batch && sinceLastSend < LINGER_MS;
      if (size === 0 || lingering) {
        const nextDue = schedule.msUntil(produced + 1) - elapsed;
        await sleep(Math.max(1, size === 0 ? nextDue : Math.min(nextDue, LINGER_MS - sinceLastSend)), io.signal);
        continue;
      }
      const batch = pending.splice(0, size);
      lastSendAt = Date.now();
      batches++;
      const outcome = await sender.send(encodeBatch(batch, framing));
      if (outcome.retriedAfterAnswer > 0) retriedRecords += batch.length;
      if (outcome.delivered) {
        ledger.add(batch);
        tracker.note(batch);
        bridgeReport.add(outcome.responseBody);
      } else {
        undelivered += batch.length;
        for (const record of batch) undeliveredByKind[record.kind]++;
        lastError = `status ${outcome.status ?? 'none'}: ${outcome.error ?? ''}`.slice(0, 500);
        if (outcome.error !== 'aborted') io.stderr(`generator: a request of ${batch.length} records was not accepted (${lastError})`);
      }
    }
  } finally {
    stopProgress();
  }
  if (!options.quiet) io.stderr(tracker.line(Date.now()));
  return ledger.summary(options, {
    complete: !io.signal?.aborted && undelivered === 0 && ledger.total === options.total,
    elapsedMs: Date.now() - startedAt,
    push: {
      url: options.url,
      batches,
      requests: sender.stats.requests,
      retries: sender.stats.retries,
      statuses: { ...sender.stats.statuses },
      undelivered,
      undeliveredByKind,
      retriedRecords,
      bridgeReported: bridgeReport.totals(),
      ...(lastError === undefined ? {} : { lastError }),
    },
  });
}
