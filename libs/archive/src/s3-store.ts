import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { checkKey, normalisePrefix } from './keys.ts';
import { ObjectConflictError, type ObjectStore } from './object-store.ts';

interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket (`a/b` or `a/b/`); empty for the bucket root. */
  prefix?: string;
  endpoint?: string;
  region: string;
  /** Unset: the SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  forcePathStyle: boolean;
  /** Bodies of at least this many bytes go up as a multipart upload with parts of this size. */
  multipartPartBytes: number;
  /** Attempts per request inside the SDK before a put/get/list fails (default 3). */
  maxAttempts?: number;
}

/**
 * S3 client settings that work against AWS, MinIO and s3rver. Checksums only when an operation requires
 * them: with the SDK's default (always) s3rver stores streamed bodies corrupt, and MinIO versions differ.
 */
function s3ClientOptions(o: Omit<S3StoreOptions, 'bucket' | 'prefix' | 'multipartPartBytes'>): S3ClientConfig {
  return {
    region: o.region,
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    forcePathStyle: o.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: o.maxAttempts ?? 3,
  };
}

function isNotFound(error: unknown): boolean {
  if (error instanceof S3ServiceException) return error.name === 'NoSuchKey' || error.$metadata.httpStatusCode === 404;
  return false;
}

export function createS3Store(options: S3StoreOptions): ObjectStore {
  const client = new S3Client(s3ClientOptions(options));
  const { bucket } = options;
  const root = normalisePrefix(options.prefix ?? '');
  const fullKey = (key: string) => root + checkKey(key);
  const get = async (key: string): Promise<Buffer | undefined> => {
    try {
      const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }));
      if (!result.Body) return Buffer.alloc(0);
      return Buffer.from(await result.Body.transformToByteArray());
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  };
  return {
    location: `s3://${bucket}/${root}`,
    async put(key, body, { contentType = 'application/octet-stream', signal } = {}) {
      // Write-once by a read first; a writer in between can still win (closed by a conditional put on servers
      // that support If-None-Match).
      const existing = await get(key);
      if (existing) {
        if (existing.equals(body)) return;
        throw new ObjectConflictError(key);
      }
      const params = { Bucket: bucket, Key: fullKey(key), Body: body, ContentType: contentType };
      if (body.length < options.multipartPartBytes) {
        await client.send(new PutObjectCommand({ ...params, ContentLength: body.length }), { abortSignal: signal });
        return;
      }
      // lib-storage aborts the multipart upload on failure (leavePartsOnError false), so no parts linger.
      const upload = new Upload({ client, params, partSize: options.multipartPartBytes, queueSize: 2, leavePartsOnError: false });
      const abort = () => void upload.abort();
      signal?.addEventListener('abort', abort, { once: true });
      try {
        await upload.done();
      } finally {
        signal?.removeEventListener('abort', abort);
      }
    },
    get,
    async *list(prefix = '') {
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: root + prefix, ContinuationToken: token }),
        );
        for (const object of page.Contents ?? []) {
          if (object.Key !== undefined) yield object.Key.slice(root.length);
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    },
    close: async () => client.destroy(),
  };
}
