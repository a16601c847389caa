import { randomBytes } from 'node:crypto';
import { link, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkKey } from './keys.ts';
import { ObjectConflictError, type ObjectStore } from './object-store.ts';

const TEMP_MARK = '.tmp-';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** Files below `dir`, as `/`-separated relative paths, skipping unfinished temp files. */
async function walk(dir: string, relative: string, out: string[]): Promise<void> {
  let entries;
  try {
    entries = await readdir(path.join(dir, relative), { withFileTypes: true });
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  for (const entry of entries) {
    const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (entry.isDirectory()) await walk(dir, child, out);
    else if (entry.isFile() && !entry.name.includes(TEMP_MARK)) out.push(child);
  }
}

/**
 * The same key layout as S3, as files below `dir` (local runs and tests). A put writes a temp file and links it
 * to the key, which fails when the key exists (the write-once check is atomic), so a crash never leaves a
 * half-written object under the final name and nothing is ever replaced.
 */
export function createFileStore(dir: string): ObjectStore {
  const root = path.resolve(dir);
  const fileOf = (key: string) => path.join(root, ...checkKey(key).split('/'));
  return {
    location: pathToFileURL(root).href,
    async put(key, body) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = `${file}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        await writeFile(temp, body);
        await link(temp, file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        if (!(await readFile(file)).equals(body)) throw new ObjectConflictError(key);
      } finally {
        await rm(temp, { force: true });
      }
    },
    async get(key) {
      try {
        return await readFile(fileOf(key));
      } catch (error) {
        if (isMissing(error)) return undefined;
        throw error;
      }
    },
    async *list(prefix = '') {
      // Only the directory the prefix points into needs walking.
      const base = prefix.includes('/') ? checkKey(prefix.slice(0, prefix.lastIndexOf('/'))) : '';
      const keys: string[] = [];
      await walk(root, base, keys);
      // Byte-wise order like S3's listing (keys here are ASCII, so code-unit order is byte order).
      keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const key of keys) if (key.startsWith(prefix)) yield key;
    },
    close: async () => {},
  };
}
