import path from 'node:path';
import { spawnReady, tsEntryCommand } from './process.ts';
import { srcDir } from './paths.ts';

interface S3Options {
  /** Where s3rver keeps buckets and objects. */
  dir: string;
  /** Buckets created before it answers. */
  buckets: string[];
  /** Default 0 (ephemeral). */
  port?: number;
}

/** Where an S3-compatible endpoint is and how to sign for it. */
interface S3EndpointInfo {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Server extends S3EndpointInfo {
  readonly pid: number;
  stop(): Promise<void>;
}

/** @aws-sdk/client-s3 config that works against s3rver and MinIO (path-style; checksums only when required,
 * else streamed PutObject bodies are stored corrupt by s3rver — see INFRA.md). */
export function s3ClientConfig(info: S3EndpointInfo): {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: true;
  requestChecksumCalculation: 'WHEN_REQUIRED';
  responseChecksumValidation: 'WHEN_REQUIRED';
} {
  return {
    endpoint: info.endpoint,
    region: info.region,
    credentials: { accessKeyId: info.accessKeyId, secretAccessKey: info.secretAccessKey },
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  };
}

/** Starts s3rver in a child process on 127.0.0.1. */
export async function startS3(opts: S3Options): Promise<S3Server> {
  const { command, args } = tsEntryCommand(path.join(srcDir, 's3-main.ts'));
  args.push('--dir', opts.dir, '--port', String(opts.port ?? 0));
  for (const bucket of opts.buckets) args.push('--bucket', bucket);
  const nodeOptions = [process.env.NODE_OPTIONS, '--openssl-legacy-provider'].filter(Boolean).join(' ');
  const proc = await spawnReady<{ endpoint: string }>({
    name: 's3rver',
    command,
    args,
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
  });
  return {
    endpoint: proc.ready.endpoint,
    region: 'us-east-1',
    // s3rver accepts exactly these credentials.
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    pid: proc.pid,
    stop: () => proc.stop(),
  };
}
