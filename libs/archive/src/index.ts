export { archiveEnv, archiveSchema } from './env.ts';
export { listAll, ObjectConflictError, type ObjectStore } from './object-store.ts';
export { createFileStore } from './file-store.ts';
export { createMemoryStore } from './memory-store.ts';
export { openObjectStore } from './open-store.ts';
export { hourSlotOfIso, objectKey, parseObjectKey, type HourSlot } from './layout.ts';
export {
  serialiseLine,
  toArchiveLine,
  type ArchivedRecord,
  type RawHeaders,
} from './record-line.ts';
export { decodeArchiveObject, encodeArchiveObject, OBJECT_CONTENT_TYPE } from './object-codec.ts';
export { gunzip, gzipDeterministicAsync } from './gzip.ts';
export { deadLetterIdentity } from './dead-letter-identity.ts';
