import type { StageReason } from '@ckt/domain';
import type { IHeaders } from 'kafkajs';
import type { Logger } from '@ckt/logging';
import { retry, RetryStoppedError, sleep, type BackoffOptions, type RetryFailure } from '@ckt/resilience';
import type { BridgeMetrics } from '../metrics.ts';
import { planBatches, planEvents } from '../push/publish-plan.ts';
import { PublishClosedError, type PublishQueue } from '@ckt/kafka';
import { CheckoutApiError, type FetchPage } from './checkout-api.ts';
import { encodeCursor, type CursorRecord } from './cursor-codec.ts';
import type { EventPage } from './page.ts';

interface PullerSettings {
  sourceId: string;
  topics: { raw: string; dlq: string; cursor: string };
  pollIntervalMs: number;
  maxEventBytes: number;
  maxEventDepth: number;
  backoff?: BackoffOptions;
}

interface PullerDeps {
  fetchPage: FetchPage;
  /** Reads the last stored cursor of this source (undefined: from the beginning). */
  readCursor: () => Promise<CursorRecord | undefined>;
  queue: PublishQueue;
  metrics: BridgeMetrics;
  logger: Logger;
  deadLetterHeaders: (reason: StageReason<'bridge'>, message: string) => IHeaders;
}

export interface Puller {
  /** The stored cursor was read and polling runs. */
  isReady(): boolean;
  /** The cursor the next poll starts from. */
  readonly cursor: string | undefined;
  /** Stops polling after the current page is published and its cursor stored. */
  stop(): Promise<void>;
}

const PULL_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000 };

/**
 * Polls the checkout API and publishes each page in order, then stores the page's next cursor in the
 * compacted cursor topic, only after the broker acknowledged the page. A restart resumes at the stored cursor:
 * nothing is skipped, and only a crash between a page's publish and its cursor write repeats that page.
 * API errors and malformed pages back off and retry the same cursor; malformed events are dead-lettered.
 */
export function startPuller(settings: PullerSettings, deps: PullerDeps): Puller {
  const { logger, metrics, queue } = deps;
  const backoff = settings.backoff ?? PULL_BACKOFF;
  const stopping = new AbortController();
  const { signal } = stopping;
  let ready = false;
  let cursor: string | undefined;

  /** Retries `work` with backoff until it succeeds or the puller stops (undefined). */
  async function retrying<T>(kindOf: (error: unknown) => string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await retry(work, { backoff, signal, onRetry: (failure) => failed(kindOf(failure.error), 'pull step failed; retrying', failure) });
    } catch (error) {
      if (error instanceof RetryStoppedError) return undefined;
      throw error;
    }
  }

  function failed(kind: string, message: string, { error, attempt, delayMs }: RetryFailure): void {
    metrics.pullErrors.inc({ kind });
    logger.warn({ kind, attempt, delayMs, reason: error instanceof Error ? error.message : String(error) }, message);
  }

  /** Publishes a page, then stores its cursor; once started, finishes even when stopping (so a stop never repeats a page). */
  async function publishPage(page: EventPage, next: string): Promise<boolean> {
    const receivedAt = Date.now();
    const plan = planEvents(
      page.events.map((value) => ({ kind: 'parsed', value })),
      { maxEventBytes: settings.maxEventBytes, maxDepth: settings.maxEventDepth },
    );
    const batches = planBatches(plan, settings.topics, deps.deadLetterHeaders, receivedAt);
    const published = await untilDone('publish', () => queue.publish(batches));
    if (!published) return false;
    const stored = await untilDone('cursor', () =>
      queue.publish([{ topic: settings.topics.cursor, messages: [{ key: settings.sourceId, value: encodeCursor(settings.sourceId, next, page.events.length) }] }]),
    );
    if (!stored) return false;
    if (plan.records.length > 0) metrics.accepted.inc({ source: 'pull' }, plan.records.length);
    if (plan.maskedCount > 0) metrics.masked.inc({ source: 'pull' }, plan.maskedCount);
    for (const { reason } of plan.rejections) metrics.rejected.inc({ source: 'pull', reason });
    metrics.pullPages.inc();
    metrics.pullCursorAge.set(Date.now() / 1000);
    logger.debug({ events: page.events.length, accepted: plan.records.length, rejected: plan.rejections.length }, 'pulled page');
    return true;
  }

  /**
   * Retries a publish until it succeeds, deliberately not stopped by the stop signal (a page once started is
   * finished, so a stop never repeats it); the shutdown's closing of the queue ends it (false).
   */
  async function untilDone(kind: string, work: () => Promise<void>): Promise<boolean> {
    try {
      await retry(work, { backoff, retryable: (error) => !(error instanceof PublishClosedError), onRetry: (failure) => failed(kind, 'pull publish failed; retrying', failure) });
      return true;
    } catch (error) {
      if (error instanceof PublishClosedError) return false;
      throw error;
    }
  }

  async function run(): Promise<void> {
    const stored = await retrying(() => 'cursor', deps.readCursor);
    if (signal.aborted) return;
    cursor = stored?.cursor;
    ready = true;
    logger.info({ source: settings.sourceId, resumed: cursor !== undefined }, 'pull mode polling');
    while (!signal.aborted) {
      const page = await retrying(
        (error) => (error instanceof CheckoutApiError ? error.kind : 'api'),
        () => deps.fetchPage(cursor, signal),
      );
      if (!page) return;
      if (page.events.length === 0 || page.nextCursor === undefined) {
        metrics.pullCursorAge.set(Date.now() / 1000);
        await sleep(settings.pollIntervalMs, signal);
        continue;
      }
      if (!(await publishPage(page, page.nextCursor))) return;
      cursor = page.nextCursor;
    }
  }

  const running = run().catch((error: unknown) => {
    logger.error({ err: error }, 'pull loop failed');
  });

  return {
    isReady: () => ready && !signal.aborted,
    get cursor() {
      return cursor;
    },
    async stop() {
      stopping.abort();
      await running;
    },
  };
}
