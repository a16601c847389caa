import { EXTRACTED_TABLES, type ExtractedTableName, type TopicNames } from '@ckt/domain';
import type { Logger } from '@ckt/logging';
import { retry, type BackoffOptions } from '@ckt/resilience';
import type { RowCodec } from '@ckt/schemas';

/** Answers that no retry can change: 409 incompatible schema, 422 invalid schema. */
const DEFINITIVE_STATUSES = new Set([409, 422]);

export interface RegistrationRetry {
  attempts: number;
  backoff: BackoffOptions;
}

const DEFAULT_REGISTRATION_RETRY: RegistrationRetry = { attempts: 8, backoff: { initialMs: 500, maxMs: 5000 } };

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
};

/**
 * Registers every row schema (the codec names the subject when refused). A registry that is not reachable
 * yet (e.g. starting alongside) is retried with backoff; an incompatible or invalid schema fails at once.
 */
export async function registerRowSchemas(
  codec: Pick<RowCodec, 'registerTableSchemas'>,
  names: TopicNames,
  logger: Logger,
  policy: RegistrationRetry = DEFAULT_REGISTRATION_RETRY,
  tables: readonly ExtractedTableName[] = EXTRACTED_TABLES,
): Promise<Map<ExtractedTableName, number>> {
  return retry(() => codec.registerTableSchemas(tables, names), {
    backoff: policy.backoff,
    maxAttempts: policy.attempts,
    retryable: (error) => !DEFINITIVE_STATUSES.has(statusOf(error) ?? 0),
    onRetry: ({ error, attempt, delayMs }) => logger.warn({ attempt, status: statusOf(error), retryInMs: delayMs, err: error }, 'schema registration failed, will retry'),
  });
}
