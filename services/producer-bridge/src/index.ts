export { startBridge, type Bridge } from './service.ts';
export { loadBridgeConfig } from './config.ts';
export { decodeCursor } from './pull/cursor-codec.ts';
