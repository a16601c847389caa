import { z } from 'zod';
import { field } from '@ckt/config';

const ARCHIVE_URL = /^(file:\/\/.+|s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?)$/;
const MIB = 1024 * 1024;

/** Where archived objects go and how to reach S3; shared by the archiver and the redrive command. */
export const archiveEnv = {
  /** `file:///abs/dir` or `file://./rel/dir` (local runs), or `s3://bucket/prefix` (S3 or MinIO). */
  ARCHIVE_URL: z
    .string()
    .regex(ARCHIVE_URL, { error: 'expected file:///dir, file://./dir or s3://bucket/prefix' })
    .default('file://./data/archive'),
  /** S3 endpoint for MinIO/s3rver; unset means AWS's regional endpoint. */
  S3_ENDPOINT: field.optionalHttpUrl(),
  S3_REGION: field.text('us-east-1'),
  /** Static credentials; unset means the SDK's default chain (environment, web identity, instance role). */
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Path-style URLs (bucket in the path), which MinIO and s3rver need. */
  S3_FORCE_PATH_STYLE: field.flag(true),
  /** Objects at least this large are uploaded as a multipart upload with parts of this size (S3 minimum 5 MiB). */
  S3_MULTIPART_PART_BYTES: field.integer(8 * MIB, { min: 5 * MIB, max: 5 * 1024 * MIB }),
};
export const archiveSchema = z.object(archiveEnv);
export type ArchiveSettings = z.infer<typeof archiveSchema>;
