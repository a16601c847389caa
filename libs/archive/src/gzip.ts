import { promisify } from 'node:util';
import { constants, gunzipSync, gzip, gzipSync, type ZlibOptions } from 'node:zlib';

const gzipAsync = promisify<Buffer, ZlibOptions, Buffer>(gzip);

/**
 * Every input to the output fixed: level, window, memory level, strategy; zlib writes mtime 0 and no file
 * name. Byte 9 of the header names the writer's OS, which zlib sets per platform: it is fixed to "unknown".
 * So the same bytes in give the same bytes out for a given zlib build, and a retried upload stores an
 * identical object.
 */
const OPTIONS: ZlibOptions = { level: 6, windowBits: 15, memLevel: 8, strategy: constants.Z_DEFAULT_STRATEGY };
const OS_BYTE = 9;
const OS_UNKNOWN = 0xff;

function fixHeader(out: Buffer): Buffer {
  out[OS_BYTE] = OS_UNKNOWN;
  return out;
}

export const gzipDeterministic = (data: Buffer): Buffer => fixHeader(gzipSync(data, OPTIONS));

/** The same bytes as gzipDeterministic, compressed on libuv's thread pool so the event loop keeps running. */
export const gzipDeterministicAsync = async (data: Buffer): Promise<Buffer> => fixHeader(await gzipAsync(data, OPTIONS));

export const gunzip = (data: Buffer): Buffer => gunzipSync(data);
