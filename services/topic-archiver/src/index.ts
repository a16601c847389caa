export { startArchiver, type Archiver } from './service.ts';
export { archiverSchema } from './config.ts';
export type { StoredObject } from './archive-store.ts';
