/**
 * Group commit: items submitted while a write is in flight (or within `lingerMs` of the first) go out together
 * in the next write, and each submitter learns the outcome of the write that carried its item. The sink
 * records every partition's progress through one of these: one insert per round instead of one per partition
 * batch (each ClickHouse insert makes a part, and parts cost CPU to write and to merge).
 */
export class GroupCommit<T> {
  private queued: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly lingerMs = 0,
  ) {}

  submit(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queued.push({ item, resolve, reject });
      if (!this.running) void this.run();
    });
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      if (this.lingerMs > 0) await new Promise((resolve) => setTimeout(resolve, this.lingerMs));
      while (this.queued.length > 0) {
        const round = this.queued;
        this.queued = [];
        try {
          await this.write(round.map((entry) => entry.item));
          for (const entry of round) entry.resolve();
        } catch (error) {
          for (const entry of round) entry.reject(error);
        }
      }
    } finally {
      this.running = false;
    }
  }
}
