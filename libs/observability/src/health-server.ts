import { createServer, type ServerResponse } from 'node:http';
import type { Registry } from 'prom-client';
import { field } from '@ckt/config';
import { listen } from './listen.ts';

export const observabilityEnv = {
  /** Port of /metrics, /healthz and /readyz (0 = any free port). */
  METRICS_PORT: field.port(9464),
  /** Interface of the metrics port: loopback unless configured (compose and k8s set 0.0.0.0 for Prometheus). */
  METRICS_HOST: field.text('127.0.0.1'),
};

/** Named readiness checks: each resolves true when the dependency it names is usable. */
export type ReadinessChecks = Record<string, () => boolean | Promise<boolean>>;

interface HealthServerOptions {
  port: number;
  host?: string;
  registry: Registry;
  readiness: ReadinessChecks;
}

export interface HealthServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

/** Every check's outcome by name; a check that throws counts as not ready. */
export async function evaluateReadiness(checks: ReadinessChecks): Promise<Record<string, boolean>> {
  const entries = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        return [name, await check()] as const;
      } catch {
        return [name, false] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

/**
 * A check that costs a round trip (a ping, a metadata request), asked at most every `ms`: in between, and while one
 * is in flight, callers share the last answer.
 */
export function throttledCheck(ms: number, check: () => Promise<boolean>): () => Promise<boolean> {
  let last: { at: number; answer: Promise<boolean> } | undefined;
  return () => {
    if (!last || Date.now() - last.at >= ms) last = { at: Date.now(), answer: check().catch(() => false) };
    return last.answer;
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** /healthz: the process is alive. /readyz: every readiness check passes. /metrics: Prometheus text. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/healthz') return json(res, 200, { status: 'ok' });
      if (path === '/readyz') {
        const checks = await evaluateReadiness(options.readiness);
        const ready = Object.values(checks).every(Boolean);
        return json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', checks });
      }
      if (path === '/metrics') {
        res.writeHead(200, { 'content-type': options.registry.contentType });
        return res.end(await options.registry.metrics());
      }
      json(res, 404, { error: 'not_found' });
    })().catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: error instanceof Error ? error.message : 'internal_error' });
    });
  });
  const { port, url } = await listen(server, options.port, options.host ?? '127.0.0.1');
  return {
    port,
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
