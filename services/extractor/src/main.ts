import { loadConfig, runService } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { handleShutdown } from '@ckt/observability';
import { extractorSchema } from './config.ts';
import { EXTRACTOR_SERVICE, startExtractor } from './extractor.ts';

runService(EXTRACTOR_SERVICE, async () => {
  const config = loadConfig(extractorSchema);
  const logger = createLogger(EXTRACTOR_SERVICE, config);
  const extractor = await startExtractor(config, { logger });
  handleShutdown(logger, extractor.shutdownSteps);
});
