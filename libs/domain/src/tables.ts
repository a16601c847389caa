/**
 * The warehouse tables of the catalog's §5 as data: the single source for the ClickHouse DDL, the Avro
 * schemas and the extraction. Column types are logical; their physical types are:
 *
 * | logical            | ClickHouse              | Avro                              | row value (JS)        |
 * |--------------------|-------------------------|-----------------------------------|-----------------------|
 * | string             | String                  | string                            | string                |
 * | decimal(18,2)      | Decimal(18,2)           | bytes, decimal(18,2)              | '12.34'               |
 * | timestamp(ms,UTC)  | DateTime64(3, 'UTC')    | long, timestamp-millis            | '2025-03-27T20:48:37.000Z' |
 * | date               | Date                    | int, date                         | '2025-03-27'          |
 * | uint32             | UInt32                  | long                              | number                |
 * | uint16, uint8      | UInt16, UInt8           | int                               | number                |
 * | bool               | Bool                    | boolean                           | boolean               |
 *
 * `nullable` wraps the type in Nullable(...) / ["null", T]; `lowCardinality` is a storage hint for short
 * code-like strings (LowCardinality(...)).
 *
 * Dedup: every extracted table is a version history keyed by `grain`; the row with the greatest `version`
 * column (event time) wins under FINAL. Facts get an explicit event-time column for that purpose.
 */

export const COLUMN_TYPES = ['string', 'decimal(18,2)', 'timestamp(ms,UTC)', 'date', 'uint32', 'uint16', 'uint8', 'bool'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** A warehouse row value: see the table above for which JS type each column type uses. */
export type RowValue = string | number | boolean | null;
export type RowValues = Record<string, RowValue>;

export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean;
  readonly lowCardinality?: boolean;
  readonly doc: string;
}

export interface TableSpec {
  readonly name: string;
  readonly doc: string;
  /** Written by the extractor (false: filled by migrations, e.g. dim_date). */
  readonly extracted: boolean;
  readonly columns: readonly ColumnSpec[];
  /** Columns identifying one row after dedup, in ORDER BY order. */
  readonly grain: readonly string[];
  /** Event-time column deciding which version of a grain wins; null when the table is not deduplicated. */
  readonly version: string | null;
}

const col = (name: string, type: ColumnType, doc: string, options: { nullable?: boolean; lowCardinality?: boolean } = {}): ColumnSpec => ({
  name,
  type,
  nullable: options.nullable ?? false,
  ...(options.lowCardinality ? { lowCardinality: true } : {}),
  doc,
});
const optional = { nullable: true } as const;
const code = { lowCardinality: true } as const;
const optionalCode = { nullable: true, lowCardinality: true } as const;

const eventId = col('event_id', 'string', 'event_id of the envelope that produced this row version');
const eventTs = col('event_ts', 'timestamp(ms,UTC)', 'event_timestamp of the envelope (version of the row)');

