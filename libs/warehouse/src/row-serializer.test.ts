import { describe, expect, it } from 'vitest';
import { TABLES } from '@ckt/domain';
import { createRowSerializer, insertColumns, versionTimeMs } from './row-serializer.ts';
import { insertToken, dedupInsertSettings } from './insert-settings.ts';

const refund = TABLES.fact_refund;

describe('row serializer', () => {
  it('writes the table columns in order, then partition and offset; unknown fields dropped, missing ones null', () => {
    const serialize = createRowSerializer(refund);
    const line = serialize({ ticket_id: 't1', transaction_id: 'x1', refund_amount: '12.30', currency: 'EUR', refund_ts: '2025-03-27T20:48:37.000Z', event_id: 'e1', extra: 'ignored' }, 3, '9007199254740993');
    expect(line).toBe('["t1","x1","12.30","EUR",null,"2025-03-27T20:48:37.000Z","e1",3,9007199254740993]');
    expect(serialize({ ticket_id: 't"1', refund_amount: '1.00' }, 0, '42')).toBe('["t\\"1",null,"1.00",null,null,null,null,0,42]');
    expect(insertColumns(refund)).toEqual(['ticket_id', 'transaction_id', 'refund_amount', 'currency', 'reason', 'refund_ts', 'event_id', '_kafka_partition', '_kafka_offset']);
  });

  it('reads the version column as the event time', () => {
    expect(versionTimeMs(refund, { refund_ts: '2025-03-27T20:48:37.000Z' })).toBe(Date.UTC(2025, 2, 27, 20, 48, 37));
    expect(versionTimeMs(refund, { refund_ts: null })).toBeUndefined();
    expect(versionTimeMs(TABLES.dim_date, {})).toBeUndefined();
  });
});

describe('insert settings', () => {
  it('name the topic, partition and offset range in the token, and carry every setting the insert relies on', () => {
    expect(insertToken('dwh.fact_refund', 2, '10', '19')).toBe('dwh.fact_refund:2:10-19');
    const settings = dedupInsertSettings('dwh.fact_refund:2:10-19');
    expect(settings).toMatchObject({ insert_deduplicate: 1, insert_deduplication_token: 'dwh.fact_refund:2:10-19', async_insert: 0, input_format_null_as_default: 0 });
  });
});
