import type { Message } from 'kafkajs';
import type { TopicMessages } from './outbox.ts';

/** Sends one producer request for all the given messages; resolves once every one is acknowledged. */
export type SendFn = (batches: TopicMessages[]) => Promise<void>;

export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
}
export class PublishClosedError extends Error {
  override readonly name = 'PublishClosedError';
}

export interface PublishQueueOptions {
  /** Most record bytes (keys + values) in one send; bigger publishes are split, smaller ones coalesced. */
  maxSendBytes: number;
  /** Wait this long before a send for more publishes to coalesce with (0 = only those already queued). */
  lingerMs: number;
  /** Called after each send with its size and outcome (for metrics). */
  onSend?: (info: { records: number; bytes: number; seconds: number; ok: boolean }) => void;
}

export interface PublishOptions {
  /** Give up waiting after this long (the records may still be delivered later: at-least-once). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * Called once none of this publish's records is held any more (all acknowledged, failed, or withdrawn), which
   * may be after the publish promise rejected on timeout: the caller keeps their memory accounted until then.
   */
  onSettled?: () => void;
}

interface Part {
  batches: TopicMessages[];
  bytes: number;
  records: number;
  state: 'queued' | 'sending' | 'done';
  settle: (error?: unknown) => void;
  /** Called exactly once, when the part is acknowledged, failed or withdrawn. */
  release: () => void;
}

const messageBytes = (m: Message): number => byteLength(m.key) + byteLength(m.value) + 64; // 64: record overhead, headers are small

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/**
 * Serialises producer sends and coalesces concurrent publishes into them: while one send waits for acks, the
 * next publishes queue up and go out together in the following send (group commit). One send at a time keeps
 * the idempotent producer's sequence numbers simple and orders records as they were published; the byte cap
 * keeps each per-partition batch below the broker's message.max.bytes.
 *
 * A publish that times out while its records are still queued withdraws them (nothing is sent); records already
 * handed to the producer cannot be withdrawn and may still be delivered.
 */
export class PublishQueue {
  private readonly queue: Part[] = [];
  private draining: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly send: SendFn,
    private readonly options: PublishQueueOptions,
  ) {}

  /** Records waiting to be sent (not yet handed to the producer). */
  get queuedRecords(): number {
    return this.queue.reduce((sum, part) => sum + part.records, 0);
  }

  publish(batches: TopicMessages[], { timeoutMs, signal, onSettled }: PublishOptions = {}): Promise<void> {
    if (this.closed) {
      onSettled?.();
      return Promise.reject(new PublishClosedError('publisher is shutting down'));
    }
    const parts = this.split(batches);
    if (parts.length === 0) {
      onSettled?.();
      return Promise.resolve();
    }
    let unsettled = parts.length;
    const partSettled = (): void => {
      if (--unsettled === 0) onSettled?.();
    };
    return new Promise<void>((resolve, reject) => {
      let pending = parts.length;
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const done = (error?: unknown): void => {
        if (finished) return;
        finished = true;
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error === undefined) return resolve();
        this.withdraw(parts);
        reject(error);
      };
      const onAbort = (): void => done(new PublishTimeoutError('publish aborted'));
      for (const part of parts) {
        part.release = partSettled;
        part.settle = (error) => {
          if (error !== undefined) return done(error);
          if (--pending === 0) done();
        };
      }
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => done(new PublishTimeoutError(`broker did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
      }
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(...parts);
      this.scheduleDrain();
    });
  }

  /** Resolves once nothing is queued or being sent. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Refuses new publishes and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private split(batches: TopicMessages[]): Part[] {
    const parts: Part[] = [];
    let current: Part | undefined;
    for (const { topic, messages } of batches) {
      for (const message of messages) {
        const bytes = messageBytes(message);
        if (!current || (current.bytes + bytes > this.options.maxSendBytes && current.records > 0)) {
          current = { batches: [], bytes: 0, records: 0, state: 'queued', settle: () => {}, release: () => {} };
          parts.push(current);
        }
        let batch = current.batches.find((b) => b.topic === topic);
        if (!batch) current.batches.push((batch = { topic, messages: [] }));
        batch.messages.push(message);
        current.bytes += bytes;
        current.records++;
      }
    }
    return parts;
  }

  private withdraw(parts: Part[]): void {
    for (const part of parts) {
      if (part.state !== 'queued') continue;
      part.state = 'done';
      const at = this.queue.indexOf(part);
      if (at !== -1) this.queue.splice(at, 1);
      part.release();
    }
  }

  private scheduleDrain(): void {
    this.draining ??= this.drain();
  }

  private async drain(): Promise<void> {
    try {
      // Let publishes made in the same turn of the event loop (or within the linger) join the first send.
      await new Promise<void>((resolve) => (this.options.lingerMs > 0 ? setTimeout(resolve, this.options.lingerMs) : setImmediate(resolve)));
      await this.sendAll();
    } finally {
      // Synchronously after the last queue check: a publish arriving later starts a new drain.
      this.draining = undefined;
    }
  }

  private async sendAll(): Promise<void> {
    while (this.queue.length > 0) {
      const parts = this.takeSendable();
      const merged = new Map<string, Message[]>();
      let bytes = 0;
      let records = 0;
      for (const part of parts) {
        part.state = 'sending';
        bytes += part.bytes;
        records += part.records;
        for (const { topic, messages } of part.batches) {
          const list = merged.get(topic);
          if (list) list.push(...messages);
          else merged.set(topic, [...messages]);
        }
      }
      const started = performance.now();
      let failure: unknown;
      try {
        await this.send([...merged].map(([topic, messages]) => ({ topic, messages })));
      } catch (error) {
        failure = error ?? new Error('send failed');
      }
      try {
        this.options.onSend?.({ records, bytes, seconds: (performance.now() - started) / 1000, ok: failure === undefined });
      } catch {
        // metrics must never break publishing
      }
      for (const part of parts) {
        part.state = 'done';
        part.settle(failure);
        part.release();
      }
    }
  }

  private takeSendable(): Part[] {
    const taken: Part[] = [];
    let bytes = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Part;
      if (taken.length > 0 && bytes + next.bytes > this.options.maxSendBytes) break;
      taken.push(next);
      bytes += next.bytes;
      this.queue.shift();
    }
    return taken;
  }
}
