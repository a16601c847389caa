import { loadConfig, runService } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { handleShutdown } from '@ckt/observability';
import { archiverSchema } from './config.ts';
import { SERVICE, startArchiver } from './service.ts';

runService(SERVICE, async () => {
  const config = loadConfig(archiverSchema);
  const logger = createLogger(config.ARCHIVE_SERVICE_NAME, config);
  const archiver = await startArchiver(config, { logger });
  handleShutdown(logger, archiver.shutdownSteps);
  logger.info({ metrics: archiver.health.url, groupId: archiver.groupId }, 'archiver running');
});
