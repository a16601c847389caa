// Test and benchmark support: valid warehouse rows (the row representation of @ckt/domain) for every extracted
// table, with a deterministic grain per index and a version (event time) that a later `version` overrides.
import { TABLES, type ExtractedTableName, type RowValues } from '@ckt/domain';

const BASE_MS = Date.UTC(2025, 2, 27, 12, 0, 0);

const iso = (ms: number) => new Date(ms).toISOString();
const dateKey = (ms: number) => Number(iso(ms).slice(0, 10).replace(/-/g, ''));

/**
 * Row `index` of `table`. Facts: rows with the same index share the grain; a higher `version` has a later event
 * time (and other amounts), so it must win under FINAL. Dimensions: each version is a new history row
 * (valid_from is part of the grain); the highest version is the current one.
 */
export function sampleRow(table: ExtractedTableName, index: number, version = 0): RowValues {
  const at = BASE_MS + index * 60_000 + version * 1000;
  const ts = iso(at);
  const id = (prefix: string) => `${prefix}-${index}`;
  switch (table) {
    case 'fact_ticket_sale':
      return {
        ticket_id: id('t'),
        checkout_id: id('c'),
        customer_id: `u-${index % 50}`,
        attraction_id: `a-${index % 5}`,
        sale_ts: ts,
        sale_date_key: dateKey(at),
        visit_date: '2025-04-01',
        price: `${10 + version}.50`,
        currency: 'EUR',
        ticket_type: index % 2 === 0 ? 'adult' : null,
        event_ts: ts,
        event_id: `e-ts-${index}-${version}`,
      };
    case 'fact_refund':
      return {
        ticket_id: id('t'),
        transaction_id: id('r'),
        refund_amount: `${5 + version}.25`,
        currency: 'EUR',
        reason: index % 3 === 0 ? null : 'weather',
        refund_ts: ts,
        event_id: `e-rf-${index}-${version}`,
      };
    case 'fact_payment':
      return {
        transaction_id: id('p'),
        checkout_id: index % 3 === 0 ? id('c') : null,
        customer_id: index % 3 === 0 ? `u-${index % 50}` : null,
        status: (['triggered', 'succeeded', 'failed'] as const)[index % 3] as string,
        amount: `${20 + version}.00`,
        currency: 'EUR',
        processor: index % 2 === 0 ? 'stripe' : 'adyen',
        payment_method: 'card',
        card_brand: 'visa',
        card_last4: '4242',
        failure_reason: index % 3 === 2 ? 'insufficient_funds' : null,
        event_ts: ts,
        event_id: `e-py-${index}-${version}`,
      };
    case 'fact_checkout':
      return {
        checkout_id: id('c'),
        customer_id: `u-${index % 50}`,
        step: (['started', 'completed', 'abandoned'] as const)[index % 3] as string,
        channel: index % 3 === 0 ? (index % 2 === 0 ? 'web' : 'app') : null,
        total_amount: index % 3 === 1 ? `${30 + version}.00` : null,
        currency: 'EUR',
        ticket_count: index % 3 === 1 ? 2 : null,
        last_step: index % 3 === 2 ? 'payment' : null,
        event_ts: ts,
        event_id: `e-co-${index}-${version}`,
      };
    case 'dim_customer':
      return {
        customer_id: id('u'),
        email_sha256: 'a'.repeat(64),
        country: 'DE',
        city: version === 0 ? 'Berlin' : 'Hamburg',
        birth_year: 1990,
        marketing_opt_in: version % 2 === 0,
        valid_from: ts,
        event_id: `e-cu-${index}-${version}`,
      };
    case 'dim_attraction':
      return {
        attraction_id: id('a'),
        name: `Attraction ${index}`,
        category: 'museum',
        venue: 'Hall',
        city: 'Berlin',
        country: 'DE',
        capacity: 100 + version,
        valid_from: ts,
        event_id: `e-at-${index}-${version}`,
      };
  }
}

/** The grain key (grain column values joined with `|`), as the extractor keys dwh.* records. */
export function sampleKey(table: ExtractedTableName, values: RowValues): string {
  return TABLES[table].grain.map((column) => String(values[column])).join('|');
}
