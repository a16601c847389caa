import { checkKey } from './keys.ts';
import { ObjectConflictError, type ObjectStore } from './object-store.ts';

/** An object store in memory, for tests and dry runs. `objects` is the live map (key -> bytes). */
export function createMemoryStore(): ObjectStore & { readonly objects: Map<string, Buffer> } {
  const objects = new Map<string, Buffer>();
  return {
    objects,
    location: 'memory://',
    async put(key, body) {
      const existing = objects.get(checkKey(key));
      if (existing && !existing.equals(body)) throw new ObjectConflictError(key);
      objects.set(key, Buffer.from(body));
    },
    async get(key) {
      const body = objects.get(checkKey(key));
      return body && Buffer.from(body);
    },
    async *list(prefix = '') {
      const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      yield* keys;
    },
    close: async () => {},
  };
}
