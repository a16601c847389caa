import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { Reservation } from './inflight-budget.ts';

type BodyReadResult =
  | { ok: true; body: Buffer }
  | { ok: false; status: 400 | 413 | 503; error: 'invalid_gzip' | 'body_too_large' | 'overloaded' | 'aborted'; message: string };

interface BodyReadOptions {
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
