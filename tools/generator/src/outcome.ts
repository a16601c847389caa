import {
  DEAD_LETTER_REASONS,
  DEAD_LETTER_STAGES,
  EVENT_NAMES,
  EVENT_RULES,
  FAMILIES,
  type DeadLetterReason,
  type DeadLetterStage,
  type EventName,
  type Family,
} from './catalog.ts';
import { formatCents, moneyToCents } from './money.ts';
import { classifyRecord, normaliseId } from './validate.ts';

/**
 * What the pipeline must end up with after a set of deliveries, computed from the delivered texts alone by
 * the catalog's rules (validate.ts), independently of the pipeline's code:
 * - a delivery whose event_id was already delivered validly is the same event: no new row;
 * - every invalid delivery is one dead letter at the stage that checks what is broken;
 * - each valid event gives one warehouse row version; per grain the latest event time wins (FINAL).
 */

export const WAREHOUSE_TABLES = ['fact_ticket_sale', 'fact_refund', 'fact_payment', 'fact_checkout', 'dim_customer', 'dim_attraction'] as const;
export type WarehouseTable = (typeof WAREHOUSE_TABLES)[number];

/** Money sums per currency code, as exact 2-decimal strings (`{"EUR": "1234.50"}`). */
export type MoneyByCurrency = Record<string, string>;

export interface ExpectedOutcome {
  /** Deliveries considered. */
  records: number;
  deliveries: {
    /** Valid deliveries, repeats included. */
    valid: number;
    /** Valid deliveries of an event_id delivered validly before (no new rows). */
    duplicate: number;
    /** Deliveries that must become dead letters. */
    deadLettered: number;
  };
  /** Distinct valid events (by event_id), total and per event_name (every catalog name present, 0 if none). */
  validEvents: { total: number; byName: Record<EventName, number> };
  /** Events the bridge must publish to the raw topic: valid, unknown-name and invalid-payload ones. */
  rawEvents: { deliveries: number; distinct: number };
  /** Distinct events the router must publish per family topic (valid plus invalid-payload ones). */
  familyEvents: Record<Family, number>;
  /** Row versions per table before dedup: distinct valid events feeding the table. */
  rowVersions: Record<WarehouseTable, number>;
  /** Rows per table under FINAL: distinct grain keys. */
  tableRows: Record<WarehouseTable, number>;
  /** Sums of money columns over FINAL rows, per currency. */
  moneySums: {
    fact_ticket_sale: { price: MoneyByCurrency };
    fact_refund: { refund_amount: MoneyByCurrency };
    fact_checkout: { total_amount: MoneyByCurrency };
    fact_payment: { amount: MoneyByCurrency };
  };
  /** fact_payment amount over FINAL rows per status (triggered, succeeded, failed) and currency. */
  paymentAmountByStatus: Record<string, MoneyByCurrency>;
  /** Rows per step (fact_checkout) and per status (fact_payment) under FINAL. */
  checkoutSteps: Record<string, number>;
  paymentStatuses: Record<string, number>;
  /** Distinct ids under FINAL: customer_id of dim_customer, attraction_id of dim_attraction, checkout_id of
   * fact_checkout, ticket_id of fact_ticket_sale, transaction_id of fact_payment. */
  distinctIds: { customer_id: number; attraction_id: number; checkout_id: number; ticket_id: number; transaction_id: number };
  deadLetters: {
    total: number;
    byReason: Record<DeadLetterReason, number>;
    byStage: Record<DeadLetterStage, number>;
    byStageAndReason: Record<DeadLetterStage, Partial<Record<DeadLetterReason, number>>>;
  };
  /** Grains whose latest version is held by two different events with the same event time (should be 0:
   * the warehouse could keep either). */
  ambiguousGrains: number;
}

interface OutcomeOptions {
  /** The bridge's per-event size limit in bytes (default 1 MiB). */
  eventSizeLimit?: number;
}

interface RowVersion {
  table: WarehouseTable;
  grain: readonly string[];
  versionMs: number;
  /** A money column's value (cents) and its currency, when the table has one. */
  cents: bigint | null;
  currency: string | null;
}

interface Winner {
  versionMs: number;
  eventId: string;
  tied: boolean;
  cents: bigint | null;
  currency: string | null;
  grain: readonly string[];
}

/** Input: the texts that were delivered, or records carrying them (e.g. GeneratedRecord). */
type DeliveredRecord = string | { readonly text: string };

/** Expectations for a whole delivered set. */
export function expectedOutcome(records: Iterable<DeliveredRecord>, options: OutcomeOptions = {}): ExpectedOutcome {
  const accumulator = new OutcomeAccumulator(options);
  for (const record of records) accumulator.add(record);
  return accumulator.result();
}