const TABLE_ENTRIES = {
  fact_ticket_sale: {
    name: 'fact_ticket_sale',
    doc: 'One row per ticket sold (event ticket_sale).',
    extracted: true,
    columns: [
      col('ticket_id', 'string', 'ticket id'),
      col('checkout_id', 'string', 'checkout the ticket was bought in'),
      col('customer_id', 'string', 'buying customer'),
      col('attraction_id', 'string', 'attraction the ticket is for'),
      col('sale_ts', 'timestamp(ms,UTC)', 'payload.sales_timestamp, else event_timestamp'),
      col('sale_date_key', 'uint32', 'YYYYMMDD of sale_ts in UTC; joins dim_date.date_key'),
      col('visit_date', 'date', 'payload.day_of_visit'),
      col('price', 'decimal(18,2)', 'payload.sales_price'),
      col('currency', 'string', 'ISO 4217 code of price', code),
      col('ticket_type', 'string', 'payload.ticket_type', optionalCode),
      eventTs,
      eventId,
    ],
    grain: ['ticket_id'],
    version: 'event_ts',
  },
  fact_refund: {
    name: 'fact_refund',
    doc: 'One row per refunded ticket and refund transaction (event ticket_refunded).',
    extracted: true,
    columns: [
      col('ticket_id', 'string', 'refunded ticket'),
      col('transaction_id', 'string', 'refund transaction'),
      col('refund_amount', 'decimal(18,2)', 'payload.refund_amount'),
      col('currency', 'string', 'ISO 4217 code of refund_amount', code),
      col('reason', 'string', 'payload.reason', optional),
      col('refund_ts', 'timestamp(ms,UTC)', 'event_timestamp of the refund (version of the row)'),
      eventId,
    ],
    grain: ['ticket_id', 'transaction_id'],
    version: 'refund_ts',
  },
  fact_payment: {
    name: 'fact_payment',
    doc: 'One row per payment transaction and status (events trigger_payment, payment_succeeded, payment_failed).',
    extracted: true,
    columns: [
      col('transaction_id', 'string', 'payment transaction'),
      col('checkout_id', 'string', 'checkout paid (only on triggered)', optional),
      col('customer_id', 'string', 'paying customer (only on triggered)', optional),
      col('status', 'string', 'triggered | succeeded | failed', code),
      col('amount', 'decimal(18,2)', 'amount_to_be_charged (triggered) or transaction_amount', optional),
      col('currency', 'string', 'ISO 4217 code of amount', optionalCode),
      col('processor', 'string', 'payload.payment_processing_system', code),
      col('payment_method', 'string', 'user_payment_details.payment_method', optionalCode),
      col('card_brand', 'string', 'user_payment_details.card_brand', optionalCode),
      col('card_last4', 'string', 'last 4 digits of the card', optional),
      col('failure_reason', 'string', 'payload.failure_reason (failed only)', optional),
      eventTs,
      eventId,
    ],
    grain: ['transaction_id', 'status'],
    version: 'event_ts',
  },
  fact_checkout: {
    name: 'fact_checkout',
    doc: 'One row per checkout and funnel step (events checkout_started, checkout_completed, checkout_abandoned).',
    extracted: true,
    columns: [
      col('checkout_id', 'string', 'checkout'),
      col('customer_id', 'string', 'customer'),
      col('step', 'string', 'started | completed | abandoned', code),
      col('channel', 'string', 'web | app | partner | box_office (started only)', optionalCode),
      col('total_amount', 'decimal(18,2)', 'payload.total_amount (completed only)', optional),
      col('currency', 'string', 'ISO 4217 code (started, completed)', optionalCode),
      col('ticket_count', 'uint32', 'payload.ticket_count (completed only)', optional),
      col('last_step', 'string', 'payload.last_step (abandoned only)', optional),
      eventTs,
      eventId,
    ],
    grain: ['checkout_id', 'step'],
    version: 'event_ts',
  },
  dim_customer: {
    name: 'dim_customer',
    doc: 'Every version of every customer (events customer_registered, customer_updated); no direct personal data.',
    extracted: true,
    columns: [
      col('customer_id', 'string', 'customer'),
      col('email_sha256', 'string', 'hex HMAC-SHA256 (pepper) of the trimmed lower-cased e-mail', optional),
      col('country', 'string', 'ISO 3166-1 alpha-2', optionalCode),
      col('city', 'string', 'payload.city', optional),
      col('birth_year', 'uint16', 'year of payload.birth_date', optional),
      col('marketing_opt_in', 'bool', 'payload.marketing_opt_in', optional),
      col('valid_from', 'timestamp(ms,UTC)', 'event_timestamp: this version is valid from then'),
      eventId,
    ],
    grain: ['customer_id', 'valid_from'],
    version: 'valid_from',
  },
  dim_attraction: {
    name: 'dim_attraction',
    doc: 'Every version of every attraction (events attraction_created, attraction_updated).',
    extracted: true,
    columns: [
      col('attraction_id', 'string', 'attraction'),
      col('name', 'string', 'payload.name'),
      col('category', 'string', 'payload.category', optionalCode),
      col('venue', 'string', 'payload.venue', optional),
      col('city', 'string', 'payload.city', optional),
      col('country', 'string', 'ISO 3166-1 alpha-2', optionalCode),
      col('capacity', 'uint32', 'payload.capacity', optional),
      col('valid_from', 'timestamp(ms,UTC)', 'event_timestamp: this version is valid from then'),
      eventId,
    ],
    grain: ['attraction_id', 'valid_from'],
    version: 'valid_from',
  },
  dim_date: {
    name: 'dim_date',
    doc: 'Calendar dimension (UTC dates), filled by migrations, never extracted.',
    extracted: false,
    columns: [
      col('date_key', 'uint32', 'YYYYMMDD'),
      col('date', 'date', 'the date'),
      col('year', 'uint16', 'calendar year'),
      col('quarter', 'uint8', '1-4'),
      col('month', 'uint8', '1-12'),
      col('day', 'uint8', 'day of month 1-31'),
      col('weekday', 'uint8', 'ISO weekday: 1 = Monday .. 7 = Sunday'),
      col('is_weekend', 'bool', 'Saturday or Sunday'),
    ],
    grain: ['date_key'],
    version: null,
  },
} satisfies Record<string, TableSpec>;

type TableName = keyof typeof TABLE_ENTRIES;
export const TABLES: Readonly<Record<TableName, TableSpec>> = TABLE_ENTRIES;
export const TABLE_NAMES = Object.keys(TABLES) as TableName[];

/** Tables the extractor writes (each has a dwh.<table> topic and an Avro schema). */
export const EXTRACTED_TABLES = ['fact_ticket_sale', 'fact_refund', 'fact_payment', 'fact_checkout', 'dim_customer', 'dim_attraction'] as const;
export type ExtractedTableName = (typeof EXTRACTED_TABLES)[number];

export function isExtractedTable(name: string): name is ExtractedTableName {
  return (EXTRACTED_TABLES as readonly string[]).includes(name);
}
