import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Logger } from '@ckt/logging';
import { backoffDelay, DEFAULT_BACKOFF, retry, RetryStoppedError, sleep, type BackoffOptions } from '@ckt/resilience';
import { createConsumerMetrics, type ConsumerMetrics } from './consumer-metrics.ts';
import { createIncarnationGuard, type IncarnationGuard, type TopicRecreatedError } from './incarnation-guard.ts';
import { topicIdsOf } from './topic-ids.ts';

/**
 * Longest a shutdown waits for the consumer to stop (the batch in flight, the commit, leaving the group): without
 * a broker none of that can finish, and what is not committed is read again by the next owner.
 */
export const CONSUMER_STOP_TIMEOUT_MS = 5000;

/** Exit code of a service that stopped because a topic was re-created (EX_TEMPFAIL: start it again). */
const EXIT_TOPIC_RECREATED = 75;

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  highWatermark: string;
}

export interface BatchContext {
  /** Call during long work so the group does not evict this member. */
  heartbeat(): Promise<void>;
  /** Aborted when the runner stops: finish quickly or throw; an unfinished batch is not committed. */
  signal: AbortSignal;
}

/** Handles one fetched batch. Throwing means "not done": the same batch is retried after a backoff. */
export type BatchHandler = (batch: ConsumedBatch, ctx: BatchContext) => Promise<void>;

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** The next offset to read (last handled + 1), as Kafka commits it. */
  offset: string;
}

export interface ConsumerRunnerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handle: BatchHandler;
  logger: Logger;
  registry?: Registry;
  /**
   * `after-batch`: commit as soon as the handler returns. `manual`: the handler only hands records on (e.g. to a
   * micro-batch buffer) and the service calls `commit` once their work is durable.
   */
  commitMode?: 'after-batch' | 'manual';
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /**
   * How long the broker holds a fetch that has no data yet (default 1000). It bounds how long stop() waits for
   * the in-flight fetch, and how soon a resumed partition is fetched again while the others are idle or paused.
   */
  maxWaitTimeInMs?: number;
  backoff?: BackoffOptions;
  /** Called when the group assignment changes (kafkajs has no revoke callback). */
  onAssignment?: (assigned: { topic: string; partition: number }[]) => void;
  /** Not ready once no fetch or heartbeat completed for this long (default 15 s). */
  readinessTimeoutMs?: number;
  /** How often the topics' ids are checked besides before each commit (default 10 s; 0 = only before commits). */
  topicCheckMs?: number;
  /**
   * A consumed topic was deleted and created again. Default: log it and exit with EXIT_TOPIC_RECREATED, so the
   * supervisor starts the service again and it reads the new topic from its committed offsets (none: the start).
   */
  onTopicRecreated?: (error: TopicRecreatedError) => void;
}

export interface ConsumerRunner {
  readonly consumer: Consumer;
  start(): Promise<void>;
  /** Stops fetching, lets the in-flight batch finish or abandons it uncommitted, commits, leaves the group. */
  stop(): Promise<void>;
  commit(offsets: TopicPartitionOffset[]): Promise<void>;
  pause(topic: string, partition: number): void;
  resume(topic: string, partition: number): void;
  /** Joined the group with at least one partition, and fetched or heartbeated lately (readinessTimeoutMs). */
  isReady(): boolean;
}

const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();

export function createConsumerRunner(options: ConsumerRunnerOptions): ConsumerRunner {
  return new BatchConsumerRunner(options);
}

/** The runner; its public members are arrow functions, so they can be handed around unbound. */
class BatchConsumerRunner implements ConsumerRunner {
  readonly consumer: Consumer;
  private readonly commitMode: 'after-batch' | 'manual';
  private readonly backoff: BackoffOptions;
  private readonly metrics: ConsumerMetrics | undefined;
  private readonly stopping = new AbortController();
  private readonly incarnations: IncarnationGuard;
  private readonly activityTimeoutMs: number;
  private joined = false;
  private assignedPartitions = 0;
  /** Last fetch or heartbeat that completed: a consumer whose broker is gone stops seeing either. */
  private lastActivityAt = 0;
  /** Restarts since the consumer last joined its group (for their backoff). */
  private crashRestarts = 0;

  constructor(private readonly o: ConsumerRunnerOptions) {
    const { kafka, groupId, topics, logger } = o;
    this.commitMode = o.commitMode ?? 'after-batch';
    this.backoff = o.backoff ?? DEFAULT_BACKOFF;
    this.metrics = o.registry ? createConsumerMetrics(o.registry) : undefined;
    const sessionTimeout = o.sessionTimeoutMs ?? 30_000;
    this.consumer = kafka.consumer({
      groupId,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      maxBytesPerPartition: o.maxBytesPerPartition ?? 4 * 1024 * 1024,
      maxWaitTimeInMs: o.maxWaitTimeInMs ?? 1000,
      allowAutoTopicCreation: false,
    });
    this.activityTimeoutMs = o.readinessTimeoutMs ?? Math.max(15_000, 3 * (o.maxWaitTimeInMs ?? 1000));
    this.incarnations = createIncarnationGuard({
      fetchIds: (names) => topicIdsOf(kafka, names),
      topics,
      logger,
      checkMs: o.topicCheckMs ?? 10_000,
      onRecreated:
        o.onTopicRecreated ??
        ((error) => {
          logger.fatal({ groupId, topic: error.topic }, `${error.message}; exiting so that the consumer starts over on the new topic`);
          process.exit(EXIT_TOPIC_RECREATED);
        }),
    });
    this.watchGroup();
  }

