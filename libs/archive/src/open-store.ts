import { fileURLToPath } from 'node:url';
import { ConfigError } from '@ckt/config';
import type { ArchiveSettings } from './env.ts';
import { createFileStore } from './file-store.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3Store } from './s3-store.ts';

type ArchiveTarget = { kind: 'file'; dir: string } | { kind: 's3'; bucket: string; prefix: string };

/** `file:///abs`, `file://./rel` (relative to the working directory) or `s3://bucket/prefix`. */
export function parseArchiveUrl(url: string): ArchiveTarget {
  if (url.startsWith('file:///')) return { kind: 'file', dir: fileURLToPath(url) };
  if (url.startsWith('file://')) return { kind: 'file', dir: url.slice('file://'.length) };
  const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
  if (s3?.[1]) return { kind: 's3', bucket: s3[1], prefix: s3[2] ?? '' };
  throw new ConfigError([`ARCHIVE_URL: expected file:///dir, file://./dir or s3://bucket/prefix`]);
}

/** The object store ARCHIVE_URL names, with the S3_* settings for s3:// targets. */
export function openObjectStore(settings: ArchiveSettings): ObjectStore {
  const target = parseArchiveUrl(settings.ARCHIVE_URL);
  if (target.kind === 'file') return createFileStore(target.dir);
  const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = settings;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    throw new ConfigError(['S3_ACCESS_KEY_ID/S3_SECRET_ACCESS_KEY: set both or neither']);
  }
  return createS3Store({
    bucket: target.bucket,
    prefix: target.prefix,
    endpoint: settings.S3_ENDPOINT,
    region: settings.S3_REGION,
    credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : undefined,
    forcePathStyle: settings.S3_FORCE_PATH_STYLE,
    multipartPartBytes: settings.S3_MULTIPART_PART_BYTES,
  });
}
