import { describe, expect, it } from 'vitest';
import { parseEnvelope, parseEnvelopeValue } from './envelope.ts';

const valid = { event_id: 123456, event_name: 'ticket_sale', event_timestamp: '2025-03-27T20:48:37', payload: { ticket_id: 't1' } };

function messageOf(input: unknown): string {
  const result = parseEnvelope(input);
  if (result.ok) throw new Error('expected a failure');
  expect(result.reason).toBe('invalid_envelope');
  return result.message;
}

describe('parseEnvelope', () => {
  it('normalises a valid envelope', () => {
    expect(parseEnvelope(valid)).toEqual({
      ok: true,
      event: { event_id: '123456', event_name: 'ticket_sale', event_timestamp: '2025-03-27T20:48:37.000Z', payload: { ticket_id: 't1' } },
    });
  });

  it('keeps string event ids (trimmed) and unknown payload fields, ignores extra top-level fields', () => {
    const result = parseEnvelope({ ...valid, event_id: ' evt-1 ', payload: { a: 1, nested: { b: [1] } }, source: 'x' });
    expect(result).toEqual({
      ok: true,
      event: { event_id: 'evt-1', event_name: 'ticket_sale', event_timestamp: '2025-03-27T20:48:37.000Z', payload: { a: 1, nested: { b: [1] } } },
    });
  });

  it('converts zones to UTC, truncates microseconds and accepts epoch milliseconds', () => {
    const at = (event_timestamp: unknown) => {
      const result = parseEnvelope({ ...valid, event_timestamp });
      return result.ok ? result.event.event_timestamp : result.message;
    };
    expect(at('2025-03-27T22:48:37.123456+02:00')).toBe('2025-03-27T20:48:37.123Z');
    expect(at('2025-03-27T20:48:37.9Z')).toBe('2025-03-27T20:48:37.900Z');
    expect(at(1743108517123)).toBe('2025-03-27T20:48:37.123Z');
  });

  it('accepts unknown but well-formed event names (the router reports them)', () => {
    const result = parseEnvelope({ ...valid, event_name: 'gift_card_redeemed' });
    expect(result.ok && result.event.event_name).toBe('gift_card_redeemed');
  });

  it.each([
    [null, 'envelope: expected a JSON object'],
    [[valid], 'envelope: expected a JSON object'],
    ['{"event_id":1}', 'envelope: expected a JSON object'],
    [{ ...valid, event_id: undefined }, 'event_id: required field is missing'],
    [{ ...valid, event_id: null }, 'event_id: required field is missing'],
    [{ ...valid, event_id: '' }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_id: '   ' }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_id: -1 }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_id: 1.5 }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_id: 2 ** 60 }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_id: { id: 1 } }, 'event_id: expected a non-empty string or a non-negative integer'],
    [{ ...valid, event_name: undefined }, 'event_name: required field is missing'],
    [{ ...valid, event_name: 'TicketSale' }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: 'ticket-sale' }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: 'ticket__sale' }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: '_ticket' }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: 'ticket_sale ' }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: 'a'.repeat(129) }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_name: 7 }, 'event_name: expected a snake_case string of at most 128 characters'],
    [{ ...valid, event_timestamp: undefined }, 'event_timestamp: required field is missing'],
    [{ ...valid, event_timestamp: '27.03.2025 20:48' }, expect.stringMatching(/^event_timestamp: expected ISO-8601/)],
    [{ ...valid, event_timestamp: '2025-02-30T00:00:00' }, expect.stringMatching(/^event_timestamp: expected ISO-8601/)],
    [{ ...valid, event_timestamp: '1743108517000' }, expect.stringMatching(/^event_timestamp: expected ISO-8601/)],
    [{ ...valid, event_timestamp: -5 }, expect.stringMatching(/^event_timestamp: expected ISO-8601/)],
    [{ ...valid, payload: undefined }, 'payload: required field is missing'],
    [{ ...valid, payload: [] }, 'payload: expected a JSON object'],
    [{ ...valid, payload: '{"a":1}' }, 'payload: expected a JSON object'],
  ])('refuses %j', (input, expected) => {
    expect(messageOf(input)).toEqual(expected);
  });

  it('never puts the offending value into the message', () => {
    const secret = 'secret-value-4111111111111111';
    for (const field of ['event_id', 'event_name', 'event_timestamp', 'payload']) {
      const value = field === 'event_id' ? { secret } : secret;
      expect(messageOf({ ...valid, [field]: value })).not.toContain('secret');
    }
  });
});

describe('parseEnvelopeValue', () => {
  it('parses a record value as UTF-8 JSON and validates the envelope', () => {
    expect(parseEnvelopeValue(Buffer.from(JSON.stringify(valid)))).toEqual(parseEnvelope(valid));
    expect(parseEnvelopeValue(Buffer.from('[1]'))).toMatchObject({ ok: false, reason: 'invalid_envelope' });
  });

  it('reports a missing, empty or non-JSON value as invalid_json without quoting it', () => {
    expect(parseEnvelopeValue(null)).toEqual({ ok: false, reason: 'invalid_json', message: 'value: the record has no value' });
    expect(parseEnvelopeValue(Buffer.alloc(0))).toEqual({ ok: false, reason: 'invalid_json', message: 'value: the record has no value' });
    expect(parseEnvelopeValue(Buffer.from('{"secret": '))).toEqual({ ok: false, reason: 'invalid_json', message: 'value: not valid JSON' });
  });
});
