import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { archiveSchema } from './env.ts';
import { openObjectStore, parseArchiveUrl } from './open-store.ts';

describe('ARCHIVE_URL', () => {
  it('names a local directory or a bucket and prefix', () => {
    expect(parseArchiveUrl('file:///var/archive')).toEqual({ kind: 'file', dir: '/var/archive' });
    expect(parseArchiveUrl('file://./data/archive')).toEqual({ kind: 'file', dir: './data/archive' });
    expect(parseArchiveUrl('s3://archive/')).toEqual({ kind: 's3', bucket: 'archive', prefix: '' });
    expect(parseArchiveUrl('s3://my-bucket/checkout/v1')).toEqual({ kind: 's3', bucket: 'my-bucket', prefix: 'checkout/v1' });
  });

  it('is checked at start-up with a one-line error', () => {
    expect(() => loadConfig(archiveSchema, { ARCHIVE_URL: 'http://x' })).toThrow(/ARCHIVE_URL: expected file:/);
    expect(() => openObjectStore(loadConfig(archiveSchema, { ARCHIVE_URL: 's3://b-1/p', S3_ACCESS_KEY_ID: 'k' }))).toThrow(/set both or neither/);
  });

  it('opens a store whose location never shows credentials', async () => {
    const store = openObjectStore(loadConfig(archiveSchema, { ARCHIVE_URL: 's3://b-1/p/', S3_ACCESS_KEY_ID: 'AKIA', S3_SECRET_ACCESS_KEY: 'sekrit' }));
    expect(store.location).toBe('s3://b-1/p/');
    await store.close();
  });
});
