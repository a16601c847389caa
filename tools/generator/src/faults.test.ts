import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, requiredFields, type EventName } from './catalog.ts';
import { FAULT_KINDS, FaultSpecError, parseFaultSpec, type FaultKind } from './faults.ts';
import { generate, type GeneratedRecord } from './generator.ts';
import { classifyRecord } from './validate.ts';

const LIMIT = 8192;
const RATES: Record<FaultKind, number> = { duplicate: 5, malformed: 3, missing_field: 2, wrong_type: 2, unknown_event: 2, oversized: 1 };
const TOTAL = 20_000;
const records = generate({ seed: 'faults', total: TOTAL, faults: RATES, eventSizeLimit: LIMIT });
const ofKind = (kind: string): GeneratedRecord[] => records.filter((r) => r.kind === kind);
const parse = (text: string): Record<string, unknown> => JSON.parse(text) as Record<string, unknown>;

describe('parseFaultSpec', () => {
  it('reads kind=percent pairs and aliases', () => {
    expect(parseFaultSpec('duplicate=2, malformed=1,missing=0.5,wrong=1,unknown=3,oversize=0.1')).toEqual({
      duplicate: 2,
      malformed: 1,
      missing_field: 0.5,
      wrong_type: 1,
      unknown_event: 3,
      oversized: 0.1,
    });
    expect(parseFaultSpec('')).toEqual({ duplicate: 0, malformed: 0, missing_field: 0, wrong_type: 0, unknown_event: 0, oversized: 0 });
  });

  it.each(['bogus=1', 'duplicate', 'duplicate=x', 'duplicate=-1', 'duplicate=101', 'duplicate=60,malformed=41'])('refuses %s', (spec) => {
    expect(() => parseFaultSpec(spec)).toThrow(FaultSpecError);
  });
});

describe('fault injection', () => {
  it('injects each kind at its percentage (within 4 standard deviations)', () => {
    for (const kind of FAULT_KINDS) {
      const p = RATES[kind] / 100;
      const sd = Math.sqrt(TOTAL * p * (1 - p));
      expect(Math.abs(ofKind(kind).length - TOTAL * p), kind).toBeLessThan(4 * sd);
    }
    const faultShare = records.filter((r) => r.kind !== 'valid').length / TOTAL;
    expect(faultShare).toBeGreaterThan(0.13);
    expect(faultShare).toBeLessThan(0.17);
  });

  it('makes every fault fail exactly where it is designed to (checked by the oracle)', () => {
    const mismatches = records
      .filter((r) => r.intended !== null)
      .filter((r) => {
        const verdict = classifyRecord(r.text, LIMIT);
        return verdict.ok || verdict.stage !== r.intended?.stage || verdict.reason !== r.intended?.reason;
      });
    expect(mismatches).toEqual([]);
    expect(new Set(records.filter((r) => r.intended).map((r) => `${r.intended?.stage}/${r.intended?.reason}`))).toEqual(
      new Set(['bridge/invalid_json', 'bridge/invalid_envelope', 'bridge/payload_too_large', 'router/unknown_event_name', 'extractor/invalid_payload']),
    );
  });

  it('re-sends earlier valid records byte for byte as duplicates', () => {
    const validTexts = new Map<string, number>();
    for (const record of records) {
      if (record.kind === 'valid') validTexts.set(record.text, record.seq);
      if (record.kind === 'duplicate') {
        const original = validTexts.get(record.text);
        expect(original).toBeDefined();
        expect(original as number).toBeLessThan(record.seq);
      }
    }
    expect(ofKind('duplicate').every((r) => r.intended === null && r.eventId !== null)).toBe(true);
  });

  it('sends malformed records as one non-blank line that is not JSON', () => {
    const malformed = ofKind('malformed');
    expect(new Set(malformed.map((r) => r.fault?.variant)).size).toBeGreaterThanOrEqual(5);
    for (const record of malformed) {
      expect(() => JSON.parse(record.text)).toThrow();
      expect(record.text).not.toMatch(/\n/);
      expect(record.text.trim()).not.toBe('');
    }
    expect(generate({ seed: 'x', total: 5, faults: { malformed: 100 } }).map((r) => r.kind)).toEqual([
      'malformed',
      'malformed',
      'malformed',
      'malformed',
      'valid',
    ]);
  });

  it('leaves out the named field for missing_field faults, in the envelope or in the payload', () => {
    const missing = ofKind('missing_field');
    const targets = new Set(missing.map((r) => r.fault?.target));
    expect(targets).toEqual(new Set(['envelope', 'payload']));
    for (const record of missing) {
      const envelope = parse(record.text);
      const field = record.fault?.field as string;
      if (record.fault?.target === 'envelope') {
        expect(envelope).not.toHaveProperty(field);
      } else {
        expect(requiredFields(envelope.event_name as EventName)).toContain(field);
        expect(envelope.payload).not.toHaveProperty(field);
      }
    }
  });

  it('puts a value of the wrong type into the named field for wrong_type faults', () => {
    const wrong = ofKind('wrong_type');
    expect(new Set(wrong.map((r) => r.fault?.target))).toEqual(new Set(['envelope', 'payload']));
    for (const record of wrong) {
      const envelope = parse(record.text);
      const field = record.fault?.field as string;
      const holder = record.fault?.target === 'envelope' ? envelope : (envelope.payload as Record<string, unknown>);
      expect(holder).toHaveProperty(field);
      if (record.fault?.target === 'payload') expect(requiredFields(envelope.event_name as EventName)).toContain(field);
    }
  });

  it('uses well-formed event names that are not in the catalog for unknown_event faults', () => {
    for (const record of ofKind('unknown_event')) {
      const name = parse(record.text).event_name as string;
      expect(name).toMatch(/^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/);
      expect(EVENT_NAMES as readonly string[]).not.toContain(name);
    }
  });

  it('pads oversized events above the limit by at least 1 KiB, otherwise valid', () => {
    const oversized = ofKind('oversized');
    expect(oversized.length).toBeGreaterThan(0);
    for (const record of oversized) {
      const bytes = Buffer.byteLength(record.text);
      expect(bytes).toBeGreaterThan(LIMIT + 1024);
      expect(bytes).toBeLessThanOrEqual(LIMIT + 8192);
      expect(classifyRecord(record.text, Number.MAX_SAFE_INTEGER).ok).toBe(true);
    }
    const big = generate({ seed: 'big', total: 3, faults: { oversized: 100 } });
    for (const record of big) expect(Buffer.byteLength(record.text)).toBeGreaterThan(1024 * 1024 + 1024);
  });

  it('gives faults their own event_ids and entity ids, never those of valid events', () => {
    const valid = ofKind('valid');
    const validEventIds = new Set(valid.map((r) => r.eventId));
    const faulty = records.filter((r) => r.intended !== null);
    expect(faulty.filter((r) => r.eventId !== null && validEventIds.has(r.eventId))).toEqual([]);
    expect(new Set(faulty.map((r) => r.eventId).filter((x) => x !== null)).size).toBe(faulty.filter((r) => r.eventId !== null).length);

    const idsIn = (text: string): string[] => [...text.matchAll(/"(?:checkout|customer|ticket|attraction|transaction)_id":("[^"]*"|\d+)/g)].map((m) => m[1] as string);
    const validIds = new Set(valid.flatMap((r) => idsIn(r.text)));
    const faultyIds = faulty.filter((r) => r.kind !== 'malformed').flatMap((r) => idsIn(r.text));
    expect(faultyIds.length).toBeGreaterThan(100);
    expect(faultyIds.filter((x) => validIds.has(x))).toEqual([]);
  });
});
