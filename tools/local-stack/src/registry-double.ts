import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RegistryError, badRequest, invalidSchema, notFound } from './registry/errors.ts';
import { SchemaStore } from './registry/store.ts';

interface RegistryDoubleOptions {
  /** Default 0 (ephemeral). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Persist subjects, ids and config to this JSON file (and load it on start). */
  file?: string;
}

export interface RegistryDouble {
  /** e.g. http://127.0.0.1:40123 */
  readonly url: string;
  stop(): Promise<void>;
}

const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';
const MAX_BODY = 4 * 1024 * 1024;

interface Request {
  method: string;
  /** Decoded path segments. */
  parts: string[];
  query: URLSearchParams;
  body: unknown;
}

type Handler = (store: SchemaStore, req: Request) => unknown;

/** Body field `schema`, refusing schema types this double cannot check. */
function avroSchemaOf(body: unknown): unknown {
  const fields = (body ?? {}) as { schema?: unknown; schemaType?: unknown; references?: unknown };
  if (fields.schemaType !== undefined && fields.schemaType !== 'AVRO') {
    throw invalidSchema(`schemaType ${String(fields.schemaType)} is not supported by this registry double (AVRO only)`);
  }
  if (Array.isArray(fields.references) && fields.references.length > 0) {
    throw invalidSchema('schema references are not supported by this registry double');
  }
  return fields.schema;
}

function levelOf(body: unknown): unknown {
  return (body as { compatibility?: unknown } | null)?.compatibility;
}

function idParam(value: string | undefined): number {
  const id = Number(value);
  if (!Number.isInteger(id) || id < 1) throw notFound();
  return id;
}

/** Routes by method and path shape; returns the JSON body to answer with. */
function route(store: SchemaStore, req: Request): unknown {
  const { method, parts } = req;
  const [head, a, b, c, d] = parts;
  const n = parts.length;
  const is = (m: string, shape: string): boolean => method === m && `${head}/${n}` === shape;

  if (head === 'schemas' && a === 'ids' && b !== undefined && method === 'GET') {
    const id = idParam(b);
    if (n === 3) return { schema: store.schemaById(id) };
    if (n === 4 && c === 'versions') return store.subjectsOfId(id);
    if (n === 4 && c === 'schema') return JSON.parse(store.schemaById(id)) as unknown;
  }
  if (is('GET', 'subjects/1')) return store.subjects();
  if (head === 'subjects' && a !== undefined) {
    if (n === 2 && method === 'POST') return store.lookup(a, avroSchemaOf(req.body));
    if (n === 2 && method === 'DELETE') return store.deleteSubject(a);
    if (n === 3 && b === 'versions' && method === 'GET') return store.versions(a);
    if (n === 3 && b === 'versions' && method === 'POST') return { id: store.register(a, avroSchemaOf(req.body)) };
    if (n === 4 && b === 'versions' && c !== undefined && method === 'GET') return store.getVersion(a, c);
    if (n === 4 && b === 'versions' && c !== undefined && method === 'DELETE') return store.deleteVersion(a, c);
    if (n === 5 && b === 'versions' && c !== undefined && d === 'schema' && method === 'GET') {
      return JSON.parse(store.getVersion(a, c).schema) as unknown;
    }
  }
  if (head === 'compatibility' && a === 'subjects' && b !== undefined && c === 'versions' && method === 'POST') {
    if (n === 4 || n === 5) {
      const reasons = store.compatibility(b, n === 5 ? d : undefined, avroSchemaOf(req.body));
      const verbose = req.query.get('verbose') === 'true';
      return verbose ? { is_compatible: reasons.length === 0, messages: reasons } : { is_compatible: reasons.length === 0 };
    }
  }
  if (head === 'config') {
    if (is('GET', 'config/1')) return { compatibilityLevel: store.globalLevel() };
    if (is('PUT', 'config/1')) return { compatibility: store.setGlobalLevel(levelOf(req.body)) };
    if (n === 2 && a !== undefined) {
      if (method === 'GET') {
        return { compatibilityLevel: store.subjectLevel(a, req.query.get('defaultToGlobal') === 'true') };
      }
      if (method === 'PUT') return { compatibility: store.setSubjectLevel(a, levelOf(req.body)) };
      if (method === 'DELETE') return { compatibilityLevel: store.deleteSubjectLevel(a) };
    }
  }
  throw notFound();
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(badRequest('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': CONTENT_TYPE, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(store: SchemaStore, handler: Handler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', 'http://registry');
    const parts = url.pathname
      .split('/')
      .filter((p) => p !== '')
      .map((p) => decodeURIComponent(p));
    const raw = await readBody(req);
    let body: unknown = undefined;
    if (raw.trim() !== '') {
      try {
        body = JSON.parse(raw) as unknown;
      } catch {
        throw badRequest('request body is not valid JSON');
      }
    }
    send(res, 200, handler(store, { method: req.method ?? 'GET', parts, query: url.searchParams, body }));
  } catch (err) {
    if (err instanceof RegistryError) {
      send(res, err.status, { error_code: err.errorCode, message: err.message });
    } else {
      send(res, 500, { error_code: 50001, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

/**
 * Starts a Confluent-Schema-Registry-compatible double (Avro only) on node:http. Enough of the REST API
 * for @kafkajs/confluent-schema-registry and for the services' startup checks; production uses the
 * real registry.
 */
export function startRegistryDouble(opts: RegistryDoubleOptions = {}): Promise<RegistryDouble> {
  const store = new SchemaStore(opts.file);
  const server = createServer((req, res) => void handle(store, route, req, res));
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
