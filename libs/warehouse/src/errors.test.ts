import { describe, expect, it } from 'vitest';
import { ClickHouseError } from '@clickhouse/client';
import { classifyWarehouseError, describeWarehouseError, warehouseErrorLabel } from './errors.ts';

const chError = (code: string, type: string, message: string) => new ClickHouseError({ message, code, type });

describe('warehouse error classification', () => {
  it('treats value errors as rejected rows', () => {
    expect(classifyWarehouseError(chError('69', 'ARGUMENT_OUT_OF_BOUND', 'Too many digits'))).toBe('rejected');
    expect(classifyWarehouseError(chError('117', 'INCORRECT_DATA', 'Cannot parse JSON String value here: null'))).toBe('rejected');
  });

  it('retries everything else: too many parts, timeouts, unknown tables, network errors', () => {
    expect(classifyWarehouseError(chError('252', 'TOO_MANY_PARTS', 'Too many parts'))).toBe('transient');
    expect(classifyWarehouseError(chError('159', 'TIMEOUT_EXCEEDED', 'Timeout'))).toBe('transient');
    expect(classifyWarehouseError(chError('60', 'UNKNOWN_TABLE', 'Table dwh.x does not exist'))).toBe('transient');
    expect(classifyWarehouseError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifyWarehouseError(new Error('Timeout error.'))).toBe('transient');
  });

  it('describes an error without the input ClickHouse quotes', () => {
    const error = chError('27', 'CANNOT_PARSE_INPUT_ASSERTION_FAILED', `Cannot parse input: expected '"' before: 'secret@example.com"]': (while reading the value of key email_sha256)`);
    const text = describeWarehouseError(error);
    expect(text).toBe('ClickHouse error 27 CANNOT_PARSE_INPUT_ASSERTION_FAILED (column email_sha256)');
    expect(text).not.toContain('secret');
    expect(warehouseErrorLabel(error)).toBe('CANNOT_PARSE_INPUT_ASSERTION_FAILED');
    expect(warehouseErrorLabel(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe('ECONNRESET');
  });
});
