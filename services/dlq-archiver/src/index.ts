export { startArchiver, SERVICE, type Archiver, type ArchiverDeps } from './service.ts';
export { archiverEnv, archiverSchema, groupIdOf, type ArchiverConfig } from './config.ts';
export { PartitionArchiver, type PartitionArchiverOptions, type StoredObject } from './partition-archiver.ts';
export { completeObjectLength, type ObjectLimits, type PendingRecord } from './batch-cut.ts';
export { runRedrive, type RedriveOptions, type RedriveSummary } from './redrive/run.ts';
export { parseRedriveArgs, type RedriveFilter } from './redrive/args.ts';
