import { describe, expect, it } from 'vitest';
import { looksLikeCardNumber, looksLikeIban, passesLuhn } from './card-detection.ts';
import type { JsonObject, JsonValue } from './json.ts';
import { maskSensitive, TRUNCATED_MARKER } from './masking.ts';

describe('card detection', () => {
  it('checks Luhn, length and first digit', () => {
    expect(passesLuhn('4111111111111111')).toBe(true);
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(looksLikeCardNumber('4111111111111111')).toBe(true);
    expect(looksLikeCardNumber('378282246310005')).toBe(true);
    expect(looksLikeCardNumber('5555555555554444')).toBe(true);
    expect(looksLikeCardNumber('6011111111111117')).toBe(true);
    expect(looksLikeCardNumber('4222222222222')).toBe(true); // 13-digit Visa
    expect(looksLikeCardNumber('1711572517000')).toBe(false); // epoch ms, starts with 1
    expect(looksLikeCardNumber('411111111111')).toBe(false); // 12 digits
  });

  it('checks IBAN mod 97', () => {
    expect(looksLikeIban('DE89370400440532013000')).toBe(true);
    expect(looksLikeIban('GB82WEST12345698765432')).toBe(true);
    expect(looksLikeIban('DE89370400440532013001')).toBe(false);
  });
});

