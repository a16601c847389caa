// `npm run query -- "<SQL>"`: prints the rows as JSON lines, against the configured warehouse, also while the
// pipeline runs (then through the sink's read-only POST /query; see target.ts for how it is found).
// `-` or no SQL reads the statement from stdin. `--allow-writes` runs a statement that changes data (direct
// access only, e.g. the operator reset in migrations/0006_sink_progress.sql).
import { parseArgs } from 'node:util';
import { resolveQueryTarget } from './target.ts';
import { runQuery } from './run-query.ts';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { 'allow-writes': { type: 'boolean', default: false } } });
  const sql = (positionals.length === 0 || (positionals.length === 1 && positionals[0] === '-') ? await readStdin() : positionals.join(' ')).trim();
  if (sql === '') throw new Error('usage: npm run query -- "<SQL>"  (or pipe the SQL on stdin)');
  const target = resolveQueryTarget({ env: process.env });
  const lines = await runQuery(target, process.env, sql, values['allow-writes'] ?? false);
  process.stdout.write(lines.endsWith('\n') || lines === '' ? lines : `${lines}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`query: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
