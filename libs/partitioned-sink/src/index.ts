export { type CutBatch, type CutTrigger, type Cutter } from './cutter.ts';
export {
  createPartitionedSink,
  createSinkEngine,
  partitionKey,
  type PartitionedSink,
  type SinkEngine,
} from './partitioned-sink.ts';
export type { SinkObserver, SinkStore, TopicPartition, WriteContext } from './store.ts';
