export { startSink, SINK_SERVICE, type SinkService, type SinkDeps } from './service.ts';
export { sinkEnv, sinkSchema, type SinkConfig } from './config.ts';
export { createSinkCore, type SinkCore, type SinkCoreOptions, type SinkTable, type ConsumerControl } from './sink-core.ts';
export { PartitionSink, type PartitionSinkDeps } from './partition-sink.ts';
export { PartitionBuffer, type BufferedRow, type CutBatch, type FlushLimits, type FlushTrigger } from './partition-buffer.ts';
export { writeRows, type RejectedRow, type BatchWriterDeps } from './batch-writer.ts';
export { decodeLines, isRegistryUnavailable, SINK_STAGE, type LineDecoder, type DecodedLine, type RecordDecode } from './record-decoder.ts';
export { createSinkMetrics, type SinkMetrics } from './metrics.ts';
export { startQueryServer, QUERY_PATH, type QueryServer, type QueryServerSettings } from './query-server.ts';
