import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TOPIC_NAMES, EXTRACTED_TABLES, extractRows, parseEnvelope, type RowValues, type WarehouseRow } from '@ckt/domain';
import { RowEncodingError, SchemaRegistryRefusedError } from './codec-errors.ts';
import { createRowCodecOn, type RegistryClient } from './codec.ts';
import { avroOptions, rowTypeFor, toPlainRow } from './row-type.ts';
import { TABLE_SCHEMAS } from './schema-files.ts';
import { fromWireFormat, toWireFormat } from './wire-format.ts';

function rowOf(event_name: string, payload: Record<string, unknown>, event_timestamp = '2025-03-27T22:48:37.123456+02:00'): WarehouseRow {
  const envelope = parseEnvelope({ event_id: 42, event_name, event_timestamp, payload });
  if (!envelope.ok) throw new Error(envelope.message);
  const result = extractRows(envelope.event, { emailPepper: 'p' });
  if (!result.ok || !result.rows[0]) throw new Error('extraction failed');
  return result.rows[0];
}

/** One row per extracted table, as the extractor produces them (nulls, decimals, timestamps, dates included). */
const ROWS: WarehouseRow[] = [
  rowOf('ticket_sale', {
    ticket_id: 1,
    checkout_id: 'co',
    customer_id: 'cu',
    attraction_id: 7,
    sales_price: '12.345',
    currency: 'eur',
    day_of_visit: '2025-04-01',
  }),
  rowOf('ticket_refunded', { ticket_id: 't', transaction_id: 'r', refund_amount: 0.5, currency: 'EUR' }),
  rowOf('trigger_payment', {
    transaction_id: 'tx',
    checkout_id: 'co',
    customer_id: 'cu',
    amount_to_be_charged: '9999999999999999.99',
    currency: 'EUR',
    payment_processing_system: 'adyen',
    user_payment_details: { card_brand: 'visa', card_number: '************4242' },
  }),
  rowOf('checkout_completed', { checkout_id: 'co', customer_id: 'cu', total_amount: 0, currency: 'EUR', ticket_count: 4_294_967_295 }),
  rowOf('customer_registered', { customer_id: 'cu', email: 'a@b.c', birth_date: '1950-01-01', marketing_opt_in: false }),
  rowOf('attraction_created', { attraction_id: 'a', name: 'Zoo', capacity: 0 }),
];

describe('row schemas with avsc', () => {
  it('cover every extracted table', () => {
    expect(ROWS.map((row) => row.table).sort()).toEqual([...EXTRACTED_TABLES].sort());
  });

  it.each(ROWS.map((row) => [row.table, row] as const))('%s: extraction rows round-trip exactly', (table, row) => {
    const type = rowTypeFor(TABLE_SCHEMAS[table]);
    expect(toPlainRow(type.fromBuffer(type.toBuffer(row.values)))).toEqual(row.values);
  });
});

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A registry double in memory: register by subject (409 for `refuse`), decode by id like the real client. */
function fakeRegistry(refuse: Set<string> = new Set()) {
  const schemas: string[] = [];
  const subjects = new Map<string, number>();
  const client: RegistryClient = {
    async register(schema, { subject }) {
      if (refuse.has(subject)) throw Object.assign(new Error('Schema being registered is incompatible with an earlier schema'), { status: 409 });
      const existing = schemas.indexOf(schema.schema);
      const id = existing >= 0 ? existing + 1 : schemas.push(schema.schema);
      subjects.set(subject, id);
      return { id };
    },
    async decode(buffer) {
      const { schemaId, body } = fromWireFormat(buffer);
      const schema = schemas[schemaId - 1];
      if (!schema) throw new Error(`unknown schema id ${schemaId}`);
      return rowTypeFor(JSON.parse(schema)).fromBuffer(body);
    },
    async getSchema(id) {
      const schema = schemas[id - 1];
      if (!schema) throw new Error(`unknown schema id ${id}`);
      return rowTypeFor(JSON.parse(schema));
    },
  };
  return { client, subjects };
}

