import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SchemaStore } from './store.ts';

const v1 = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'id', type: 'string' }] });
const v2 = JSON.stringify({
  type: 'record',
  name: 'R',
  fields: [
    { name: 'id', type: 'string' },
    { name: 'note', type: ['null', 'string'], default: null },
  ],
});
const incompatible = JSON.stringify({ type: 'record', name: 'R', fields: [{ name: 'id', type: 'int' }] });
const code = (errorCode: number) => expect.objectContaining({ errorCode });

describe('SchemaStore', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same schema the same id, across whitespace and subjects', () => {
    const store = new SchemaStore();
    const id = store.register('a-value', v1);
    expect(store.register('a-value', JSON.stringify(JSON.parse(v1), null, 2))).toBe(id);
    expect(store.register('b-value', v1)).toBe(id);
    expect(store.versions('a-value')).toEqual([1]);
    expect(store.subjectsOfId(id)).toEqual([
      { subject: 'a-value', version: 1 },
      { subject: 'b-value', version: 1 },
    ]);
  });

  it('adds versions for compatible changes and refuses incompatible ones with 409', () => {
    const store = new SchemaStore();
    const id1 = store.register('s', v1);
    const id2 = store.register('s', v2);
    expect(id2).not.toBe(id1);
    expect(store.getVersion('s', 'latest')).toMatchObject({ version: 2, id: id2 });
    expect(() => store.register('s', incompatible)).toThrow(code(409));
    store.setSubjectLevel('s', 'NONE');
    expect(store.register('s', incompatible)).toBeGreaterThan(id2);
  });

  it('answers lookups and reads with Confluent error codes', () => {
    const store = new SchemaStore();
    const id = store.register('s', v1);
    expect(store.lookup('s', v1)).toMatchObject({ subject: 's', id, version: 1 });
    expect(() => store.lookup('s', v2)).toThrow(code(40403));
    expect(() => store.lookup('nope', v1)).toThrow(code(40401));
    expect(() => store.getVersion('s', '7')).toThrow(code(40402));
    expect(() => store.getVersion('s', 'x')).toThrow(code(42202));
    expect(() => store.schemaById(99)).toThrow(code(40403));
    expect(() => store.register('s', '{"type":"nope"}')).toThrow(code(42201));
  });

  it('keeps the global level apart from subject levels', () => {
    const store = new SchemaStore();
    expect(store.globalLevel()).toBe('BACKWARD');
    expect(() => store.subjectLevel('s', false)).toThrow(code(40408));
    expect(store.subjectLevel('s', true)).toBe('BACKWARD');
    store.setSubjectLevel('s', 'full');
    expect(store.subjectLevel('s', false)).toBe('FULL');
    expect(() => store.setGlobalLevel('sideways')).toThrow(code(42203));
  });

  it('does not reuse version numbers after a delete', () => {
    const store = new SchemaStore();
    store.register('s', v1);
    store.register('s', v2);
    expect(store.deleteVersion('s', '2')).toBe(2);
    store.setSubjectLevel('s', 'NONE');
    store.register('s', incompatible);
    expect(store.versions('s')).toEqual([1, 3]);
    expect(store.deleteSubject('s')).toEqual([1, 3]);
    expect(() => store.versions('s')).toThrow(code(40401));
  });

  it('persists ids, versions and levels to its file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'store-test-'));
    dirs.push(dir);
    const file = path.join(dir, 'nested', 'registry.json');
    const first = new SchemaStore(file);
    const id = first.register('s', v1);
    first.setGlobalLevel('FULL');

    const second = new SchemaStore(file);
    expect(second.getVersion('s', '1')).toMatchObject({ id, schema: JSON.stringify(JSON.parse(v1)) });
    expect(second.globalLevel()).toBe('FULL');
    expect(second.register('other', v2)).toBe(id + 1);
  });
});
