export interface PutOptions {
  contentType?: string;
  /** Aborts an upload in flight (the object is then either fully stored or not at all). */
  signal?: AbortSignal;
}

/**
 * A flat key space of immutable-looking objects. Keys are relative to the store's root (the prefix of
 * `s3://bucket/prefix`, or the directory of `file://dir`) and use `/` as separator. A put replaces the whole
 * object atomically: readers see the old or the new bytes, never a mix.
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