describe('createRowCodecOn', () => {
  it('registers every table under <topic>-value and round-trips rows in wire format', async () => {
    const { client, subjects } = fakeRegistry();
    const codec = createRowCodecOn(client);
    const ids = await codec.registerTableSchemas(EXTRACTED_TABLES, DEFAULT_TOPIC_NAMES);
    expect([...subjects.keys()]).toEqual(EXTRACTED_TABLES.map((table) => `dwh.${table}-value`));
    expect([...ids.keys()]).toEqual([...EXTRACTED_TABLES]);
    const { encode, decode } = codec; // usable unbound
    for (const row of ROWS) {
      const buffer = encode(row.table, row.values);
      expect(buffer[0]).toBe(0);
      expect(buffer.readInt32BE(1)).toBe(ids.get(row.table));
      expect(await decode(buffer)).toEqual(row.values);
    }
  });

  it('decodeRow gives decode\'s values, synchronously once the schema id is known', async () => {
    const { client } = fakeRegistry();
    const codec = createRowCodecOn(client);
    await codec.registerTableSchemas(EXTRACTED_TABLES, DEFAULT_TOPIC_NAMES);
    const { decodeRow } = codec; // usable unbound
    for (const row of ROWS) {
      const buffer = codec.encode(row.table, row.values);
      const first = decodeRow(buffer);
      expect(first).toBeInstanceOf(Promise);
      expect(await first).toEqual(row.values);
      const again = decodeRow(buffer);
      expect(again).not.toBeInstanceOf(Promise);
      expect({ ...(again as RowValues) }).toEqual(row.values);
    }
    await expect(decodeRow(Buffer.from('not wire format'))).rejects.toThrow();
    const [row] = ROWS as [WarehouseRow];
    expect(() => decodeRow(codec.encode(row.table, row.values).subarray(0, 8))).toThrow();
  });

  it('decodeRow without the client\'s schema cache decodes through the registry every time', async () => {
    const { client } = fakeRegistry();
    const codec = createRowCodecOn({ register: client.register, decode: client.decode });
    await codec.registerTableSchemas(EXTRACTED_TABLES, DEFAULT_TOPIC_NAMES);
    const [row] = ROWS as [WarehouseRow];
    const buffer = codec.encode(row.table, row.values);
    await codec.decodeRow(buffer);
    const again = codec.decodeRow(buffer);
    expect(again).toBeInstanceOf(Promise);
    expect(await again).toEqual(row.values);
  });

  it('names the subject when the registry refuses an incompatible schema (409)', async () => {
    const names = { ...DEFAULT_TOPIC_NAMES, dwhPrefix: 'stage.dwh.' };
    const codec = createRowCodecOn(fakeRegistry(new Set(['stage.dwh.fact_payment-value'])).client);
    const failure = codec.registerTableSchemas(['fact_ticket_sale', 'fact_payment'], names);
    await expect(failure).rejects.toBeInstanceOf(SchemaRegistryRefusedError);
    await expect(failure).rejects.toMatchObject({
      subject: 'stage.dwh.fact_payment-value',
      status: 409,
      message: expect.stringMatching(/subject stage\.dwh\.fact_payment-value \(HTTP 409\): the schema is incompatible/),
    });
  });

  it('refuses to encode before registration, and rows that do not fit, naming fields only', async () => {
    const codec = createRowCodecOn(fakeRegistry().client);
    const row = ROWS[0] as WarehouseRow;
    expect(() => codec.encode(row.table, row.values)).toThrow(/no registered schema for table fact_ticket_sale/);
    await codec.registerTableSchemas([row.table], DEFAULT_TOPIC_NAMES);
    const misfit: RowValues = { ...row.values, price: '12.345678', ticket_id: null };
    const error = thrownBy(() => codec.encode(row.table, misfit));
    expect(error).toBeInstanceOf(RowEncodingError);
    expect(error).toMatchObject({ table: 'fact_ticket_sale', fields: ['ticket_id', 'price'] });
    expect((error as Error).message).not.toContain('12.345678');
  });
});

describe('decoding with @kafkajs/confluent-schema-registry', () => {
  it('reads our wire format into the domain representation', async () => {
    // The client's schema cache is filled directly, so no HTTP is needed.
    const registry = new SchemaRegistry({ host: 'http://127.0.0.1:9' }, { [SchemaType.AVRO]: avroOptions() });
    const row = ROWS[2] as WarehouseRow;
    registry.cache.setSchema(17, SchemaType.AVRO, rowTypeFor(TABLE_SCHEMAS[row.table]) as never);
    const buffer = toWireFormat(17, rowTypeFor(TABLE_SCHEMAS[row.table]).toBuffer(row.values));
    expect(toPlainRow(await registry.decode(buffer))).toEqual(row.values);
  });
});
