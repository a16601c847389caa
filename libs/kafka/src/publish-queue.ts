import type { Message } from 'kafkajs';
import { GroupCommit } from '@ckt/resilience';
import type { TopicMessages } from './outbox.ts';

/** Sends one producer request for all the given messages; resolves once every one is acknowledged. */
type SendFn = (batches: TopicMessages[]) => Promise<void>;

export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
}
export class PublishClosedError extends Error {
  override readonly name = 'PublishClosedError';
}

interface PublishQueueOptions {
  /** Most record bytes (keys + values) in one send; bigger publishes are split, smaller ones coalesced. */
  maxSendBytes: number;
  /** Wait this long before a send for more publishes to coalesce with (0 = only those already queued). */
  lingerMs: number;
  /** Called after each send with its size and outcome (for metrics). */
  onSend?: (info: { records: number; bytes: number; seconds: number; ok: boolean }) => void;
}

interface PublishOptions {
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
}

const messageBytes = (m: Message): number => byteLength(m.key) + byteLength(m.value) + 64; // 64: record overhead, headers are small

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/** Splits a publish into parts of at most `maxBytes` (a single bigger record is a part of its own). */
function splitBySize(batches: TopicMessages[], maxBytes: number): Part[] {
  const parts: Part[] = [];
  let current: Part | undefined;
  for (const { topic, messages } of batches) {
    for (const message of messages) {
      const bytes = messageBytes(message);
      if (!current || (current.bytes + bytes > maxBytes && current.records > 0)) parts.push((current = { batches: [], bytes: 0, records: 0 }));
      let batch = current.batches.find((b) => b.topic === topic);
      if (!batch) current.batches.push((batch = { topic, messages: [] }));
      batch.messages.push(message);
      current.bytes += bytes;
      current.records++;
    }
  }
  return parts;
}

/** Resolves or rejects with `work`, or rejects with a PublishTimeoutError at the deadline or on abort. */
function bounded(work: Promise<unknown>, timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(new PublishTimeoutError('publish aborted'));
  if (timeoutMs === undefined && !signal) return work.then(() => undefined);
  return new Promise<void>((resolve, reject) => {
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => finish(new PublishTimeoutError(`broker did not acknowledge within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => finish(new PublishTimeoutError('publish aborted'));
    function finish(error?: unknown): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve();
      else reject(error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    work.then(() => finish(), finish);
  });
}

/**
 * Serialises producer sends and coalesces concurrent publishes into them (a group commit of the publishes'
 * parts): while one send waits for acks, the next publishes queue up and go out together in the following send.
 * One send at a time keeps the idempotent producer's sequence numbers simple and orders records as they were
 * published; the byte cap keeps each per-partition batch below the broker's message.max.bytes.
 *
 * A publish that times out or fails while parts of it are still queued withdraws them (nothing is sent); parts
 * already handed to the producer cannot be withdrawn and may still be delivered.
 */
export class PublishQueue {
  private readonly sends: GroupCommit<Part>;
  private closed = false;

  constructor(
    private readonly send: SendFn,
    private readonly options: PublishQueueOptions,
  ) {
    this.sends = new GroupCommit((parts) => this.sendParts(parts), {
      lingerMs: options.lingerMs,
      maxWriteSize: options.maxSendBytes,
      sizeOf: (part) => part.bytes,
    });
  }

  /** Records waiting to be sent (not yet handed to the producer). */
  get queuedRecords(): number {
    return this.sends.queued.reduce((sum, part) => sum + part.records, 0);
  }

  publish(batches: TopicMessages[], { timeoutMs, signal, onSettled }: PublishOptions = {}): Promise<void> {
    if (this.closed) {
      onSettled?.();
      return Promise.reject(new PublishClosedError('publisher is shutting down'));
    }
    const withdraw = new AbortController();
    const delivered = splitBySize(batches, this.options.maxSendBytes).map((part) => this.sends.submit(part, withdraw.signal));
    void Promise.allSettled(delivered).then(() => onSettled?.());
    return bounded(Promise.all(delivered), timeoutMs, signal).catch((error: unknown) => {
      withdraw.abort(error);
      throw error;
    });
  }

  /** Resolves once nothing is queued or being sent. */
  flush(): Promise<void> {
    return this.sends.flush();
  }

  /** Refuses new publishes and waits for the queued ones. */
  async close(): Promise<void> {
    this.closed = true;
    await this.flush();
  }

  private async sendParts(parts: Part[]): Promise<void> {
    const merged = new Map<string, Message[]>();
    for (const part of parts) {
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
      const records = parts.reduce((sum, part) => sum + part.records, 0);
      const bytes = parts.reduce((sum, part) => sum + part.bytes, 0);
      this.options.onSend?.({ records, bytes, seconds: (performance.now() - started) / 1000, ok: failure === undefined });
    } catch {
      // metrics must never break publishing
    }
    if (failure !== undefined) throw failure;
  }
}
