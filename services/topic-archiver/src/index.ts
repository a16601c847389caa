export { startArchiver, SERVICE, type Archiver, type ArchiverDeps } from './service.ts';
export { archiverEnv, archiverSchema, groupIdOf, type ArchiverConfig } from './config.ts';
export type { StoredObject } from './archive-store.ts';
