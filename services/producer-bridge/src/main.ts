import { runService } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { handleShutdown } from '@ckt/observability';
import { loadBridgeConfig } from './config.ts';
import { SERVICE, startBridge } from './service.ts';

runService(SERVICE, async () => {
  const config = loadBridgeConfig();
  const logger = createLogger(SERVICE, config);
  const bridge = await startBridge(config, { logger });
  handleShutdown(logger, bridge.shutdownSteps);
  logger.info({ mode: config.BRIDGE_MODE, ingest: bridge.url, health: bridge.healthUrl }, 'producer bridge started');
});
