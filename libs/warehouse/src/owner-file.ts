import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * chDB lets one process open a data directory. The process that holds it (the sink) leaves this file in the
 * directory saying where its read-only query endpoint is, so tools can go through it instead of failing to
 * open the directory.
 */
export const OWNER_FILE = 'sink-owner.json';

interface WarehouseOwner {
  pid: number;
  /** POST SQL here to run it read-only inside the owning process. */
  queryUrl: string;
  startedAt: string;
}

export function writeWarehouseOwner(directory: string, owner: WarehouseOwner): void {
  writeFileSync(path.join(directory, OWNER_FILE), `${JSON.stringify(owner)}\n`);
}

export function removeWarehouseOwner(directory: string, pid: number = process.pid): void {
  const current = readWarehouseOwner(directory);
  if (current && current.pid === pid) rmSync(path.join(directory, OWNER_FILE), { force: true });
}

/** The owner recorded in `directory`, if any (whether it still runs is for the caller to check). */
export function readWarehouseOwner(directory: string): WarehouseOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path.join(directory, OWNER_FILE), 'utf8')) as Partial<WarehouseOwner>;
    if (typeof parsed.pid === 'number' && typeof parsed.queryUrl === 'string') {
      return { pid: parsed.pid, queryUrl: parsed.queryUrl, startedAt: String(parsed.startedAt ?? '') };
    }
  } catch {
    // missing or unreadable: no owner
  }
  return undefined;
}

/**
 * True when a process with this pid exists and is not a zombie (a killed process whose parent died too stays
 * in the table, state Z, until something reaps it). Signal 0 checks without signalling.
 */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): the signal check is all there is
  }
}
