import { describe, expect, it } from 'vitest';
import { loadConfig } from '@ckt/config';
import { rowCodecOptions, schemaRegistrySchema } from './settings.ts';

describe('rowCodecOptions', () => {
  it('uses basic auth only when both credentials are set', () => {
    const url = 'http://registry:8081';
    expect(rowCodecOptions(loadConfig(schemaRegistrySchema, { SCHEMA_REGISTRY_URL: url }))).toEqual({ registryUrl: url, auth: undefined });
    expect(rowCodecOptions(loadConfig(schemaRegistrySchema, { SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_USERNAME: 'u' }), 'sink')).toEqual({
      registryUrl: url,
      auth: undefined,
      clientId: 'sink',
    });
    const both = loadConfig(schemaRegistrySchema, { SCHEMA_REGISTRY_URL: url, SCHEMA_REGISTRY_USERNAME: 'u', SCHEMA_REGISTRY_PASSWORD: 'p' });
    expect(rowCodecOptions(both).auth).toEqual({ username: 'u', password: 'p' });
  });
});
