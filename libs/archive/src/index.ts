export { archiveEnv, archiveSchema, type ArchiveSettings } from './env.ts';
export { listAll, ObjectConflictError, type ObjectStore, type PutOptions } from './object-store.ts';
export { createFileStore } from './file-store.ts';
export { createMemoryStore } from './memory-store.ts';
export { createS3Store, s3ClientOptions, type S3StoreOptions } from './s3-store.ts';
export { openObjectStore, parseArchiveUrl, type ArchiveTarget } from './open-store.ts';
export { hourPrefix, hourSlotOf, hourSlotOfIso, objectKey, parseObjectKey, OBJECT_SUFFIX, OFFSET_DIGITS, type HourSlot, type ObjectId } from './layout.ts';
export {
  parseArchiveLine,
  serialiseLine,
  toArchiveLine,
  type ArchiveLine,
  type ArchivedRecord,
  type RawHeaders,
  type RawHeaderValue,
  type SourceRecord,
} from './record-line.ts';
export { decodeArchiveObject, encodeArchiveObject, ndjson, OBJECT_CONTENT_TYPE } from './object-codec.ts';
export { gunzip, gzipDeterministic, gzipDeterministicAsync } from './gzip.ts';
export { deadLetterIdentity } from './dead-letter-identity.ts';
