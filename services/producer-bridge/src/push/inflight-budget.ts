/**
 * Bytes held by requests that are being read or are waiting for broker acks. A request reserves its bytes as
 * they arrive; a reservation that would pass the limit is refused (the request gets 503) rather than queued,
 * so a slow or absent broker bounds memory instead of growing it.
 */
export class InflightBudget {
  private used = 0;

  constructor(
    readonly limit: number,
    private readonly onChange: (bytes: number) => void = () => {},
  ) {}

  get bytes(): number {
    return this.used;
  }

  /** Takes `bytes` if they fit; false (nothing taken) otherwise. */
  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limit) return false;
    this.used += bytes;
    this.onChange(this.used);
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
    this.onChange(this.used);
  }
}

/** One request's share of the budget; release() is idempotent. */
export class Reservation {
  private held = 0;

  constructor(private readonly budget: InflightBudget) {}

  get bytes(): number {
    return this.held;
  }

  grow(bytes: number): boolean {
    if (!this.budget.tryReserve(bytes)) return false;
    this.held += bytes;
    return true;
  }

  release(): void {
    if (this.held === 0) return;
    this.budget.release(this.held);
    this.held = 0;
  }
}
