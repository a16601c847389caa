// `npm run bench`: every benchmark in its own process (so RSS and CPU are its own), one after the other, then
// a summary. Each benchmark prints one JSON line; the collected results go to data/bench-results.json.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const BENCHES = ['bridge', 'router', 'extractor', 'sink', 'archiver', 'pipeline'];
const only = process.argv.slice(2);

function runBench(name: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'test/bench', `${name}.ts`)], {
      cwd: root,
      env: { ...process.env, KAFKAJS_NO_PARTITIONER_WARNING: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => {
      const last = stdout.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`${name} benchmark exited ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`${name} benchmark printed no JSON summary`));
      }
    });
  });
}

const results: Record<string, unknown> = {};
let failed = false;
for (const name of BENCHES.filter((b) => only.length === 0 || only.includes(b))) {
  process.stderr.write(`\n=== ${name} benchmark ===\n`);
  try {
    results[name] = await runBench(name);
    process.stderr.write(`${name}: ${JSON.stringify(results[name])}\n`);
  } catch (error) {
    failed = true;
    results[name] = { error: (error as Error).message };
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
  }
}
mkdirSync(path.join(root, 'data'), { recursive: true });
const file = path.join(root, 'data', 'bench-results.json');
writeFileSync(file, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.error(`results written to ${file}`);
process.exit(failed ? 1 : 0);
