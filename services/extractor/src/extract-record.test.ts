import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES, emailSha256, type RowValues } from '@ckt/domain';
import { RowEncodingError } from '@ckt/schemas';
import { extractRecord, type ExtractContext, type SourceRecord } from './extract-record.ts';

/** Stands in for the Avro codec: the rows as JSON, so the test sees exactly what would be encoded. */
const jsonEncoder: ExtractContext['encode'] = (table, values) => Buffer.from(JSON.stringify({ table, values }));
const context: ExtractContext = { names: DEFAULT_TOPIC_NAMES, emailPepper: 'pepper', encode: jsonEncoder };

const record = (value: unknown): SourceRecord => ({
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  timestamp: '1743108517000',
});

const decoded = (value: unknown) => JSON.parse(String(value)) as { table: string; values: RowValues };

describe('extractRecord', () => {
  it('turns a ticket_sale into one fact_ticket_sale row keyed by its grain', () => {
    const decision = extractRecord(
      record({
        event_id: 42,
        event_name: 'ticket_sale',
        event_timestamp: '2025-03-27T20:48:37',
        payload: {
          ticket_id: 't-1',
          checkout_id: 'c-1',
          customer_id: 7,
          attraction_id: 'a-1',
          sales_price: 12.345,
          currency: 'eur',
          day_of_visit: '2025-04-01',
        },
      }),
      context,
    );
    expect(decision.ok).toBe(true);
    if (!decision.ok) return;
    expect(decision.rows).toHaveLength(1);
    const [row] = decision.rows;
    expect(row?.topic).toBe('dwh.fact_ticket_sale');
    expect(row?.message.key).toBe('t-1');
    expect(row?.message.timestamp).toBe('1743108517000');
    expect(decoded(row?.message.value)).toEqual({
      table: 'fact_ticket_sale',
      values: {
        ticket_id: 't-1',
        checkout_id: 'c-1',
        customer_id: '7',
        attraction_id: 'a-1',
        sale_ts: '2025-03-27T20:48:37.000Z',
        sale_date_key: 20250327,
        visit_date: '2025-04-01',
        price: '12.34',
        currency: 'EUR',
        ticket_type: null,
        event_ts: '2025-03-27T20:48:37.000Z',
        event_id: '42',
      },
    });
  });

  it('hashes the e-mail with the pepper and keeps no direct personal data', () => {
    const decision = extractRecord(
      record({
        event_id: 'e-1',
        event_name: 'customer_registered',
        event_timestamp: 1743108517000,
        payload: { customer_id: 'cu-1', email: ' Ann@Example.com ', first_name: 'Ann', birth_date: '1990-05-17' },
      }),
      context,
    );
    if (!decision.ok) throw new Error(decision.message);
    const row = decision.rows[0];
    expect(row?.message.key).toBe('cu-1|2025-03-27T20:48:37.000Z');
    const { values } = decoded(row?.message.value);
    expect(values.email_sha256).toBe(emailSha256('ann@example.com', 'pepper'));
    expect(values.birth_year).toBe(1990);
    expect(JSON.stringify(values)).not.toMatch(/Ann|1990-05-17/);
  });

  it('dead-letters a missing or mistyped required field, naming the field and not the value', () => {
    const missing = extractRecord(
      record({ event_id: 1, event_name: 'payment_succeeded', event_timestamp: 0, payload: { transaction_id: 'x', currency: 'EUR', payment_processing_system: 'psp' } }),
      context,
    );
    expect(missing).toEqual({ ok: false, reason: 'invalid_payload', message: 'payload.transaction_amount: required field is missing' });

    const mistyped = extractRecord(
      record({ event_id: 1, event_name: 'checkout_completed', event_timestamp: 0, payload: { checkout_id: 'c', customer_id: 'u', total_amount: 'lots', currency: 'EUR', ticket_count: 2 } }),
      context,
    );
    expect(mistyped).toMatchObject({ ok: false, reason: 'invalid_payload' });
    expect(!mistyped.ok && mistyped.message).toMatch(/^payload\.total_amount: /);
    expect(!mistyped.ok && mistyped.message).not.toContain('lots');
  });

  it('defensively dead-letters what the router should have stopped', () => {
    expect(extractRecord(record('nope'), context)).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(extractRecord({ value: null, timestamp: '0' }, context)).toMatchObject({ ok: false, reason: 'invalid_json' });
    expect(extractRecord(record({ event_name: 'ticket_sale' }), context)).toMatchObject({ ok: false, reason: 'invalid_envelope' });
    expect(extractRecord(record({ event_id: 1, event_name: 'mystery', event_timestamp: 0, payload: {} }), context)).toMatchObject({
      ok: false,
      reason: 'unknown_event_name',
    });
  });

  it('dead-letters a row the codec refuses as schema_error without echoing the encoder message', () => {
    const refusing: ExtractContext = {
      ...context,
      encode: () => {
        throw new Error('invalid "string": secret-value');
      },
    };
    const decision = extractRecord(
      record({ event_id: 1, event_name: 'attraction_created', event_timestamp: 0, payload: { attraction_id: 'a', name: 'secret-value' } }),
      refusing,
    );
    expect(decision).toEqual({ ok: false, reason: 'schema_error', message: 'row of dim_attraction does not fit its Avro schema' });
    const naming = extractRecord(
      record({ event_id: 1, event_name: 'attraction_created', event_timestamp: 0, payload: { attraction_id: 'a', name: 'secret-value' } }),
      { ...context, encode: (table) => { throw new RowEncodingError(table, ['name']); } },
    );
    expect(naming).toEqual({ ok: false, reason: 'schema_error', message: 'row of dim_attraction does not fit its Avro schema; invalid fields: name' });
  });
});
