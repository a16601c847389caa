/**
 * Pacing: how many records may have been sent `elapsedMs` after the start at `rate` records per second
 * (0 = as fast as possible). The first record is due at once, the n-th (1-based) at (n - 1) / rate s.
 */
export interface Schedule {
  readonly rate: number;
  readonly total: number;
  /** Records due by `elapsedMs` (0..total). */
  due(elapsedMs: number): number;
  /** Elapsed ms at which `count` records are due (0 when count <= 1 or unlimited). */
  msUntil(count: number): number;
}

export function createSchedule(rate: number, total: number): Schedule {
  if (!Number.isFinite(rate) || rate < 0) throw new RangeError('rate must be >= 0');
  return {
    rate,
    total,
    due: (elapsedMs) => (rate === 0 ? total : Math.min(total, Math.floor((Math.max(0, elapsedMs) * rate) / 1000) + 1)),
    msUntil: (count) => (rate === 0 || count <= 1 ? 0 : Math.ceil(((count - 1) * 1000) / rate)),
  };
}
