import { z } from 'zod';
import { field } from '@ckt/config';
import { DEFAULT_GROUP_IDS, kafkaEnv, topicsEnv } from '@ckt/kafka';
import { loggingEnv } from '@ckt/logging';
import { observabilityEnv } from '@ckt/observability';
import { schemaRegistryEnv } from '@ckt/schemas';

const extractorEnv = {
  ...kafkaEnv,
  ...topicsEnv,
  ...loggingEnv,
  ...observabilityEnv,
  /** SCHEMA_REGISTRY_URL (+ optional basic auth): the row schemas are registered there at start. */
  ...schemaRegistryEnv,
  /** Secret key of the e-mail hash (HMAC-SHA256); empty = plain SHA-256. Never logged; changing it changes every hash. */
  EXTRACTOR_EMAIL_PEPPER: field.text(''),
  /** Consumer group of the extractor on the family topics. */
  EXTRACTOR_GROUP_ID: field.text(DEFAULT_GROUP_IDS.extractor),
  /** Family-topic partitions handled at the same time by one instance (order stays per partition). */
  EXTRACTOR_PARTITIONS_CONCURRENTLY: field.integer(32, { min: 1, max: 64 }),
};
export const extractorSchema = z.object(extractorEnv);
export type ExtractorConfig = z.infer<typeof extractorSchema>;
