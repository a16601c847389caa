import { CONSUMER_STOP_TIMEOUT_MS, createConsumerRunner, type BatchHandler, type ConsumerRunner, type ConsumerRunnerOptions, type TopicPartitionOffset } from '@ckt/kafka';
import type { Logger } from '@ckt/logging';
import type { ShutdownStep } from '@ckt/observability';
import { within, type BackoffOptions } from '@ckt/resilience';
import { PartitionWriter } from './partition-writer.ts';
import type { OffsetItem, SinkObserver, SinkStore, TopicPartition } from './store.ts';

interface SinkEngineOptions<Item extends OffsetItem> {
  store: SinkStore<Item>;
  /** Backoff of every retry of a write. */
  backoff: BackoffOptions;
  /** Estimated bytes all partitions may buffer together, in equal shares (default: unbounded). */
  maxBufferedBytes?: number;
  observer?: SinkObserver<Item>;
  logger: Logger;
  now?: () => number;
}

/** What the engine drives on the consumer. */
interface ConsumerControl {
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
}

export interface PartitionState extends TopicPartition {
  bufferedItems: number;
  /** Wall-clock ms of the oldest buffered item. */
  oldestAt: number | undefined;
}

export interface SinkEngine {
  /** The consumer's batch handler: skip what is written, prepare the rest, hand it to its partition. */
  readonly handle: BatchHandler;
  /** The consumer's assignment callback. */
  onAssignment(assigned: TopicPartition[]): void;
  /** Pauses every partition, writes and commits everything buffered; false if `timeoutMs` ran out first. */
  drain(timeoutMs: number): Promise<boolean>;
  /** Stops every retry (after drain, or on a hard stop). */
  abort(): void;
  /** False when a partition stopped on an unexpected error. */
  healthy(): boolean;
  /** True while the latest write of some partition failed and is being retried. */
  retrying(): boolean;
  partitions(): PartitionState[];
}

/** A map key for one topic partition. */
export const partitionKey = ({ topic, partition }: TopicPartition): string => `${topic}\u0000${partition}`;

/**
 * Consumes into a store through one PartitionWriter per assigned partition. A rebalance starts every partition
 * over from its committed offset, kept ones too: what they buffered is uncommitted and comes again, and another
 * member may have written meanwhile. A new writer of a partition writes only after its revoked predecessor
 * settled.
 */
export function createSinkEngine<Item extends OffsetItem>(options: SinkEngineOptions<Item>, control: ConsumerControl): SinkEngine {
  const { store, logger } = options;
  const observer = options.observer ?? {};
  const stopping = new AbortController();
  const writers = new Map<string, PartitionWriter<Item>>();
  const retiring = new Map<string, Promise<void>>();
  const maxBufferedBytes = options.maxBufferedBytes ?? Infinity;
  let heldBytes = 0;

  function writerOf(tp: TopicPartition): PartitionWriter<Item> {
    const key = partitionKey(tp);
    const existing = writers.get(key);
    if (existing) return existing;
    const { topic, partition } = tp;
    const writer = new PartitionWriter<Item>({
      tp,
      store,
      control: {
        commit: (offset) => control.commit([{ topic, partition, offset: String(offset) }]),
        pause: () => control.pause(topic, partition),
        resume: () => control.resume(topic, partition),
      },
      budget: {
        // Equal shares: a stuck partition holds at most its share, never the others'.
        share: () => maxBufferedBytes / Math.max(1, writers.size),
        changed: (delta) => {
          heldBytes += delta;
          observer.bufferedBytes?.(heldBytes);
        },
      },
      backoff: options.backoff,
      observer,
      logger,
      signal: stopping.signal,
      after: retiring.get(key),
      now: options.now,
    });
    writers.set(key, writer);
    return writer;
  }

  return {
    async handle(batch) {
      const last = batch.messages.at(-1);
      if (!last) return;
      const tp = { topic: batch.topic, partition: batch.partition };
      observer.consumed?.(tp, batch.messages.length);
      const writer = writerOf(tp);
      const first = BigInt(batch.messages[0]?.offset ?? last.offset);
      writer.fetched(first);
      const logEnd = /^\d+$/.test(batch.highWatermark) ? BigInt(batch.highWatermark) : undefined;
      writer.offsets.sawLogEnd(logEnd);
      // The handler never blocks long on the store (that would stall fetching for every partition): without a
      // watermark yet, records are prepared and the write filters them (it reads the watermark, with retries).
      if (!writer.ready) await within(writer.learnWatermark(), 1000);
      const { fresh, skipped } = writer.offsets.unhandled(batch.messages);
      if (skipped > 0) observer.skipped?.(tp, skipped);
      writer.accept(await store.prepare(tp, fresh), first, BigInt(last.offset), logEnd);
    },
    onAssignment(assigned) {
      for (const [key, writer] of writers) {
        writers.delete(key);
        retiring.set(key, writer.revoke());
      }
      store.assigned?.(assigned);
      logger.info({ partitions: assigned.length }, 'assignment changed; partitions start over from their committed offsets');
    },
    drain(timeoutMs) {
      for (const { tp } of writers.values()) control.pause(tp.topic, tp.partition);
      return within(Promise.all([...writers.values()].map((writer) => writer.drain())), timeoutMs);
    },
    abort() {
      stopping.abort();
      for (const writer of writers.values()) writer.close();
    },
    healthy: () => [...writers.values()].every((writer) => writer.healthy),
    retrying: () => [...writers.values()].some((writer) => writer.retrying),
    partitions: () => [...writers.values()].map((writer) => ({ ...writer.tp, bufferedItems: writer.bufferedItems, oldestAt: writer.oldestAt })),
  };
}

