import type { WarehouseErrorKind } from '@ckt/warehouse';
import type { BufferedRow } from './row-cutter.ts';

interface RejectedRow {
  row: BufferedRow;
  error: unknown;
}

interface BatchWriterDeps {
  /**
   * Inserts rows (a contiguous offset run of one partition) as one statement, retrying transient failures with
   * the same rows (and so the same dedup token); throws what retrying cannot help, or when stopped.
   */
  insert(rows: BufferedRow[]): Promise<void>;
  classify(error: unknown): WarehouseErrorKind;
}

/**
 * Writes rows, isolating the ones the warehouse rejects: a rejection splits the rows in halves, left first,
 * until the offending rows stand alone. They are returned for the dead-letter topic; every other row is
 * written, in offset order. Progress is kept across retries: a transient failure half-way through a split
 * retries only the pending part.
 */
export async function writeRows(rows: BufferedRow[], deps: BatchWriterDeps): Promise<RejectedRow[]> {
  const rejected: RejectedRow[] = [];
  // Pending [start, end) ranges; the top of the stack is the leftmost, so rows are written in offset order.
  const stack: Array<[number, number]> = rows.length > 0 ? [[0, rows.length]] : [];
  while (stack.length > 0) {
    const [start, end] = stack.pop() as [number, number];
    const slice = rows.slice(start, end);
    try {
      await deps.insert(slice);
    } catch (error) {
      if (deps.classify(error) !== 'rejected') throw error;
      if (end - start === 1) {
        rejected.push({ row: slice[0] as BufferedRow, error });
        continue;
      }
      const middle = start + Math.ceil((end - start) / 2);
      stack.push([middle, end], [start, middle]);
    }
  }
  return rejected;
}
