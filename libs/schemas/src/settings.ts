import { z } from 'zod';
import { field } from '@ckt/config';
import type { RowCodecOptions } from './codec.ts';

export const schemaRegistryEnv = {
  /** Confluent Schema Registry base URL. */
  SCHEMA_REGISTRY_URL: field.httpUrl(),
  /** Basic-auth user of the registry (optional). */
  SCHEMA_REGISTRY_USERNAME: z.string().optional(),
  /** Basic-auth password of the registry (secret; optional). */
  SCHEMA_REGISTRY_PASSWORD: z.string().optional(),
};
export const schemaRegistrySchema = z.object(schemaRegistryEnv);
type SchemaRegistrySettings = z.infer<typeof schemaRegistrySchema>;

/** Codec options from the settings; basic auth only when both credentials are set. */
export function rowCodecOptions(settings: SchemaRegistrySettings, clientId?: string): RowCodecOptions {
  const { SCHEMA_REGISTRY_USERNAME: username, SCHEMA_REGISTRY_PASSWORD: password } = settings;
  return {
    registryUrl: settings.SCHEMA_REGISTRY_URL,
    auth: username && password ? { username, password } : undefined,
    ...(clientId ? { clientId } : {}),
  };
}
