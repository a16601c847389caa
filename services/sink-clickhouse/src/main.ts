import { loadConfig, runService } from '@ckt/config';
import { createLogger } from '@ckt/logging';
import { handleShutdown } from '@ckt/observability';
import { sinkSchema } from './config.ts';
import { SINK_SERVICE, startSink } from './service.ts';

runService(SINK_SERVICE, async () => {
  const config = loadConfig(sinkSchema);
  const logger = createLogger(SINK_SERVICE, config);
  const sink = await startSink(config, { logger });
  handleShutdown(logger, sink.shutdownSteps, { timeoutMs: config.SINK_DRAIN_TIMEOUT_MS + 15_000 });
});
