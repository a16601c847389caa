export interface PutOptions {
  contentType?: string;
  /** Aborts an upload in flight (the object is then either fully stored or not at all). */
  signal?: AbortSignal;
}

/** A put found its key holding other bytes: archive objects are written once and never replaced. */
export class ObjectConflictError extends Error {
  override readonly name = 'ObjectConflictError';
  constructor(readonly key: string) {
    super(`${key} already holds other bytes; archive objects are never overwritten`);
  }
}

/**
 * A flat key space of write-once objects. Keys are relative to the store's root (the prefix of
 * `s3://bucket/prefix`, or the directory of `file://dir`) and use `/` as separator. A put stores the whole
 * object atomically (readers see all of it or nothing); a put of a key that already holds the same bytes is a
 * no-op (a retry), and one with other bytes throws ObjectConflictError.
 */
export interface ObjectStore {
  /** Where the store writes, for logs; never contains credentials. */
  readonly location: string;
  put(key: string, body: Buffer, options?: PutOptions): Promise<void>;
  /** The object's bytes, or undefined when there is no such key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Keys starting with `prefix`, in ascending (byte-wise) order. */
  list(prefix?: string): AsyncIterable<string>;
  close(): Promise<void>;
}

/** Collects `store.list(prefix)`; for small listings and tests. */
export async function listAll(store: ObjectStore, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  for await (const key of store.list(prefix)) keys.push(key);
  return keys;
}
