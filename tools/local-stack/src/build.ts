import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './paths.ts';

/** Runs native/build.sh (a no-op when .cache/bin/mock-kafka is up to date; ~1 min on a fresh machine). */
export function ensureMockKafkaBuilt(): Promise<void> {
  const script = path.join(repoRoot, 'tools', 'local-stack', 'native', 'build.sh');
  return new Promise((resolve, reject) => {
    // Progress goes to stderr so it never mixes with a caller's machine-readable stdout.
    const child = spawn('bash', [script], { stdio: ['ignore', process.stderr, process.stderr] });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`${script} failed with exit code ${code}`)),
    );
  });
}
