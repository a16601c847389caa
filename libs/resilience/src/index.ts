export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.ts';
export { GroupCommit } from './group-commit.ts';
export { LoadOnce } from './load-once.ts';
export { retry, RetryStoppedError, type RetryFailure } from './retry.ts';
export { sleep } from './sleep.ts';
export { within } from './within.ts';
