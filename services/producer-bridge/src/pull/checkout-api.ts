import { parsePage, type EventPage } from './page.ts';

interface CheckoutApiOptions {
  baseUrl: string;
  token?: string;
  limit: number;
  timeoutMs: number;
}

export class CheckoutApiError extends Error {
  override readonly name = 'CheckoutApiError';
  constructor(
    message: string,
    readonly kind: 'api' | 'response',
  ) {
    super(message);
  }
}

export type FetchPage = (since: string | undefined, signal?: AbortSignal) => Promise<EventPage>;

/** GET {baseUrl}/events?limit=<n>[&since=<cursor>]; throws CheckoutApiError on transport errors, non-2xx or a malformed page. */
export function createCheckoutApi({ baseUrl, token, limit, timeoutMs }: CheckoutApiOptions, fetchImpl: typeof fetch = fetch): FetchPage {
  const base = baseUrl.replace(/\/+$/, '');
  return async (since, signal) => {
    const url = new URL(`${base}/events`);
    url.searchParams.set('limit', String(limit));
    if (since !== undefined) url.searchParams.set('since', since);
    const timeout = AbortSignal.timeout(timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      text = await response.text();
    } catch (error) {
      throw new CheckoutApiError(`checkout API request failed: ${error instanceof Error ? error.message : String(error)}`, 'api');
    }
    if (!response.ok) throw new CheckoutApiError(`checkout API answered ${response.status}`, 'api');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new CheckoutApiError('checkout API response is not JSON', 'response');
    }
    const result = parsePage(body);
    if (!result.ok) throw new CheckoutApiError(`checkout API response: ${result.message}`, 'response');
    return result.page;
  };
}
