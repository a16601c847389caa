// The life of `npm start` beyond the happy path: a start refused in one clear line when its port is taken, no
// service outliving a supervisor that was SIGKILLed, and a stop that ends within its bound although the broker
// is already gone.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { processAlive } from '@ckt/warehouse';
import { startPipeline, until } from '../helpers/pipeline.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'ckt-lifecycle-'));

describe('npm start lifecycle', () => {
  it('refuses to start on a port another process holds, naming it, in one line', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    try {
      const child = spawn('npm', ['start', '--silent'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: tmp(), DEMO_RATE: '0', BRIDGE_PORT: String(port), METRICS_BASE_PORT: '0' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`^npm start: port ${port} \\(BRIDGE_PORT\\) is held by pid ${process.pid} \\(.*node.*\\): stop it, or set BRIDGE_PORT\\n$`));
    } finally {
      server.close();
    }
  });

  it('leaves no service and no broker behind when its supervisor is SIGKILLed', async () => {
    const pipeline = await startPipeline(tmp());
    const state = pipeline.state();
    const children = [...Object.values(state.services).map((s) => s.pid ?? 0), ...state.kafkaPids];
    expect(children.every((pid) => pid > 0 && processAlive(pid))).toBe(true);
    process.kill(state.pid ?? 0, 'SIGKILL');
    await until(() => children.every((pid) => !processAlive(pid)), 'every service and the broker to be gone', 60_000);
  });

  it('stops within its bound when the broker is already gone', async () => {
    const pipeline = await startPipeline(tmp());
    for (const pid of pipeline.state().kafkaPids) process.kill(pid, 'SIGKILL');
    const started = Date.now();
    expect(await pipeline.stop()).toBe(0);
    // Not a speed check: the bound the supervisor enforces (STOP_GRACE_MS, 30 s, per stop level: demo traffic,
    // bridge, router, extractor, sink and archivers; then up to 15 s for the broker). Every step that needs the
    // broker gives up long before (README, Operations).
    expect(Date.now() - started).toBeLessThan(5 * 30_000 + 15_000);
    expect(pipeline.state().pid).toBeNull();
  });
});
