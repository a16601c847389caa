import type { BridgeTotals } from './bridge-report.ts';
import type { CliOptions } from './cli.ts';
import type { FaultRates } from './faults.ts';
import type { GeneratedRecord, RecordKind } from './generator.ts';
import { OutcomeAccumulator, type ExpectedOutcome } from './outcome.ts';
import { FAULT_KINDS } from './faults.ts';
import { runNamespace } from './world/ids.ts';

/** The one JSON document printed on stdout at the end of a run. */
export interface RunSummary {
  mode: CliOptions['mode'];
  seed: string;
  /** Namespace of this seed's ids (`evt_<runId>_...`, `chk_<runId>_...`). */
  runId: string;
  /** False when the run stopped early (signal) or records were not accepted. */
  complete: boolean;
  requested: { total: number; rate: number; faults: FaultRates; eventSizeLimit: number; startTime: string | number };
  /** Records counted below: delivered with a 2xx (push), served at least once (serve), written (file). */
  sent: { total: number; byKind: Record<RecordKind, number>; byEventName: Record<string, number> };
  push?: {
    url: string;
    batches: number;
    requests: number;
    retries: number;
    statuses: Record<string, number>;
    /** Records in requests that were finally not accepted: excluded from `sent` and `expected`. */
    undelivered: number;
    undeliveredByKind: Record<RecordKind, number>;
    /** Records in requests answered with a retryable failure (503/429/5xx) and sent again. The bridge may
     * have dead-lettered their invalid events on the first try too: dead-letter counts are exact only when 0. */
    retriedRecords: number;
    /** Sums of the bridge's 202 answers ({accepted, rejected, errors[].reason}); null fields when it did not say. */
    bridgeReported: BridgeTotals;
    lastError?: string;
  };
  serve?: { url: string; servedUpTo: number };
  file?: { path: string; bytes: number };
  elapsedMs: number;
  /** expectedOutcome() of exactly the records counted in `sent`. */
  expected: ExpectedOutcome;
}

export function zeroByKind(): Record<RecordKind, number> {
  return { valid: 0, ...Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) } as Record<RecordKind, number>;
}

/** Collects what was sent and its expected outcome. */
export class SentLedger {
  readonly byKind = zeroByKind();
  readonly byEventName: Record<string, number> = {};
  total = 0;
  private readonly outcome: OutcomeAccumulator;

  constructor(eventSizeLimit: number) {
    this.outcome = new OutcomeAccumulator({ eventSizeLimit });
  }

  add(records: readonly GeneratedRecord[]): void {
    for (const record of records) {
      this.total++;
      this.byKind[record.kind]++;
      if (record.kind === 'valid' && record.eventName !== null) {
        this.byEventName[record.eventName] = (this.byEventName[record.eventName] ?? 0) + 1;
      }
      this.outcome.add(record);
    }
  }

  summary(options: CliOptions, extra: Pick<RunSummary, 'complete' | 'elapsedMs' | 'push' | 'serve' | 'file'>): RunSummary {
    return {
      mode: options.mode,
      seed: options.seed,
      runId: runNamespace(options.seed).runId,
      complete: extra.complete,
      requested: {
        total: options.total,
        rate: options.rate,
        faults: options.faults,
        eventSizeLimit: options.eventSizeLimit,
        startTime: options.startTime,
      },
      sent: { total: this.total, byKind: { ...this.byKind }, byEventName: sortedKeys(this.byEventName) },
      ...(extra.push ? { push: extra.push } : {}),
      ...(extra.serve ? { serve: extra.serve } : {}),
      ...(extra.file ? { file: extra.file } : {}),
      elapsedMs: extra.elapsedMs,
      expected: this.outcome.result(),
    };
  }
}

function sortedKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
