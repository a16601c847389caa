interface GroupCommitOptions<T> {
  /** Wait this long after a round's first submission for more to join it (0: those of the same event-loop turn). */
  lingerMs?: number;
  /** Most total size in one write; a single item above it still goes, alone. Unbounded by default. */
  maxWriteSize?: number;
  /** An item's share of `maxWriteSize` (default 1: the cap counts items). */
  sizeOf?: (item: T) => number;
}

interface Entry<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  /** Set while the submission can still be withdrawn: it removes the abort listener. */
  detach?: () => void;
}

/**
 * Group commit: items submitted while a write is in flight (or within the linger of a round's first) go out
 * together in the next write, in submission order, and each submitter learns the outcome of the write that
 * carried its item. One write at a time: the sink records every partition's progress through one of these
 * (one insert per round instead of one per partition batch), and the producers' PublishQueue sends through
 * one (one producer request per round, which keeps the idempotent producer's sequences in order).
 */
export class GroupCommit<T> {
  private queue: Array<Entry<T>> = [];
  private running: Promise<void> | undefined;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: GroupCommitOptions<T> = {},
  ) {}

  /** Items submitted and not yet taken into a write. */
  get queued(): T[] {
    return this.queue.map((entry) => entry.item);
  }

  /**
   * Resolves once the write carrying `item` succeeded. Aborting `signal` while the item is still queued
   * withdraws it (rejecting with the signal's reason); once in a write it can no longer be withdrawn.
   */
  submit(item: T, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const entry: Entry<T> = { item, resolve, reject };
      if (signal) {
        const withdraw = (): void => {
          this.queue = this.queue.filter((queued) => queued !== entry);
          reject(signal.reason);
        };
        signal.addEventListener('abort', withdraw, { once: true });
        entry.detach = () => signal.removeEventListener('abort', withdraw);
      }
      this.queue.push(entry);
      this.running ??= this.run();
    });
  }

  /** Resolves once nothing is queued or being written. */
  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async run(): Promise<void> {
    try {
      const linger = this.options.lingerMs ?? 0;
      await new Promise<void>((resolve) => (linger > 0 ? setTimeout(resolve, linger) : setImmediate(resolve)));
      while (this.queue.length > 0) await this.writeRound(this.takeRound());
    } finally {
      // Synchronously after the last queue check: a submission arriving later starts a new run.
      this.running = undefined;
    }
  }

  private takeRound(): Array<Entry<T>> {
    const { maxWriteSize = Infinity, sizeOf = () => 1 } = this.options;
    let size = 0;
    let count = 0;
    for (const entry of this.queue) {
      const next = sizeOf(entry.item);
      if (count > 0 && size + next > maxWriteSize) break;
      size += next;
      count++;
    }
    const round = this.queue.slice(0, count);
    this.queue = this.queue.slice(count);
    for (const entry of round) entry.detach?.();
    return round;
  }

  private async writeRound(round: Array<Entry<T>>): Promise<void> {
    try {
      await this.write(round.map((entry) => entry.item));
      for (const entry of round) entry.resolve();
    } catch (error) {
      for (const entry of round) entry.reject(error ?? new Error('write failed'));
    }
  }
}
