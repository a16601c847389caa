import { describe, expect, it } from 'vitest';
import { parseReplayArgs, planReplay, ReplayArgsError, type PartitionState } from './plan.ts';

const states: PartitionState[] = [
  { partition: 0, committed: '120', low: '100', high: '150', atTime: '110' },
  { partition: 1, committed: '-1', low: '0', high: '40', atTime: '-1' },
];

describe('planReplay', () => {
  it('rewinds to the earliest retained offset and counts what is read again', () => {
    expect(planReplay(states, { kind: 'earliest' })).toEqual([
      { partition: 0, from: '120', to: '100', replayed: 20n },
      { partition: 1, from: '0', to: '0', replayed: 0n },
    ]);
  });

  it('uses the first offset at the time, or the end when nothing is that new', () => {
    expect(planReplay(states, { kind: 'datetime', at: new Date(0) }).map((m) => m.to)).toEqual(['110', '40']);
  });

  it('clamps explicit offsets into the retained range and leaves other partitions alone', () => {
    expect(planReplay(states, { kind: 'offsets', offsets: new Map([[0, '5']]) }).map((m) => m.to)).toEqual(['100', '0']);
  });

  it('shifts from the committed offset, within the retained range', () => {
    expect(planReplay(states, { kind: 'shift', by: -15n })).toEqual([
      { partition: 0, from: '120', to: '105', replayed: 15n },
      { partition: 1, from: '0', to: '0', replayed: 0n },
    ]);
    expect(planReplay(states, { kind: 'shift', by: 100n }).map((m) => m.to)).toEqual(['150', '40']);
  });
});

describe('parseReplayArgs', () => {
  it('parses a complete command', () => {
    expect(parseReplayArgs(['--group', 'g', '--topic', 't', '--to-offsets', '0=5,2=7', '--dry-run'])).toEqual({
      kind: 'replay',
      stage: undefined,
      group: 'g',
      topics: ['t'],
      target: { kind: 'offsets', offsets: new Map([[0, '5'], [2, '7']]) },
      dryRun: true,
      rebuild: false,
    });
    expect(parseReplayArgs(['--stage', 'sink', '--shift-by', '-1000', '--rebuild'])).toMatchObject({
      stage: 'sink',
      topics: [],
      target: { kind: 'shift', by: -1000n },
      rebuild: true,
    });
    expect(parseReplayArgs(['--help'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--topic', 't', '--to-earliest'], 'give exactly one of --stage or --group'],
    [['--stage', 'router', '--group', 'g', '--to-earliest'], 'give exactly one of --stage or --group'],
    [['--group', 'g', '--topic', 't'], 'give exactly one of --to-earliest'],
    [['--group', 'g', '--to-earliest', '--to-latest'], 'give exactly one of --to-earliest'],
    [['--group', 'g', '--to-datetime', 'yesterday'], '--to-datetime: expected an ISO-8601 time'],
    [['--group', 'g', '--shift-by', 'ten'], '--shift-by: expected a whole number'],
    [['--group', 'g', '--topic', 't', '--to-offsets', '0:5'], '--to-offsets: expected'],
    [['--group', 'g', '--to-offsets', '0=5'], '--to-offsets: name the one topic'],
    [['--group', 'g', '--to-earliest', '--bogus'], "Unknown option '--bogus'"],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseReplayArgs(argv)).toThrow(ReplayArgsError);
    expect(() => parseReplayArgs(argv)).toThrow(message);
  });
});
