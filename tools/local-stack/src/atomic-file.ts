import { renameSync, writeFileSync } from 'node:fs';

/** Writes a whole file or nothing: readers never see half of it (write beside it, then rename over it). */
export function writeFileAtomic(file: string, text: string, mode = 0o644): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text, { mode });
  renameSync(temp, file);
}
