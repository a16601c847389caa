/**
 * Loads by key, each once: callers share the load in flight and its result. A failed load is forgotten, so the
 * next caller (a retry) loads again; `clear` forgets everything (e.g. after a rebalance).
 */
export class LoadOnce<K, V> {
  private readonly loads = new Map<K, Promise<V>>();

  constructor(private readonly load: (key: K) => Promise<V>) {}

  get(key: K): Promise<V> {
    const known = this.loads.get(key);
    if (known) return known;
    const loading = this.load(key);
    this.loads.set(key, loading);
    loading.catch(() => {
      if (this.loads.get(key) === loading) this.loads.delete(key);
    });
    return loading;
  }

  clear(): void {
    this.loads.clear();
  }
}
