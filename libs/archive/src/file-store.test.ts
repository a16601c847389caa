import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileStore } from './file-store.ts';
import { listAll, ObjectConflictError } from './object-store.ts';

describe('file object store', () => {
  it('puts, gets and lists keys below its directory in byte order, writing each key once', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'file-store-'));
    const store = createFileStore(dir);
    await store.put('t/dt=2025-03-27/hour=21/b', Buffer.from('2'));
    await store.put('t/dt=2025-03-27/hour=20/a', Buffer.from('1'));
    // A retry with the same bytes is a no-op; other bytes are refused, and the object stays as it was.
    await store.put('t/dt=2025-03-27/hour=20/a', Buffer.from('1'));
    await expect(store.put('t/dt=2025-03-27/hour=20/a', Buffer.from('1b'))).rejects.toBeInstanceOf(ObjectConflictError);
    await store.put('u/x', Buffer.from('3'));
    expect((await store.get('t/dt=2025-03-27/hour=20/a'))?.toString()).toBe('1');
    expect(await store.get('t/missing')).toBeUndefined();
    expect(await listAll(store, 't/')).toEqual(['t/dt=2025-03-27/hour=20/a', 't/dt=2025-03-27/hour=21/b']);
    expect(await listAll(store, 't/dt=2025-03-27/hour=2')).toEqual(['t/dt=2025-03-27/hour=20/a', 't/dt=2025-03-27/hour=21/b']);
    expect(await listAll(store, 'nothing/')).toEqual([]);
    expect(await listAll(store)).toHaveLength(3);
    expect(readdirSync(path.join(dir, 't', 'dt=2025-03-27', 'hour=20'))).toEqual(['a']);
    expect(store.location).toBe(`file://${dir}`);
  });

  it('refuses keys that would leave its directory', async () => {
    const store = createFileStore(mkdtempSync(path.join(os.tmpdir(), 'file-store-')));
    await expect(store.put('../escape', Buffer.from('x'))).rejects.toThrow(/invalid object key/);
    await expect(store.get('a//b')).rejects.toThrow(/invalid object key/);
  });
});
