import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli.ts';

describe('parseCliArgs', () => {
  it('has defaults', () => {
    const parsed = parseCliArgs([]);
    expect(parsed).toMatchObject({
      kind: 'run',
      options: { mode: 'push', seed: '1', total: 10000, rate: 1000, url: 'http://127.0.0.1:8080', batch: 500, format: 'mixed', eventSizeLimit: 1048576, port: 8090, quiet: false },
    });
  });

  it('reads every option', () => {
    const parsed = parseCliArgs([
      '--seed', 'abc', '--rate', '2.5', '--total', '77', '--url', 'http://bridge:8080', '--mode', 'serve', '--port', '0',
      '--batch', '50', '--faults', 'duplicate=2,unknown=1', '--token', 't', '--event-size-limit', '5000', '--start', '1743069600000',
      '--format', 'ndjson', '--max-retries', '3', '--max-body-bytes', '2048', '--exit-when-served', '--quiet',
    ]);
    expect(parsed.kind).toBe('run');
    if (parsed.kind !== 'run') return;
    expect(parsed.options).toMatchObject({
      seed: 'abc', rate: 2.5, total: 77, url: 'http://bridge:8080', mode: 'serve', port: 0, batch: 50, token: 't', eventSizeLimit: 5000,
      startTime: 1743069600000, format: 'ndjson', maxRetries: 3, maxBodyBytes: 2048, exitWhenServed: true, quiet: true,
    });
    expect(parsed.options.faults).toMatchObject({ duplicate: 2, unknown_event: 1, malformed: 0 });
  });

  it('asks for help', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus']],
    [['positional']],
    [['--rate', 'fast']],
    [['--total', '-1']],
    [['--batch', '0']],
    [['--mode', 'pull']],
    [['--format', 'xml']],
    [['--faults', 'chaos=5']],
    [['--event-size-limit', '100']],
    [['--start', 'yesterday']],
    [['--url', 'bridge:8080']],
    [['--mode', 'file']],
    [['--mode', 'serve', '--faults', 'malformed=1']],
    [['--port', '70000']],
  ])('refuses %j with a message', (argv) => {
    const parsed = parseCliArgs(argv);
    expect(parsed.kind).toBe('error');
    if (parsed.kind === 'error') expect(parsed.message.length).toBeGreaterThan(5);
  });
});