/** The same, fed one delivery at a time (for long runs; memory grows with distinct events and grains). */
export class OutcomeAccumulator {
  private readonly limit: number;
  private records = 0;
  private validDeliveries = 0;
  private duplicateDeliveries = 0;
  private rawDeliveries = 0;
  private readonly validIds = new Set<string>();
  private readonly rawIds = new Set<string>();
  private readonly validByName = zeroes<EventName>(EVENT_NAMES);
  private readonly familyIds = new Map<Family, Set<string>>(FAMILIES.map((family) => [family, new Set<string>()]));
  private readonly rowVersions = zeroes<WarehouseTable>(WAREHOUSE_TABLES);
  private readonly winners = new Map<WarehouseTable, Map<string, Winner>>(WAREHOUSE_TABLES.map((table) => [table, new Map()]));
  private readonly deadByStageReason = new Map<string, number>();

  constructor(options: OutcomeOptions = {}) {
    this.limit = options.eventSizeLimit ?? 1024 * 1024;
  }

  add(record: DeliveredRecord): void {
    const text = typeof record === 'string' ? record : record.text;
    this.records++;
    const verdict = classifyRecord(text, this.limit);
    if (!verdict.ok) {
      const key = `${verdict.stage}/${verdict.reason}`;
      this.deadByStageReason.set(key, (this.deadByStageReason.get(key) ?? 0) + 1);
      if (verdict.eventId !== undefined && verdict.eventName !== undefined) {
        this.noteRaw(verdict.eventId, verdict.stage === 'extractor' ? verdict.eventName : undefined);
      }
      return;
    }
    this.noteRaw(verdict.eventId, verdict.eventName);
    this.validDeliveries++;
    if (this.validIds.has(verdict.eventId)) {
      this.duplicateDeliveries++;
      return;
    }
    this.validIds.add(verdict.eventId);
    this.validByName[verdict.eventName]++;
    for (const row of rowsOf(verdict.eventName, verdict.payload, verdict.timestampMs)) {
      this.rowVersions[row.table]++;
      this.offer(row, verdict.eventId);
    }
  }

  /** An event that passed the bridge: counted on the raw topic, and on its family topic when routed (catalog name). */
  private noteRaw(eventId: string, routedName: string | undefined): void {
    this.rawDeliveries++;
    this.rawIds.add(eventId);
    if (routedName !== undefined) this.familyIds.get(EVENT_RULES[routedName as EventName].family)?.add(eventId);
  }

  private offer(row: RowVersion, eventId: string): void {
    const grains = this.winners.get(row.table) as Map<string, Winner>;
    const key = row.grain.join('\u0000');
    const current = grains.get(key);
    if (current === undefined || row.versionMs > current.versionMs) {
      grains.set(key, { versionMs: row.versionMs, eventId, tied: false, cents: row.cents, currency: row.currency, grain: row.grain });
    } else if (row.versionMs === current.versionMs && eventId !== current.eventId) {
      current.tied = true;
    }
  }

  result(): ExpectedOutcome {
    const tableRows = zeroes<WarehouseTable>(WAREHOUSE_TABLES);
    let ambiguousGrains = 0;
    for (const table of WAREHOUSE_TABLES) {
      const grains = this.winners.get(table) as Map<string, Winner>;
      tableRows[table] = grains.size;
      for (const winner of grains.values()) if (winner.tied) ambiguousGrains++;
    }
    const deadLetters = this.deadLetterSummary();
    return {
      records: this.records,
      deliveries: { valid: this.validDeliveries, duplicate: this.duplicateDeliveries, deadLettered: deadLetters.total },
      validEvents: { total: this.validIds.size, byName: { ...this.validByName } },
      rawEvents: { deliveries: this.rawDeliveries, distinct: this.rawIds.size },
      familyEvents: Object.fromEntries(FAMILIES.map((family) => [family, this.familyIds.get(family)?.size ?? 0])) as Record<Family, number>,
      rowVersions: { ...this.rowVersions },
      tableRows,
      moneySums: {
        fact_ticket_sale: { price: this.sumByCurrency('fact_ticket_sale') },
        fact_refund: { refund_amount: this.sumByCurrency('fact_refund') },
        fact_checkout: { total_amount: this.sumByCurrency('fact_checkout') },
        fact_payment: { amount: this.sumByCurrency('fact_payment') },
      },
      paymentAmountByStatus: Object.fromEntries(
        ['triggered', 'succeeded', 'failed'].map((status) => [status, this.sumByCurrency('fact_payment', (grain) => grain[1] === status)]),
      ),
      checkoutSteps: this.countBySecondGrain('fact_checkout', ['started', 'completed', 'abandoned']),
      paymentStatuses: this.countBySecondGrain('fact_payment', ['triggered', 'succeeded', 'failed']),
      distinctIds: {
        customer_id: this.distinctFirstGrain('dim_customer'),
        attraction_id: this.distinctFirstGrain('dim_attraction'),
        checkout_id: this.distinctFirstGrain('fact_checkout'),
        ticket_id: this.distinctFirstGrain('fact_ticket_sale'),
        transaction_id: this.distinctFirstGrain('fact_payment'),
      },
      deadLetters,
      ambiguousGrains,
    };
  }

