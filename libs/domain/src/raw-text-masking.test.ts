import { describe, expect, it } from 'vitest';
import { maskRawText } from './masking.ts';

describe('maskRawText', () => {
  it('masks Luhn-valid and other card-like digit runs, keeping the last 4 digits', () => {
    const text = '{"card": "4111 1111 1111 1111", "other": 4000-0000-0000-0001, "bad_luhn": "5500000000000005" broken';
    const masked = maskRawText(text);
    expect(masked).not.toMatch(/\d{5,}/);
    expect(masked).toContain('************1111');
    expect(masked).toContain('************0001');
    expect(masked).toContain('************0005');
  });

  it('masks security codes and IBANs', () => {
    const masked = maskRawText('{"cvc": "123", cvv2=9876, "iban": "DE89 3704 0044 0532 0130 00" ,,,');
    expect(masked).not.toContain('123');
    expect(masked).not.toContain('9876');
    expect(masked).not.toContain('3704');
    expect(masked).toContain('"cvc": "***"');
    expect(masked).toContain('3000');
  });

  it('masks the value of every key masking removes, however it is spelled', () => {
    const masked = maskRawText('{"Card_Security_Code": "321", securityCode=4321, "card-verification-value":"555" broken');
    expect(masked).not.toMatch(/321|555/);
    expect(masked).toContain('"Card_Security_Code": "***"');
    expect(masked).toContain('securityCode=***');
  });

  it('leaves short numbers alone', () => {
    expect(maskRawText('{"ticket_count": 3, "amount": 129.50, "checkout_id": "c-42"')).toBe('{"ticket_count": 3, "amount": 129.50, "checkout_id": "c-42"');
  });
});
