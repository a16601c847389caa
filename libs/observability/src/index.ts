export { createMetricsRegistry, LATENCY_BUCKETS, SIZE_BUCKETS } from './metrics.ts';
export {
  evaluateReadiness,
  startHealthServer,
  throttledCheck,
  observabilityEnv,
  type HealthServer,
  type ReadinessChecks,
} from './health-server.ts';
export { handleShutdown, runShutdownSteps, watchParent, EXIT_WITH_PARENT_ENV, type ShutdownStep } from './lifecycle.ts';
export { createBearerAuth } from './bearer-auth.ts';
export { discardBody } from './discard-body.ts';
export { listen } from './listen.ts';