interface PartitionedSinkOptions<Item extends OffsetItem> extends SinkEngineOptions<Item> {
  /** The consumer (its commits are manual: the engine commits what the store made durable). */
  consumer: Omit<ConsumerRunnerOptions, 'handle' | 'commitMode' | 'onAssignment' | 'logger' | 'backoff'>;
  /** Longest wait at shutdown for what is buffered to be written and committed. */
  drainTimeoutMs: number;
}

export interface PartitionedSink extends Omit<SinkEngine, 'handle' | 'onAssignment' | 'drain' | 'abort'> {
  readonly runner: ConsumerRunner;
  start(): Promise<void>;
  /** Drain (bounded), stop the consumer, stop every retry: in this order. */
  readonly shutdownSteps: ShutdownStep[];
}

/** A sink engine on its own consumer group member. */
export function createPartitionedSink<Item extends OffsetItem>(options: PartitionedSinkOptions<Item>): PartitionedSink {
  const { logger } = options;
  const engine = createSinkEngine(options, {
    commit: (offsets) => runner.commit(offsets),
    pause: (topic, partition) => runner.pause(topic, partition),
    resume: (topic, partition) => runner.resume(topic, partition),
  });
  const runner = createConsumerRunner({
    ...options.consumer,
    handle: engine.handle,
    commitMode: 'manual',
    backoff: options.backoff,
    logger,
    onAssignment: engine.onAssignment,
  });
  return {
    runner,
    start: () => runner.start(),
    shutdownSteps: [
      // What is buffered is written and committed now, while the broker is still up (bounded: a store or broker
      // that is gone leaves the rest uncommitted, and the next owner reads it again).
      {
        name: 'drain',
        timeoutMs: options.drainTimeoutMs + 1000,
        run: async () => {
          if (!(await engine.drain(options.drainTimeoutMs))) {
            logger.warn({ timeoutMs: options.drainTimeoutMs }, 'drain timed out; what is not written stays uncommitted and is read again');
          }
        },
      },
      // Lets a batch in flight finish or abandons it uncommitted.
      { name: 'consumer', timeoutMs: CONSUMER_STOP_TIMEOUT_MS, run: () => runner.stop() },
      { name: 'retries', run: async () => engine.abort() },
    ],
    healthy: engine.healthy,
    retrying: engine.retrying,
    partitions: engine.partitions,
  };
}
