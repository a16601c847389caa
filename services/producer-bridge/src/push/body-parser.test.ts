import { describe, expect, it } from 'vitest';
import { parseBody } from './body-parser.ts';

const event = (id: number) => ({ event_id: id, event_name: 'checkout_started', event_timestamp: '2025-03-27T20:48:37', payload: { checkout_id: `c${id}` } });

describe('parseBody (JSON)', () => {
  it('takes one envelope or an array of them, in order', () => {
    expect(parseBody(JSON.stringify(event(1)), 'json', 10)).toEqual({ ok: true, items: [{ kind: 'parsed', value: event(1) }] });
    const array = parseBody(JSON.stringify([event(1), 'not an object', event(2)]), 'json', 10);
    expect(array).toEqual({ ok: true, items: [{ kind: 'parsed', value: event(1) }, { kind: 'parsed', value: 'not an object' }, { kind: 'parsed', value: event(2) }] });
  });

  it('accepts an empty array and strips a byte-order mark', () => {
    expect(parseBody('[]', 'json', 10)).toEqual({ ok: true, items: [] });
    expect(parseBody(`\uFEFF${JSON.stringify(event(1))}`, 'json', 10).ok).toBe(true);
  });

  it('refuses an unparsable body as a whole without quoting it', () => {
    const result = parseBody('{"event_id": 1, "payload": {"card": "4111111111111111"', 'json', 10);
    expect(result).toMatchObject({ ok: false, status: 400, error: 'invalid_json' });
    expect(JSON.stringify(result)).not.toContain('4111');
  });

  it('refuses empty bodies and JSON scalars', () => {
    expect(parseBody('  \n', 'json', 10)).toMatchObject({ ok: false, status: 400, error: 'empty_body' });
    expect(parseBody('42', 'json', 10)).toMatchObject({ ok: false, status: 400, error: 'invalid_body' });
  });

  it('refuses more events than allowed with 413', () => {
    const result = parseBody(JSON.stringify([event(1), event(2), event(3)]), 'json', 2);
    expect(result).toMatchObject({ ok: false, status: 413, error: 'too_many_events' });
    expect(result.ok === false && result.message).toContain('3 events');
  });
});

describe('parseBody (NDJSON)', () => {
  it('takes one event per non-blank line and keeps unparsable lines as text', () => {
    const body = `${JSON.stringify(event(1))}\r\n\n{"event_id": 2, broken\n${JSON.stringify(event(3))}`;
    expect(parseBody(body, 'ndjson', 10)).toEqual({
      ok: true,
      items: [{ kind: 'parsed', value: event(1) }, { kind: 'unparsable', text: '{"event_id": 2, broken' }, { kind: 'parsed', value: event(3) }],
    });
  });

  it('refuses a body where no line is JSON (a framing mistake)', () => {
    const pretty = JSON.stringify([event(1)], null, 2);
    expect(parseBody(pretty, 'ndjson', 10)).toMatchObject({ ok: false, status: 400, error: 'invalid_json' });
    expect(parseBody('\n\n', 'ndjson', 10)).toMatchObject({ ok: false, status: 400, error: 'empty_body' });
  });

  it('refuses more lines than allowed with 413, counting them', () => {
    const body = [1, 2, 3, 4].map((i) => JSON.stringify(event(i))).join('\n');
    const result = parseBody(body, 'ndjson', 2);
    expect(result).toMatchObject({ ok: false, status: 413, error: 'too_many_events' });
    expect(result.ok === false && result.message).toContain('4 events');
  });
});
