import type { ServerResponse } from 'node:http';

/** Error codes of the ingest API's non-202 answers (`{"error": code, "message": ...}`). */
export type IngestErrorCode =
  | 'not_found'
  | 'method_not_allowed'
  | 'unauthorized'
  | 'unsupported_media_type'
  | 'unsupported_encoding'
  | 'empty_body'
  | 'invalid_json'
  | 'invalid_body'
  | 'invalid_gzip'
  | 'aborted'
  | 'body_too_large'
  | 'too_many_events'
  | 'overloaded'
  | 'broker_unavailable'
  | 'shutting_down'
  | 'internal_error';

export interface Accepted {
  accepted: number;
  rejected: number;
  errors: { index: number; reason: string; message: string }[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, error: IngestErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error, message }, headers);
}
