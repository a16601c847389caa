import { hashSeed } from '../prng.ts';

/**
 * Ids are namespaced by run (derived from the seed) so runs with different seeds never share an event_id
 * or an entity id, and faults get their own namespace so they never touch valid entities. Ids embed a
 * counter, so they are unique within a run by construction (not by luck of the PRNG).
 */

export interface RunNamespace {
  /** Six base-36 characters, e.g. `k3x9q2`. */
  readonly runId: string;
  /** 100000..999999: the high digits of numeric ids (event ids, customer ids) of this run. */
  readonly runNumber: number;
}

export function runNamespace(seed: string | number): RunNamespace {
  const [h1, h2] = hashSeed(`run\u0000${String(seed)}`);
  const runId = (h1 % 36 ** 6).toString(36).padStart(6, '0');
  return { runId, runNumber: 100_000 + (h2 % 900_000) };
}

/** Numeric ids: runNumber * 1e9 + counter (at most 15 digits: a safe integer). */
const NUMERIC_SPAN = 1_000_000_000;

export interface IdFactory {
  /** Canonical (normalised) customer id; all digits for valid traffic, so it may be sent as a JSON integer. */
  customer(): string;
  attraction(): string;
  checkout(): string;
  ticket(): string;
  transaction(processor: string): string;
}

interface Counters {
  customer: number;
  attraction: number;
  checkout: number;
  ticket: number;
  transaction: number;
}

const TRANSACTION_PREFIX: Readonly<Record<string, string>> = {
  stripe: 'pi_',
  adyen: 'ADY-',
  paypal: 'PAYID-',
  klarna: 'KL-',
};

/** Ids of the valid world. */
export function worldIds(ns: RunNamespace): IdFactory {
  const n: Counters = { customer: 0, attraction: 0, checkout: 0, ticket: 0, transaction: 0 };
  return {
    customer: () => String(ns.runNumber * NUMERIC_SPAN + ++n.customer),
    attraction: () => `att_${ns.runId}_${++n.attraction}`,
    checkout: () => `chk_${ns.runId}_${++n.checkout}`,
    ticket: () => `tkt_${ns.runId}_${++n.ticket}`,
    transaction: (processor) => `${TRANSACTION_PREFIX[processor] ?? 'txn_'}${ns.runId}_${++n.transaction}`,
  };
}

/** Ids of faulty events: a namespace of their own (`flt_<run>_...`), never numeric. */
export function faultIds(ns: RunNamespace): IdFactory {
  const n: Counters = { customer: 0, attraction: 0, checkout: 0, ticket: 0, transaction: 0 };
  const id = (kind: keyof Counters, tag: string): string => `flt_${ns.runId}_${tag}${++n[kind]}`;
  return {
    customer: () => id('customer', 'cus'),
    attraction: () => id('attraction', 'att'),
    checkout: () => id('checkout', 'chk'),
    ticket: () => id('ticket', 'tkt'),
    transaction: () => id('transaction', 'txn'),
  };
}

/** event_id of the n-th valid event (1-based): a string or, now and then, an integer. */
export function validEventId(ns: RunNamespace, n: number, asInteger: boolean): string | number {
  return asInteger ? ns.runNumber * NUMERIC_SPAN + n : `evt_${ns.runId}_${n}`;
}

/** event_id of the n-th faulty event (1-based). */
export function faultEventId(ns: RunNamespace, n: number): string {
  return `evt_${ns.runId}_f${n}`;
}
