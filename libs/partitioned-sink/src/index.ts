export { isTimedTrigger, type CutBatch, type CutTrigger, type Cutter } from './cutter.ts';
export {
  createPartitionedSink,
  createSinkEngine,
  partitionKey,
  type ConsumerControl,
  type PartitionedSink,
  type PartitionedSinkOptions,
  type PartitionState,
  type SinkEngine,
  type SinkEngineOptions,
} from './partitioned-sink.ts';
export type { OffsetItem, SinkObserver, SinkStore, TopicPartition, WriteContext } from './store.ts';