  start = async (): Promise<void> => {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.o.topics, fromBeginning: this.o.fromBeginning ?? true });
    await this.run();
  };

  stop = async (): Promise<void> => {
    this.stopping.abort();
    this.incarnations.stop();
    this.joined = false;
    await this.consumer.stop();
    await this.consumer.disconnect();
  };

  commit = async (offsets: TopicPartitionOffset[]): Promise<void> => {
    if (offsets.length === 0) return;
    await this.incarnations.verify([...new Set(offsets.map((o) => o.topic))]);
    await this.consumer.commitOffsets(offsets);
    for (const o of offsets) this.metrics?.commits.inc({ topic: o.topic });
  };

  pause = (topic: string, partition: number): void => this.whenRunning('pause', () => this.consumer.pause([{ topic, partitions: [partition] }]));

  resume = (topic: string, partition: number): void => this.whenRunning('resume', () => this.consumer.resume([{ topic, partitions: [partition] }]));

  isReady = (): boolean =>
    this.joined && !this.stopping.signal.aborted && this.assignedPartitions > 0 && Date.now() - this.lastActivityAt < this.activityTimeoutMs;

  private run(): Promise<void> {
    return this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.o.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /**
   * kafkajs restarts a crashed consumer only after errors it calls retriable; "Failed to find group coordinator"
   * while the broker is away is not one of them, and would leave the service running but consuming nothing. So
   * the runner restarts it (with backoff) until it joins again or the runner stops.
   */
  private async restartAfterCrash(crashes: number): Promise<void> {
    const { groupId, logger } = this.o;
    const delayMs = backoffDelay(crashes, this.backoff);
    logger.warn({ groupId, crashes, retryInMs: delayMs }, 'kafkajs gave up on the consumer; restarting it');
    await sleep(delayMs, this.stopping.signal);
    // A join that fails crashes again, and the crash handler comes back here; stop or connect failing is retried.
    await retry(
      async () => {
        await this.consumer.stop();
        await this.consumer.connect();
        await this.run();
      },
      {
        backoff: this.backoff,
        signal: this.stopping.signal,
        onRetry: ({ error, attempt }) => logger.warn({ groupId, attempt, err: error }, 'restarting the consumer failed, retrying'),
      },
    ).catch(() => {}); // stopped meanwhile
  }

  private watchGroup(): void {
    const { consumer } = this;
    const { groupId, logger } = this.o;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.joined = true;
      this.crashRestarts = 0;
      const assigned = Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })));
      logger.info({ groupId, assigned: assigned.length }, 'joined consumer group');
      this.assignedPartitions = assigned.length;
      this.lastActivityAt = Date.now();
      this.incarnations.refresh();
      this.o.onAssignment?.(assigned);
    });
    for (const event of [consumer.events.FETCH, consumer.events.HEARTBEAT]) consumer.on(event, () => (this.lastActivityAt = Date.now()));
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.joined = false;
      logger.error({ groupId, err: payload.error, restart: payload.restart }, 'consumer crashed');
      if (!payload.restart && !this.stopping.signal.aborted) void this.restartAfterCrash(++this.crashRestarts);
    });
  }

  /**
   * kafkajs refuses pause/resume while it is not running (before run(), after stop(), and while it restarts a
   * crashed consumer: "Consumer group was not initialized"). Nothing is fetched then anyway, and a restarted
   * consumer starts unpaused from the committed offsets, so the call is dropped rather than thrown at the caller.
   */
  private whenRunning(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.o.logger.debug({ err: error, what }, 'consumer not running; call skipped');
    }
  }

  private async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { topic, partition, messages } = batch;
    const last = messages.at(-1);
    if (!last) return;
    const { metrics, stopping } = this;
    const timer = metrics?.batchSeconds.startTimer({ topic });
    metrics?.batchSize.observe({ topic }, messages.length);
    try {
      await retry(
        async () => {
          // A stopping runner or a rebalance abandons the batch: nothing resolved, nothing committed, so it is
          // read again by whoever owns the partition next.
          if (stopping.signal.aborted || !isRunning() || isStale()) throw new BatchAbandoned();
          await this.o.handle({ topic, partition, messages, highWatermark: batch.highWatermark }, { heartbeat, signal: stopping.signal });
        },
        {
          backoff: this.backoff,
          signal: stopping.signal,
          retryable: (error) => !(error instanceof BatchAbandoned),
          onRetry: ({ error, attempt, delayMs }) => {
            metrics?.retries.inc({ topic });
            this.o.logger.warn({ topic, partition, firstOffset: messages[0]?.offset, attempt, retryInMs: delayMs, err: error }, 'batch failed, will retry');
          },
          wait: (ms, signal) => sleepWithHeartbeats(ms, heartbeat, signal),
        },
      );
    } catch (error) {
      if (error instanceof BatchAbandoned || error instanceof RetryStoppedError) return;
      throw error;
    }
    resolveOffset(last.offset);
    if (this.commitMode === 'after-batch') await this.commit([{ topic, partition, offset: nextOffset(last.offset) }]);
    metrics?.messages.inc({ topic }, messages.length);
    timer?.();
    await heartbeat();
  }
}

/** Waits out a backoff without missing heartbeats (the session timeout may be shorter than the backoff). */
async function sleepWithHeartbeats(ms: number, heartbeat: () => Promise<void>, signal?: AbortSignal): Promise<void> {
  const slice = 1000;
  for (let left = ms; left > 0 && !signal?.aborted; left -= slice) {
    await sleep(Math.min(slice, left), signal);
    await heartbeat().catch(() => undefined);
  }
}

/** The batch is no longer this member's to handle (stopping, or the group rebalanced). */
class BatchAbandoned extends Error {}