  private sumByCurrency(table: WarehouseTable, include: (grain: readonly string[]) => boolean = () => true): MoneyByCurrency {
    const sums = new Map<string, bigint>();
    for (const winner of (this.winners.get(table) as Map<string, Winner>).values()) {
      if (winner.cents === null || !include(winner.grain)) continue;
      const currency = winner.currency ?? 'null';
      sums.set(currency, (sums.get(currency) ?? 0n) + winner.cents);
    }
    return Object.fromEntries([...sums.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, cents]) => [currency, formatCents(cents)]));
  }

  private countBySecondGrain(table: WarehouseTable, values: readonly string[]): Record<string, number> {
    const counts = Object.fromEntries(values.map((value) => [value, 0])) as Record<string, number>;
    for (const winner of (this.winners.get(table) as Map<string, Winner>).values()) {
      const value = winner.grain[1] as string;
      counts[value] = (counts[value] ?? 0) + 1;
    }
    return counts;
  }

  private distinctFirstGrain(table: WarehouseTable): number {
    const ids = new Set<string>();
    for (const winner of (this.winners.get(table) as Map<string, Winner>).values()) ids.add(winner.grain[0] as string);
    return ids.size;
  }

  private deadLetterSummary(): ExpectedOutcome['deadLetters'] {
    const byReason = zeroes<DeadLetterReason>(DEAD_LETTER_REASONS);
    const byStage = zeroes<DeadLetterStage>(DEAD_LETTER_STAGES);
    const byStageAndReason = Object.fromEntries(DEAD_LETTER_STAGES.map((stage) => [stage, {}])) as ExpectedOutcome['deadLetters']['byStageAndReason'];
    let total = 0;
    for (const [key, count] of this.deadByStageReason) {
      const [stage, reason] = key.split('/') as [DeadLetterStage, DeadLetterReason];
      byReason[reason] += count;
      byStage[stage] += count;
      byStageAndReason[stage][reason] = count;
      total += count;
    }
    return { total, byReason, byStage, byStageAndReason };
  }
}

/** The row versions a valid event produces (catalog §5). */
function rowsOf(eventName: EventName, payload: Readonly<Record<string, unknown>>, timestampMs: number): RowVersion[] {
  const id = (field: string): string => normaliseId(payload[field]) as string;
  const money = (field: string): bigint | null => (payload[field] === undefined || payload[field] === null ? null : (moneyToCents(payload[field]) as bigint));
  const currency = (): string | null => (typeof payload.currency === 'string' ? payload.currency : null);
  const validFrom = new Date(timestampMs).toISOString();
  const row = (table: WarehouseTable, grain: string[], cents: bigint | null = null): RowVersion => ({
    table,
    grain,
    versionMs: timestampMs,
    cents,
    currency: cents === null ? null : currency(),
  });
  switch (eventName) {
    case 'ticket_sale':
      return [row('fact_ticket_sale', [id('ticket_id')], money('sales_price'))];
    case 'ticket_refunded':
      return [row('fact_refund', [id('ticket_id'), id('transaction_id')], money('refund_amount'))];
    case 'trigger_payment':
      return [row('fact_payment', [id('transaction_id'), 'triggered'], money('amount_to_be_charged'))];
    case 'payment_succeeded':
      return [row('fact_payment', [id('transaction_id'), 'succeeded'], money('transaction_amount'))];
    case 'payment_failed':
      return [row('fact_payment', [id('transaction_id'), 'failed'], money('transaction_amount'))];
    case 'checkout_started':
      return [row('fact_checkout', [id('checkout_id'), 'started'])];
    case 'checkout_completed':
      return [row('fact_checkout', [id('checkout_id'), 'completed'], money('total_amount'))];
    case 'checkout_abandoned':
      return [row('fact_checkout', [id('checkout_id'), 'abandoned'])];
    case 'customer_registered':
    case 'customer_updated':
      return [row('dim_customer', [id('customer_id'), validFrom])];
    case 'attraction_created':
    case 'attraction_updated':
      return [row('dim_attraction', [id('attraction_id'), validFrom])];
  }
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
}
