// Process entry for s3rver: `node --openssl-legacy-provider --import tsx s3-main.ts --dir D [--bucket B]...`.
// Runs in its own process because s3rver needs the OpenSSL legacy provider (see INFRA.md) and is chatty.
// Prints {"endpoint":...} on one line when listening; exits on SIGINT/SIGTERM.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { onShutdown } from './shutdown.ts';

interface S3rverOptions {
  address: string;
  port: number;
  directory: string;
  silent: boolean;
  configureBuckets: { name: string }[];
}
interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverConstructor = new (options: S3rverOptions) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    bucket: { type: 'string', multiple: true },
  },
});
if (!values.dir) {
  console.error('usage: s3-main --dir <directory> [--port N] [--bucket name]...');
  process.exit(2);
}
mkdirSync(values.dir, { recursive: true });
const host = values.host ?? '127.0.0.1';
const server = new S3rver({
  address: host,
  port: values.port === undefined ? 0 : Number(values.port),
  directory: values.dir,
  silent: true,
  configureBuckets: (values.bucket ?? []).map((name) => ({ name })),
});
const address = await server.run();
console.log(JSON.stringify({ endpoint: `http://${host}:${address.port}` }));
onShutdown(() => server.close());
