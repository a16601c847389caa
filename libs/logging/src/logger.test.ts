import { spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('log redaction', () => {
  it('never writes payloads, record values, e-mails or tokens', () => {
    const { lines, stream } = capture();
    const log = createLogger('test', {}, stream);
    log.warn(
      {
        event: { event_id: 'e1', payload: { email: 'ann@example.com', card: '4111111111111111' } },
        record: { topic: 'checkout.events.raw', offset: '7', value: '{"email":"ann@example.com"}' },
        req: { headers: { authorization: 'Bearer s3cret' } },
        email: 'ann@example.com',
      },
      'rejected',
    );
    const line = lines.join('');
    expect(line).toContain('"event_id":"e1"');
    expect(line).toContain('"offset":"7"');
    for (const secret of ['ann@example.com', '4111111111111111', 's3cret']) expect(line).not.toContain(secret);
  });

  it('censors personal and payment keys at any depth and in any spelling, from the catalog and the masking rules', () => {
    const { lines, stream } = capture();
    const log = createLogger('test', {}, stream).child({ topic: 'checkout.events.raw' }).child({ sasl: { password: 'p4ss' } });
    log.warn(
      {
        failure: { context: { customer: { First_Name: 'Ann', birthDate: '1990-01-02' }, cardNumber: '5500005555555559', 'card-security-code': '321' } },
        account: [{ IBAN: 'DE89370400440532013000' }],
        attempt: 3,
        err: new Error('insert refused'),
      },
      'rejected',
    );
    const line = lines.join('');
    for (const secret of ['p4ss', '321', 'Ann', '1990-01-02', '5500005555555559', 'DE89370400440532013000']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ topic: 'checkout.events.raw', attempt: 3, err: { message: 'insert refused' } });
  });
});

describe('a command-line tool\'s logger', () => {
  it('writes to stderr, leaving stdout to the result a script parses', () => {
    const script = "import { createCommandLogger } from './libs/logging/src/index.ts'; createCommandLogger('tool', { LOG_LEVEL: 'warn' }).warn('broker slow'); console.log('{\"result\":1}');";
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toBe('{"result":1}\n');
    expect(JSON.parse(run.stderr)).toMatchObject({ service: 'tool', msg: 'broker slow' });
  });
});
