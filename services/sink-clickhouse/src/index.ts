export { startSink, SINK_SERVICE, type SinkService, type SinkDeps } from './service.ts';
export { sinkEnv, sinkSchema, type SinkConfig } from './config.ts';
export { startQueryServer, QUERY_PATH, type QueryServer, type QueryServerSettings } from './query-server.ts';
