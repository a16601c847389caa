import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const SERVICES = [
  'services/producer-bridge/src/main.ts',
  'services/router/src/main.ts',
  'services/extractor/src/main.ts',
  'services/sink-clickhouse/src/main.ts',
  'services/topic-archiver/src/main.ts',
];

function run(main: string, env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: result.status, lines: result.stderr.trim().split('\n').filter(Boolean), stdout: result.stdout };
}

describe('a wrong configuration value stops a service with one clear line', () => {
  it.each(SERVICES)('%s names the malformed variable and exits 78', (main) => {
    const { code, lines } = run(main, { KAFKA_BROKERS: 'not a broker list', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1', EXTRACTOR_EMAIL_PEPPER: 'x' });
    expect(code).toBe(78);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/invalid configuration: .*KAFKA_BROKERS: expected a comma-separated list of host:port/);
  });

  it('names a missing required variable', () => {
    const { code, lines } = run(SERVICES[1] as string, {});
    expect(code).toBe(78);
    expect(lines).toEqual(['router: invalid configuration: KAFKA_BROKERS: required but not set']);
  });

  it('names a malformed number', () => {
    const { code, lines } = run(SERVICES[0] as string, { KAFKA_BROKERS: '127.0.0.1:9', BRIDGE_PORT: 'eighty' });
    expect(code).toBe(78);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('BRIDGE_PORT: expected an integer');
  });
});
