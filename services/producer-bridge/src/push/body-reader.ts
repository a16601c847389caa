import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Reservation } from './inflight-budget.ts';

export type BodyReadResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413 | 503; error: 'invalid_gzip' | 'body_too_large' | 'overloaded' | 'aborted'; message: string };

export interface BodyReadOptions {
  maxBytes: number;
  encoding: 'identity' | 'gzip';
  /** Each decoded chunk is reserved here before it is kept; a refused reservation ends the read with 503. */
  reservation: Reservation;
}

/**
 * Reads a request body, gunzipping if asked, and stops as soon as the wire bytes or the decoded bytes pass
 * `maxBytes` (so neither a large upload nor a gzip bomb is held in memory) or the in-flight budget is full.
 */
export function readBody(req: IncomingMessage, { maxBytes, encoding, reservation }: BodyReadOptions): Promise<BodyReadResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let decoded = 0;
    let wire = 0;
    let settled = false;
    const gunzip = encoding === 'gzip' ? createGunzip() : undefined;
    const source: Readable = gunzip ?? req;

    const finish = (result: BodyReadResult): void => {
      if (settled) return;
      settled = true;
      source.removeListener('data', onDecoded);
      if (gunzip) {
        req.unpipe(gunzip);
        gunzip.destroy();
      }
      if (!result.ok) chunks.length = 0;
      resolve(result);
    };
    const tooLarge = (): void =>
      finish({ ok: false, status: 413, error: 'body_too_large', message: `request body is larger than ${maxBytes} bytes` });

    const onDecoded = (chunk: Buffer): void => {
      decoded += chunk.length;
      if (decoded > maxBytes) return tooLarge();
      if (!reservation.grow(chunk.length)) {
        return finish({ ok: false, status: 503, error: 'overloaded', message: 'too many request bytes in flight; retry later' });
      }
      chunks.push(chunk);
    };
    if (gunzip) {
      req.on('data', (chunk: Buffer) => {
        wire += chunk.length;
        if (wire > maxBytes) tooLarge();
      });
      req.pipe(gunzip);
      gunzip.on('error', () => finish({ ok: false, status: 400, error: 'invalid_gzip', message: 'request body is not valid gzip' }));
    }
    source.on('data', onDecoded);
    source.on('end', () => finish({ ok: true, body: Buffer.concat(chunks, decoded) }));
    req.on('error', () => finish({ ok: false, status: 400, error: 'aborted', message: 'request aborted' }));
    req.on('aborted', () => finish({ ok: false, status: 400, error: 'aborted', message: 'request aborted' }));
  });
}

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
