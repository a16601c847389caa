import { z } from 'zod';
import { field } from '@ckt/config';
import { DEFAULT_GROUP_IDS, kafkaEnv, topicsEnv } from '@ckt/kafka';
import { loggingEnv } from '@ckt/logging';
import { observabilityEnv } from '@ckt/observability';

const routerEnv = {
  ...kafkaEnv,
  ...topicsEnv,
  ...loggingEnv,
  ...observabilityEnv,
  /** Consumer group of the router on the raw topic; every router instance of one pipeline shares it. */
  ROUTER_GROUP_ID: field.text(DEFAULT_GROUP_IDS.router),
  /** Raw-topic partitions handled at the same time by one instance (order stays per partition). */
  ROUTER_PARTITIONS_CONCURRENTLY: field.integer(12, { min: 1, max: 64 }),
};
export const routerSchema = z.object(routerEnv);
export type RouterConfig = z.infer<typeof routerSchema>;