describe('maskSensitive', () => {
  it('masks a realistic trigger_payment payload', () => {
    const payload: JsonObject = {
      transaction_id: 'tx-1',
      checkout_id: 9876543210123,
      amount_to_be_charged: 59.9,
      created_ms: 1711572517000,
      user_payment_details: {
        payment_method: 'credit_card',
        card_brand: 'visa',
        card_number: '4111-1111-1111-1111',
        cvc: '123',
        expiry: '12/27',
        holder: { name: 'Anna Muster', iban: 'DE89 3704 0044 0532 0130 00' },
      },
    };
    const { payload: masked, maskedCount } = maskSensitive(payload);
    expect(masked).toEqual({
      transaction_id: 'tx-1',
      checkout_id: 9876543210123,
      amount_to_be_charged: 59.9,
      created_ms: 1711572517000,
      user_payment_details: {
        payment_method: 'credit_card',
        card_brand: 'visa',
        card_number: '************1111',
        expiry: '12/27',
        holder: { name: 'Anna Muster', iban: '******************3000' },
      },
    });
    expect(maskedCount).toBe(3);
    // The input is not modified.
    expect((payload.user_payment_details as JsonObject).card_number).toBe('4111-1111-1111-1111');
  });

  it('applies key rules whatever the key spelling, and inside arrays of objects', () => {
    const { payload, maskedCount } = maskSensitive({
      cards: [
        { number: '5555 5555 5555 4444', CVV: 999, brand: 'mastercard' },
        { number: 378282246310005, securityCode: '1234' },
      ],
      cardNumber: 4111111111111111,
      PAN: '4000 0000 0000 0002',
      'card-security-code': '000',
      bank_account: { number: 'DE89370400440532013000', account_number: '1234567890' },
    });
    expect(payload).toEqual({
      cards: [
        { number: '************4444', brand: 'mastercard' },
        { number: '***********0005' },
      ],
      cardNumber: '************1111',
      PAN: '************0002',
      bank_account: { number: '******************3000', account_number: '******7890' },
    });
    expect(maskedCount).toBe(9);
  });

  it('judges `number` by its parent every time, whatever was masked before (key rules are remembered)', () => {
    const payload = { order: { number: 'ORD-1' }, card: { number: '4111 1111 1111 1111' }, bank: { number: 'DE89370400440532013000' } };
    for (let round = 0; round < 2; round++) {
      const masked = maskSensitive(payload);
      expect(masked.payload).toMatchObject({ order: { number: 'ORD-1' } });
      expect(masked.maskedCount).toBe(2);
      expect(JSON.stringify(masked.payload)).not.toContain('4111 1111 1111 1111');
      expect(JSON.stringify(masked.payload)).not.toContain('0532013000');
    }
  });

  it('masks card numbers and IBANs in free text, and nowhere else', () => {
    const { payload, maskedCount } = maskSensitive({
      note: 'paid with 4111 1111 1111 1111 on 2025-03-27, refund to GB82 WEST 1234 5698 7654 32 please',
      notes: ['second card 5555-5555-5555-4444.', 'call +49 170 1234567', 'order 2025-03-27 4111111111111111 ok'],
      comment: 'two cards: 4111111111111111 5555555555554444',
    });
    expect(payload).toEqual({
      note: 'paid with ************1111 on 2025-03-27, refund to ******************5432 please',
      notes: ['second card ************4444.', 'call +49 170 1234567', 'order 2025-03-27 ************1111 ok'],
      comment: 'two cards: ************1111 ************4444',
    });
    expect(maskedCount).toBe(6);
  });

  it('leaves non-card numbers alone: epoch ms, numeric ids, Luhn failures, short numbers', () => {
    const payload: JsonObject = {
      event_time: 1711572517000,
      sent: 1711572517000,
      sent_text: 'sent at 1711572517000',
      ticket_id: 4111111111111111,
      order_ref_id: '4111111111111111',
      customerId: 5555555555554444,
      reference: 4111111111111112,
      barcode: '4006381333931',
      amount: 12.34,
      phone: '+41 44 668 18 00',
      ticket_count: 4,
      card_last4: '1111',
      masked: { card_number: '************1111' },
    };
    const result = maskSensitive(payload);
    expect(result.payload).toEqual(payload);
    expect(result.maskedCount).toBe(0);
  });

  it('masks an unlabeled Luhn-valid card number sent as a JSON number', () => {
    expect(maskSensitive({ reference: 4111111111111111 })).toEqual({ payload: { reference: '************1111' }, maskedCount: 1, truncated: false });
  });

  it('is idempotent', () => {
    const once = maskSensitive({ card_number: '4111111111111111', note: 'card 4111 1111 1111 1111', iban: 'DE89370400440532013000' });
    const twice = maskSensitive(once.payload);
    expect(twice).toEqual({ payload: once.payload, maskedCount: 0, truncated: false });
  });

  it('handles scalars, null and empty structures', () => {
    expect(maskSensitive('4111111111111111')).toEqual({ payload: '************1111', maskedCount: 1, truncated: false });
    expect(maskSensitive(null)).toEqual({ payload: null, maskedCount: 0, truncated: false });
    expect(maskSensitive({ a: [], b: {}, c: true })).toEqual({ payload: { a: [], b: {}, c: true }, maskedCount: 0, truncated: false });
  });

  it('keeps long digit runs without a card fast and unchanged', () => {
    const text = '1 '.repeat(50_000) + '9'.repeat(50_000);
    expect(maskSensitive({ text }).payload).toEqual({ text });
  });

  it('cuts off what nests deeper than maxDepth instead of recursing into it, still masking above the cut', () => {
    let deep: JsonValue = { card_number: '4111111111111111' };
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const result = maskSensitive({ pan: '4111 1111 1111 1111', deep }, { maxDepth: 8 });
    expect(result.truncated).toBe(true);
    expect(result.payload).toMatchObject({ pan: '************1111' });
    const text = JSON.stringify(result.payload);
    expect(text).toContain(TRUNCATED_MARKER);
    expect(text).not.toContain('4111111111111111');
    expect(text.split('[').length - 1).toBeLessThanOrEqual(8);
  });

  it('keeps values within maxDepth whole and says nothing was cut', () => {
    const nested = { a: { b: { c: [1, 2, { d: 'x' }] } } };
    expect(maskSensitive(nested, { maxDepth: 5 })).toEqual({ payload: nested, maskedCount: 0, truncated: false });
  });

  it('keeps a __proto__ field as data, masked, without touching the prototype', () => {
    const input = JSON.parse('{"__proto__": {"card_number": "4111111111111111"}, "a": 1}') as JsonValue;
    const { payload } = maskSensitive(input);
    expect(JSON.stringify(payload)).toBe('{"__proto__":{"card_number":"************1111"},"a":1}');
    expect(Object.getPrototypeOf(payload)).toBe(Object.prototype);
  });
});
