export { startRouter, createRouterHandler, ROUTER_SERVICE, type RouterService, type RouterDeps } from './router.ts';
export { routerEnv, routerSchema, type RouterConfig } from './config.ts';
export { routeRecord, EVENT_NAME_HEADER, type RouteDecision, type RouterFailureReason, type SourceRecord } from './route-record.ts';
export { routeBatch, ROUTER_STAGE, type RouterBatchInput } from './route-batch.ts';
