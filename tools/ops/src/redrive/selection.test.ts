import { describe, expect, it } from 'vitest';
import type { ArchivedRecord } from '@ckt/archive';
import { hourOverlaps, matchesFilter, redrivePlan } from './selection.ts';

const letter = (over: Partial<ArchivedRecord> = {}): ArchivedRecord => ({
  topic: 'checkout.dlq',
  partition: 0,
  offset: '3',
  timestamp: '2025-03-27T20:30:00.000Z',
  key: Buffer.from('c-1'),
  value: Buffer.from('{"event_id":"e1"}'),
  headers: {
    traceparent: Buffer.from('00-abc-def-01'),
    'dlq.reason': Buffer.from('invalid_payload'),
    'dlq.source.topic': Buffer.from('checkout.events.raw'),
    'dlq.stage': Buffer.from('router'),
  },
  ...over,
});
const all = { sourceTopics: [], reasons: [] };

describe('redrive selection', () => {
  it('filters by source topic, reason and a [from, to) time range', () => {
    expect(matchesFilter(letter(), all)).toBe(true);
    expect(matchesFilter(letter(), { ...all, reasons: ['invalid_json'] })).toBe(false);
    expect(matchesFilter(letter(), { ...all, reasons: ['invalid_json', 'invalid_payload'] })).toBe(true);
    expect(matchesFilter(letter(), { ...all, sourceTopics: ['checkout.events.ticket'] })).toBe(false);
    expect(matchesFilter(letter(), { ...all, from: new Date('2025-03-27T20:30:00Z') })).toBe(true);
    expect(matchesFilter(letter(), { ...all, to: new Date('2025-03-27T20:30:00Z') })).toBe(false);
  });

  it('skips objects of hours outside the range', () => {
    const filter = { ...all, from: new Date('2025-03-27T20:30:00Z'), to: new Date('2025-03-27T22:00:00Z') };
    expect(hourOverlaps({ date: '2025-03-27', hour: '19' }, filter)).toBe(false);
    expect(hourOverlaps({ date: '2025-03-27', hour: '20' }, filter)).toBe(true);
    expect(hourOverlaps({ date: '2025-03-27', hour: '21' }, filter)).toBe(true);
    expect(hourOverlaps({ date: '2025-03-27', hour: '22' }, filter)).toBe(false);
  });

  it('republishes the original key, value and headers without dlq.*, to the source topic', () => {
    const plan = redrivePlan(letter());
    expect(plan).toEqual({
      topic: 'checkout.events.raw',
      message: { key: Buffer.from('c-1'), value: Buffer.from('{"event_id":"e1"}'), headers: { traceparent: Buffer.from('00-abc-def-01') } },
    });
    expect(redrivePlan(letter(), 'checkout.replay')).toMatchObject({ topic: 'checkout.replay' });
    expect(redrivePlan(letter({ headers: { 'dlq.reason': Buffer.from('invalid_json') } }))).toEqual({ skip: 'no_source_topic' });
  });
});
