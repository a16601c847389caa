// What the warehouse and the dead-letter archive of a running pipeline must hold for the records sent to it,
// and the checks the end-to-end suites share.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { createFileStore, deadLetterIdentity, decodeArchiveObject, listAll } from '@ckt/archive';
import type { ExpectedOutcome } from '@ckt/generator';
import { until, type RunningPipeline } from './pipeline.ts';

export const TABLES = ['fact_ticket_sale', 'fact_refund', 'fact_payment', 'fact_checkout', 'dim_customer', 'dim_attraction'] as const;

const cents = (amount: string): bigint => {
  const [whole = '0', fraction = ''] = amount.split('.');
  return BigInt(whole) * 100n + BigInt((fraction + '00').slice(0, 2));
};

export interface ArchivedDeadLetters {
  /** Distinct dead letters by reason: copies a stage wrote again after re-reading its source collapse (README). */
  byReason: Map<string, number>;
  /** Records in the archive, copies included. */
  records: number;
}

/** The dead-letter archive of a pipeline, copies collapsed as its readers collapse them (deadLetterIdentity). */
export async function archivedDeadLetters(pipeline: RunningPipeline): Promise<ArchivedDeadLetters> {
  const store = createFileStore(path.join(pipeline.dataDir, 'archive'));
  const seen = new Set<string>();
  const byReason = new Map<string, number>();
  let records = 0;
  for (const key of await listAll(store, 'checkout.dlq/')) {
    const body = await store.get(key);
    for (const record of body ? decodeArchiveObject(body) : []) {
      records++;
      const identity = deadLetterIdentity(record);
      if (seen.has(identity)) continue;
      seen.add(identity);
      const reason = String(record.headers['dlq.reason']);
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
  }
  return { byReason, records };
}

export async function tableCounts(pipeline: RunningPipeline): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    const [row] = await pipeline.query<{ n: number | string }>(`SELECT count() AS n FROM dwh.${table} FINAL`);
    counts[table] = Number(row?.n ?? -1);
  }
  return counts;
}

/** Waits until every consumer group caught up and the warehouse and DLQ archive hold what `expected` implies. */
export async function caughtUp(pipeline: RunningPipeline, expected: ExpectedOutcome, timeoutMs = 240_000): Promise<void> {
  const expectedDead = Object.values(expected.deadLetters.byReason).reduce((a, b) => a + b, 0);
  let last = '';
  await until(
    async () => {
      const [lag, counts, dead] = await Promise.all([pipeline.totalLag(), tableCounts(pipeline), archivedDeadLetters(pipeline)]);
      const archived = [...dead.byReason.values()].reduce((a, b) => a + b, 0);
      last = JSON.stringify({ lag, counts, archivedDeadLetters: archived, expected: { tableRows: expected.tableRows, deadLetters: expectedDead } });
      return lag === 0 && TABLES.every((t) => counts[t] === expected.tableRows[t]) && archived >= expectedDead;
    },
    'the pipeline to catch up',
    timeoutMs,
    1000,
  ).catch((error: unknown) => {
    const file = path.join(pipeline.dataDir, 'pipeline-output.log');
    writeFileSync(file, pipeline.output());
    throw new Error(`${String(error)}; last seen ${last}; the pipeline's output is in ${file}\n${pipeline.output().split('\n').slice(-40).join('\n')}`);
  });
}

/** Rows under FINAL, money sums, distinct ids and dead letters by reason: exactly what was sent implies. */
export async function assertExact(pipeline: RunningPipeline, expected: ExpectedOutcome): Promise<void> {
  expect(await tableCounts(pipeline)).toEqual(Object.fromEntries(TABLES.map((t) => [t, expected.tableRows[t]])));

  const sums = await pipeline.query<{ currency: string; total: string }>(
    'SELECT currency, toString(sum(price)) AS total FROM dwh.fact_ticket_sale FINAL GROUP BY currency',
  );
  const actualSums = Object.fromEntries(sums.map((r) => [r.currency, cents(r.total)]));
  const expectedSums = Object.fromEntries(Object.entries(expected.moneySums.fact_ticket_sale.price).map(([c, v]) => [c, cents(v)]));
  expect(actualSums).toEqual(expectedSums);

  const [ids] = await pipeline.query<Record<string, number | string>>(`SELECT
      (SELECT uniqExact(customer_id) FROM dwh.dim_customer FINAL) AS customer_id,
      (SELECT uniqExact(attraction_id) FROM dwh.dim_attraction FINAL) AS attraction_id,
      (SELECT uniqExact(checkout_id) FROM dwh.fact_checkout FINAL) AS checkout_id,
      (SELECT uniqExact(ticket_id) FROM dwh.fact_ticket_sale FINAL) AS ticket_id,
      (SELECT uniqExact(transaction_id) FROM dwh.fact_payment FINAL) AS transaction_id`);
  expect(Object.fromEntries(Object.entries(ids ?? {}).map(([k, v]) => [k, Number(v)]))).toEqual(expected.distinctIds);

  const dead = await archivedDeadLetters(pipeline);
  const expectedDead = Object.fromEntries(Object.entries(expected.deadLetters.byReason).filter(([, n]) => n > 0));
  expect(Object.fromEntries(dead.byReason)).toEqual(expectedDead);
}
