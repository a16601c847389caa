import { describe, expect, it } from 'vitest';
import { parsePage } from './page.ts';

describe('parsePage', () => {
  it('takes events with a next cursor, and an empty page with or without one', () => {
    expect(parsePage({ events: [{ a: 1 }], next_cursor: 'c2' })).toEqual({ ok: true, page: { events: [{ a: 1 }], nextCursor: 'c2' } });
    expect(parsePage({ events: [], next_cursor: null })).toEqual({ ok: true, page: { events: [], nextCursor: undefined } });
    expect(parsePage({ events: [] })).toEqual({ ok: true, page: { events: [], nextCursor: undefined } });
  });

  it('refuses pages that break the contract', () => {
    expect(parsePage([])).toMatchObject({ ok: false });
    expect(parsePage({ items: [] })).toMatchObject({ ok: false, message: 'events: expected an array' });
    expect(parsePage({ events: [{}] })).toMatchObject({ ok: false, message: 'next_cursor: required when events is not empty' });
    expect(parsePage({ events: [{}], next_cursor: 7 })).toMatchObject({ ok: false });
    expect(parsePage({ events: [{}], next_cursor: '' })).toMatchObject({ ok: false });
  });
});
