import { loadConfig, runService } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { handleShutdown } from '@ckt/observability';
import { routerSchema } from './config.ts';
import { ROUTER_SERVICE, startRouter } from './router.ts';

runService(ROUTER_SERVICE, async () => {
  const config = loadConfig(routerSchema);
  const logger = createLogger(ROUTER_SERVICE, config);
  const router = await startRouter(config, { logger });
  handleShutdown(logger, router.shutdownSteps);
});
