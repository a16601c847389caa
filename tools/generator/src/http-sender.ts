import type { EncodedBody } from './batching.ts';
import { sleep } from '@ckt/resilience';

/**
 * Sends request bodies to the bridge's ingest API (`POST {url}/v1/events`), one at a time so the stream
 * order is kept. 503 and 429 are retried after their Retry-After (seconds or an HTTP date; exponential
 * backoff without one), as are other 5xx answers and network errors; other answers are final.
 */

interface HttpSenderOptions {
  /** Base URL of the bridge, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  /** Retries of one request before giving up on it. Default 20. */
  maxRetries?: number;
  /** Upper bound of one wait between attempts (also caps Retry-After). Default 30 s. */
  maxRetryDelayMs?: number;
  /** First backoff delay without Retry-After; doubles per attempt. Default 250 ms. */
  baseRetryDelayMs?: number;
  /** Timeout of one attempt. Default 30 s. */
  requestTimeoutMs?: number;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  /** Called before each wait (for progress output). */
  onRetry?: (info: { status: number | null; attempt: number; delayMs: number }) => void;
}

interface SendOutcome {
  /** The bridge answered 2xx. */
  delivered: boolean;
  /** Status of the last answer (null: no answer, e.g. connection refused or aborted). */
  status: number | null;
  attempts: number;
  /** Last answer's body (first 2 KiB) or the network error, when not delivered. */
  error?: string;
  /** The 2xx answer's body (the bridge reports accepted/rejected counts there). */
  responseBody?: string;
  /** Attempts answered with a retryable failure after the bridge may have read the body (all but no-answer ones). */
  retriedAfterAnswer: number;
}

interface HttpSenderStats {
  requests: number;
  retries: number;
  /** Answers by status code ('error' for no answer). */
  statuses: Record<string, number>;
}

interface HttpSender {
  send(body: EncodedBody): Promise<SendOutcome>;
  readonly stats: HttpSenderStats;
}

export function eventsEndpoint(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/v1/events`;
}

export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const endpoint = eventsEndpoint(options.url);
  const maxRetries = options.maxRetries ?? 20;
  const maxDelay = options.maxRetryDelayMs ?? 30_000;
  const baseDelay = options.baseRetryDelayMs ?? 250;
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const fetchImpl = options.fetchImpl ?? fetch;
  const stats: HttpSenderStats = { requests: 0, retries: 0, statuses: {} };
  const count = (key: string): void => {
    stats.statuses[key] = (stats.statuses[key] ?? 0) + 1;
  };

  async function send({ body, contentType }: EncodedBody): Promise<SendOutcome> {
    const headers: Record<string, string> = { 'content-type': contentType };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let retriedAfterAnswer = 0;
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) return { delivered: false, status: null, attempts: attempt - 1, error: 'aborted', retriedAfterAnswer };
      stats.requests++;
      let status: number | null = null;
      let retryAfter: string | null = null;
      let error: string;
      try {
        const signals = [AbortSignal.timeout(timeoutMs), ...(options.signal ? [options.signal] : [])];
        const response = await fetchImpl(endpoint, { method: 'POST', headers, body, signal: AbortSignal.any(signals) });
        status = response.status;
        retryAfter = response.headers.get('retry-after');
        const text = await response.text();
        count(String(status));
        if (response.ok) return { delivered: true, status, attempts: attempt, responseBody: text, retriedAfterAnswer };
        error = text.slice(0, 2048);
      } catch (caught) {
        count('error');
        error = caught instanceof Error ? `${caught.name}: ${caught.message}` : String(caught);
      }
      if (!isRetryable(status) || attempt > maxRetries || options.signal?.aborted) {
        return { delivered: false, status, attempts: attempt, error, retriedAfterAnswer };
      }
      if (status !== null) retriedAfterAnswer++;
      const delayMs = Math.min(maxDelay, retryAfterMs(retryAfter, Date.now()) ?? baseDelay * 2 ** (attempt - 1));
      stats.retries++;
      options.onRetry?.({ status, attempt, delayMs });
      await sleep(delayMs, options.signal);
    }
  }

  return { send, stats };
}

/** No answer, 429, or 5xx: worth another attempt. */
export function isRetryable(status: number | null): boolean {
  return status === null || status === 429 || status >= 500;
}

/** Milliseconds to wait from a Retry-After header (delta-seconds or HTTP-date); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}
