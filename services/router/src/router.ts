import type { Registry } from 'prom-client';
import { FAMILIES, familyTopic, type TopicNames } from '@ckt/domain';
import { createOutboxHandler, topicNames, type BatchHandler, type Publisher, type StageMetrics } from '@ckt/kafka';
import { createLogger, type Logger } from '@ckt/logging';
import { startStageService, type StageService } from '@ckt/service';
import type { RouterConfig } from './config.ts';
import { ROUTER_STAGE, routeBatch } from './route-batch.ts';

export const ROUTER_SERVICE = 'router';

interface RouterDeps {
  logger?: Logger;
  registry?: Registry;
}

export type RouterService = StageService;

/** One fetched raw batch -> one sendBatch (family topics + dead letters); the runner commits after it resolves. */
function createRouterHandler(deps: { publisher: Pick<Publisher, 'sendBatch'>; names: TopicNames; metrics: StageMetrics; logger: Logger }): BatchHandler {
  const { names } = deps;
  return createOutboxHandler({ ...deps, stage: ROUTER_STAGE, build: (batch) => routeBatch(batch, names, { service: ROUTER_SERVICE }) });
}

/** Starts the router: raw topic -> family topics by event_name, bad records -> dead-letter topic. */
export async function startRouter(config: RouterConfig, deps: RouterDeps = {}): Promise<RouterService> {
  const logger = deps.logger ?? createLogger(ROUTER_SERVICE, config);
  const names = topicNames(config);
  const service = await startStageService({
    name: ROUTER_SERVICE,
    settings: config,
    groupId: config.ROUTER_GROUP_ID,
    sources: [names.raw],
    outputs: [...FAMILIES.map((family) => familyTopic(names, family)), names.dlq],
    names,
    partitionsConcurrently: config.ROUTER_PARTITIONS_CONCURRENTLY,
    logger,
    registry: deps.registry,
    createHandler: ({ publisher, metrics }) => createRouterHandler({ publisher, names, metrics, logger }),
  });
  logger.info({ source: names.raw, groupId: config.ROUTER_GROUP_ID, healthPort: service.health.port }, 'router started');
  return service;
}
