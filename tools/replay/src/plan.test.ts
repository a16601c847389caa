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
});

describe('parseReplayArgs', () => {
  it('parses a complete command', () => {
    expect(parseReplayArgs(['--group', 'g', '--topic', 't', '--to-offsets', '0=5,2=7', '--dry-run'])).toEqual({
      group: 'g',
      topic: 't',
      target: { kind: 'offsets', offsets: new Map([[0, '5'], [2, '7']]) },
      dryRun: true,
    });
  });

  it.each([
    [['--topic', 't', '--to-earliest'], '--group is required'],
    [['--group', 'g', '--topic', 't'], 'give exactly one of'],
    [['--group', 'g', '--topic', 't', '--to-earliest', '--to-latest'], 'give exactly one of'],
    [['--group', 'g', '--topic', 't', '--to-datetime', 'yesterday'], '--to-datetime: expected an ISO-8601 time'],
    [['--group', 'g', '--topic', 't', '--to-offsets', '0:5'], '--to-offsets: expected'],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseReplayArgs(argv)).toThrow(ReplayArgsError);
    expect(() => parseReplayArgs(argv)).toThrow(message);
  });
});
