export { resolveQueryTarget, type QueryTarget, type TargetInputs } from './target.ts';
export { runQuery, queryThroughSink, queryWarehouse, QueryError } from './run-query.ts';
