import { describe, expect, it } from 'vitest';
import { incompatibilities, parseLevel } from './compatibility.ts';
import { RegistryError } from './errors.ts';

const record = (fields: object[]): string => JSON.stringify({ type: 'record', name: 'R', namespace: 'n', fields });
const id = { name: 'id', type: 'string' };
const v1 = record([id]);
const optionalAdded = record([id, { name: 'note', type: ['null', 'string'], default: null }]);
const requiredAdded = record([id, { name: 'qty', type: 'int' }]);
const idRemoved = record([{ name: 'note', type: ['null', 'string'], default: null }]);
const typeChanged = record([{ name: 'id', type: 'long' }]);
const widened = record([{ name: 'n', type: 'long' }]);
const narrow = record([{ name: 'n', type: 'int' }]);

describe('incompatibilities', () => {
  it('accepts anything under NONE and anything first', () => {
    expect(incompatibilities(typeChanged, [v1], 'NONE')).toEqual([]);
    expect(incompatibilities(typeChanged, [], 'FULL')).toEqual([]);
  });

  it('BACKWARD: the new schema must read old data', () => {
    expect(incompatibilities(optionalAdded, [v1], 'BACKWARD')).toEqual([]);
    expect(incompatibilities(idRemoved, [v1], 'BACKWARD')).toEqual([]);
    expect(incompatibilities(widened, [narrow], 'BACKWARD')).toEqual([]);
    expect(incompatibilities(requiredAdded, [v1], 'BACKWARD')).toHaveLength(1);
    expect(incompatibilities(typeChanged, [v1], 'BACKWARD')).toHaveLength(1);
    expect(incompatibilities(narrow, [widened], 'BACKWARD')).toHaveLength(1);
  });

  it('FORWARD: old schemas must read new data', () => {
    expect(incompatibilities(requiredAdded, [v1], 'FORWARD')).toEqual([]);
    expect(incompatibilities(idRemoved, [v1], 'FORWARD')).toHaveLength(1);
    expect(incompatibilities(narrow, [widened], 'FORWARD')).toEqual([]);
  });

  it('FULL: both directions', () => {
    expect(incompatibilities(optionalAdded, [v1], 'FULL')).toEqual([]);
    expect(incompatibilities(requiredAdded, [v1], 'FULL')).toHaveLength(1);
    expect(incompatibilities(idRemoved, [v1], 'FULL')).toHaveLength(1);
    expect(incompatibilities(typeChanged, [v1], 'FULL')).toHaveLength(2);
  });

  it('checks only the latest version unless transitive', () => {
    // onlyFirstBreaks reads `latest` data but not `narrow` data (it needs an id that narrow lacks).
    const latest = record([id, { name: 'qty', type: 'int', default: 0 }]);
    const next = record([{ name: 'qty', type: 'int', default: 0 }, { name: 'id', type: 'long', default: 0 }]);
    expect(incompatibilities(next, [v1, latest], 'BACKWARD')).toHaveLength(1);
    const onlyFirstBreaks = record([id, { name: 'qty', type: 'int', default: 0 }, { name: 'x', type: 'int', default: 1 }]);
    expect(incompatibilities(onlyFirstBreaks, [narrow, latest], 'BACKWARD')).toEqual([]);
    expect(incompatibilities(onlyFirstBreaks, [narrow, latest], 'BACKWARD_TRANSITIVE')).toHaveLength(1);
  });

  it('rejects invalid Avro with 42201', () => {
    const bad = record([{ name: 'x', type: 'nope' }]);
    expect(() => incompatibilities(bad, [v1], 'BACKWARD')).toThrow(expect.objectContaining({ errorCode: 42201 }));
    expect(() => incompatibilities('{not json', [v1], 'BACKWARD')).toThrow(RegistryError);
  });
});

describe('parseLevel', () => {
  it('accepts Confluent level names in any case and refuses others with 42203', () => {
    expect(parseLevel('full_transitive')).toBe('FULL_TRANSITIVE');
    expect(() => parseLevel('SIDEWAYS')).toThrow(expect.objectContaining({ errorCode: 42203 }));
  });
});
