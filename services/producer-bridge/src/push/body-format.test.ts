import { describe, expect, it } from 'vitest';
import { bodyEncodingOf, bodyFormatOf } from './body-format.ts';

describe('bodyFormatOf', () => {
  it('reads JSON and NDJSON media types, ignoring parameters and case', () => {
    expect(bodyFormatOf('application/json; charset=utf-8')).toBe('json');
    expect(bodyFormatOf('Application/JSON')).toBe('json');
    expect(bodyFormatOf('application/vnd.checkout+json')).toBe('json');
    expect(bodyFormatOf(undefined)).toBe('json');
    expect(bodyFormatOf('application/x-ndjson')).toBe('ndjson');
    expect(bodyFormatOf('application/jsonl; charset=utf-8')).toBe('ndjson');
  });

  it('refuses other media types', () => {
    expect(bodyFormatOf('application/x-www-form-urlencoded')).toBeUndefined();
    expect(bodyFormatOf('text/plain')).toBeUndefined();
  });
});

describe('bodyEncodingOf', () => {
  it('takes gzip and identity only', () => {
    expect(bodyEncodingOf(undefined)).toBe('identity');
    expect(bodyEncodingOf('GZIP')).toBe('gzip');
    expect(bodyEncodingOf('x-gzip')).toBe('gzip');
    expect(bodyEncodingOf('br')).toBeUndefined();
  });
});
