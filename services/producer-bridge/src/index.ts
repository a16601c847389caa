export { startBridge, SERVICE, type Bridge, type BridgeDeps } from './service.ts';
export { loadBridgeConfig, bridgeEnv, bridgeSchema, sourceIdOf, type BridgeConfig } from './config.ts';
export { INGEST_PATH } from './push/ingest-server.ts';
export { parseBody, type BodyItem, type BodyParseResult } from './push/body-parser.ts';
export { bodyFormatOf, bodyEncodingOf, type BodyFormat } from './push/body-format.ts';
export { planEvents, type PublishPlan, type RawRecord, type Rejection } from './push/publish-plan.ts';
export { parsePage, type EventPage } from './pull/page.ts';
export { encodeCursor, decodeCursor, type CursorRecord } from './pull/cursor-codec.ts';
