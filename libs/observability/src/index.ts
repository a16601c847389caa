export { createMetricsRegistry, LATENCY_BUCKETS, SIZE_BUCKETS } from './metrics.ts';
export {
  evaluateReadiness,
  startHealthServer,
  throttledCheck,
  observabilityEnv,
  observabilitySchema,
  type HealthServer,
  type HealthServerOptions,
  type ReadinessChecks,
} from './health-server.ts';
export { handleShutdown, runShutdownSteps, watchParent, EXIT_WITH_PARENT_ENV, type ShutdownStep } from './lifecycle.ts';
export { createBearerAuth, type AuthCheck } from './bearer-auth.ts';
export { discardBody } from './discard-body.ts';
export { listen } from './listen.ts';
