import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The analyst queries shipped with the schema (libs/warehouse/queries/*.sql). */
const QUERIES_DIR = fileURLToPath(new URL('../queries/', import.meta.url));

interface AnalystQuery {
  /** File name without .sql, e.g. `sales_per_attraction_per_day`. */
  name: string;
  sql: string;
}

export function loadAnalystQueries(dir: string = QUERIES_DIR): AnalystQuery[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => ({ name: file.slice(0, -'.sql'.length), sql: readFileSync(path.join(dir, file), 'utf8').trim() }));
}
