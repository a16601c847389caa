import type { IncomingMessage } from 'node:http';

/**
 * Reads and drops what is left of a refused request's body, at most `maxBytes` more, so the client has sent
 * everything before the answer and the close: closing a socket with unread bytes resets the connection, and
 * the client then never reads the 4xx (it sees a network error and resends). False when the rest was larger
 * than the bound, did not arrive within `timeoutMs`, or the request broke; the caller then closes anyway.
 */
export function discardBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<boolean> {
  if (req.complete || req.readableEnded) return Promise.resolve(true);
  return new Promise((resolve) => {
    let seen = 0;
    const finish = (drained: boolean): void => {
      clearTimeout(timer);
      req.removeListener('data', onData);
      req.removeListener('end', onEnd);
      req.removeListener('error', onBroken);
      req.removeListener('close', onBroken);
      resolve(drained);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > maxBytes) finish(false);
    };
    const onEnd = (): void => finish(true);
    const onBroken = (): void => finish(req.complete);
    const timer = setTimeout(() => finish(false), timeoutMs);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onBroken);
    req.once('close', onBroken);
    req.resume();
  });
}
