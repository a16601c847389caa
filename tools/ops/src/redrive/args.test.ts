import { describe, expect, it } from 'vitest';
import { parseRedriveArgs, UsageError } from './args.ts';

describe('redrive arguments', () => {
  it('reads topics, reasons (repeated or comma-separated), a UTC time range and --dry-run', () => {
    const args = parseRedriveArgs(['--topic', 'checkout.events.raw', '--reason', 'invalid_payload,schema_error', '--reason', 'invalid_json', '--from', '2025-03-27T20:00', '--to', '2025-03-28', '--dry-run']);
    expect(args.filter).toEqual({
      sourceTopics: ['checkout.events.raw'],
      reasons: ['invalid_payload', 'schema_error', 'invalid_json'],
      from: new Date('2025-03-27T20:00:00.000Z'),
      to: new Date('2025-03-28T00:00:00.000Z'),
    });
    expect(args.dryRun).toBe(true);
    expect(parseRedriveArgs(['--from', '2025-03-27T22:00:00+02:00']).filter.from).toEqual(new Date('2025-03-27T20:00:00.000Z'));
  });

  it('matches everything by default', () => {
    expect(parseRedriveArgs([])).toEqual({ filter: { sourceTopics: [], reasons: [], from: undefined, to: undefined }, archiveTopic: undefined, targetTopic: undefined, dryRun: false, help: false });
  });

  it('refuses unknown options, bad times and empty ranges', () => {
    expect(() => parseRedriveArgs(['--since', 'x'])).toThrow(UsageError);
    expect(() => parseRedriveArgs(['--from', 'yesterday'])).toThrow(/--from: expected an ISO-8601 time/);
    expect(() => parseRedriveArgs(['--from', '2025-03-28', '--to', '2025-03-27'])).toThrow(/before --to/);
  });
});
