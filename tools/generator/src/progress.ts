import type { GeneratedRecord, RecordKind } from './generator.ts';
import { FAULT_KINDS } from './faults.ts';

/** Counts of what went out, by kind, and a one-line progress report (never payload values). */
export class ProgressTracker {
  readonly byKind: Record<RecordKind, number> = { valid: 0, ...Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) } as Record<RecordKind, number>;
  sent = 0;
  retries = 0;
  private lastSent = 0;
  private lastAt: number;

  constructor(
    private readonly total: number,
    private readonly startedAt: number,
    private readonly verb = 'sent',
  ) {
    this.lastAt = startedAt;
  }

  note(records: readonly GeneratedRecord[]): void {
    for (const record of records) this.byKind[record.kind]++;
    this.sent += records.length;
  }

  /** `generator: sent 1200/10000 (12.0%) 998.0/s (avg 1000.0/s) | valid 1150 duplicate 20 ... | retries 0` */
  line(nowMs: number): string {
    const interval = nowMs - this.lastAt;
    const average = (this.sent * 1000) / Math.max(1, nowMs - this.startedAt);
    // A very short interval (the final line) says nothing about the rate: show the average instead.
    const rate = interval >= 250 ? ((this.sent - this.lastSent) * 1000) / interval : average;
    this.lastSent = this.sent;
    this.lastAt = nowMs;
    const percent = this.total === 0 ? 100 : (this.sent * 100) / this.total;
    const kinds = Object.entries(this.byKind)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(' ');
    return `generator: ${this.verb} ${this.sent}/${this.total} (${percent.toFixed(1)}%) ${rate.toFixed(1)}/s (avg ${average.toFixed(1)}/s) | ${kinds} | retries ${this.retries}`;
  }
}

/** Prints the tracker's line every `intervalMs` until stopped. */
export function startProgressPrinter(tracker: ProgressTracker, write: (line: string) => void, intervalMs = 1000): () => void {
  const timer = setInterval(() => write(tracker.line(Date.now())), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
