export { startSink, type SinkService } from './service.ts';
export { sinkSchema } from './config.ts';
export { startQueryServer, type QueryServer } from './query-server.ts';
