import { afterEach, describe, expect, it } from 'vitest';
import { Counter } from 'prom-client';
import { createMetricsRegistry } from './metrics.ts';
import { startHealthServer, type HealthServer } from './health-server.ts';

let server: HealthServer | undefined;
afterEach(async () => server?.close());

describe('health server', () => {
  it('serves liveness, readiness from named checks, and Prometheus metrics', async () => {
    const registry = createMetricsRegistry('unit-test');
    new Counter({ name: 'things_total', help: 'things', registers: [registry] }).inc(3);
    let brokerUp = false;
    server = await startHealthServer({ port: 0, host: '127.0.0.1', registry, readiness: { kafka: () => brokerUp } });

    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    const notReady = await fetch(`${server.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: 'not_ready', checks: { kafka: false } });
    brokerUp = true;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toContain('things_total{service="unit-test"} 3');
    expect(metrics).toContain('process_resident_memory_bytes');
  });
});
