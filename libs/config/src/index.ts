export { ConfigError } from './errors.ts';
export { loadConfig, type Env } from './load.ts';
export * as field from './fields.ts';
export { runService } from './startup.ts';
