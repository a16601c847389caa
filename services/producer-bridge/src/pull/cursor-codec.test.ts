import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor-codec.ts';

describe('cursor codec', () => {
  it('round-trips a cursor record', () => {
    const value = encodeCursor('http://checkout/api', 'opaque-42', 500, new Date('2025-03-27T20:48:37.000Z'));
    expect(JSON.parse(value)).toEqual({ v: 1, source: 'http://checkout/api', cursor: 'opaque-42', updated_at: '2025-03-27T20:48:37.000Z', page_events: 500 });
    expect(decodeCursor(Buffer.from(value))).toEqual(JSON.parse(value));
  });

  it('treats a tombstone as "from the beginning"', () => {
    expect(decodeCursor(null)).toBeUndefined();
  });

  it('refuses values it cannot read rather than restarting from the beginning', () => {
    expect(() => decodeCursor('not json')).toThrow(/not JSON/);
    expect(() => decodeCursor('{"v":2,"cursor":"x","source":"s"}')).toThrow(/unknown format/);
  });
});
