import { describe, expect, it } from 'vitest';
import { rawEventKey } from './keys.ts';

const key = (payload: Record<string, unknown>) => rawEventKey({ event_id: 'evt-1', payload: payload as never });

describe('rawEventKey', () => {
  it('prefers checkout_id, then customer_id, then transaction_id, then event_id', () => {
    expect(key({ checkout_id: 'co-1', customer_id: 'cu-1', transaction_id: 'tx-1' })).toBe('co-1');
    expect(key({ customer_id: 'cu-1', transaction_id: 'tx-1' })).toBe('cu-1');
    expect(key({ transaction_id: 'tx-1' })).toBe('tx-1');
    expect(key({ ticket_id: 't-1' })).toBe('evt-1');
  });

  it('turns integer ids into strings', () => {
    expect(key({ checkout_id: 42 })).toBe('42');
    expect(key({ customer_id: 7, transaction_id: 'tx' })).toBe('7');
  });

  it('skips fields that hold no valid id', () => {
    expect(key({ checkout_id: '', customer_id: null, transaction_id: { id: 1 } })).toBe('evt-1');
    expect(key({ checkout_id: -3, customer_id: 'cu-9' })).toBe('cu-9');
  });
});
