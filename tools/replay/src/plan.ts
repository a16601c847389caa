/** Where a replay rewinds a group to. */
export type ReplayTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; at: Date }
  | { kind: 'offsets'; offsets: Map<number, string> };

export interface PartitionState {
  partition: number;
  /** Committed offset of the group; '-1' when it never committed. */
  committed: string;
  low: string;
  high: string;
  /** First offset at or after the target time (datetime targets only). */
  atTime?: string;
}

export interface PartitionMove {
  partition: number;
  from: string;
  to: string;
  /** Records that will be read again (negative: skipped forward). */
  replayed: bigint;
}

const clamp = (offset: bigint, low: bigint, high: bigint): bigint => (offset < low ? low : offset > high ? high : offset);

/** The offsets to commit for each partition; pure, so it is tested without a broker. */
export function planReplay(states: PartitionState[], target: ReplayTarget): PartitionMove[] {
  return states.map((s) => {
    const low = BigInt(s.low);
    const high = BigInt(s.high);
    const current = s.committed === '-1' ? low : BigInt(s.committed);
    let to: bigint;
    switch (target.kind) {
      case 'earliest':
        to = low;
        break;
      case 'latest':
        to = high;
        break;
      case 'datetime':
        to = s.atTime === undefined || s.atTime === '-1' ? high : BigInt(s.atTime);
        break;
      case 'offsets': {
        const wanted = target.offsets.get(s.partition);
        to = wanted === undefined ? current : BigInt(wanted);
        break;
      }
    }
    to = clamp(to, low, high);
    return { partition: s.partition, from: current.toString(), to: to.toString(), replayed: current - to };
  });
}

export class ReplayArgsError extends Error {}

export interface ReplayArgs {
  group: string;
  topic: string;
  target: ReplayTarget;
  dryRun: boolean;
}

export const REPLAY_USAGE = `usage: npm run replay -- --group <consumer group> --topic <topic>
         (--to-earliest | --to-latest | --to-datetime <ISO-8601> | --to-offsets <partition>=<offset>[,...]) [--dry-run]
Stop every consumer of the group first: Kafka refuses to move the offsets of a group with running members.`;

export function parseReplayArgs(argv: string[]): ReplayArgs {
  const take = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    if (i === -1) return undefined;
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--')) throw new ReplayArgsError(`${flag} needs a value`);
    return value;
  };
  const group = take('--group');
  const topic = take('--topic');
  if (!group) throw new ReplayArgsError('--group is required');
  if (!topic) throw new ReplayArgsError('--topic is required');
  const targets: ReplayTarget[] = [];
  if (argv.includes('--to-earliest')) targets.push({ kind: 'earliest' });
  if (argv.includes('--to-latest')) targets.push({ kind: 'latest' });
  const datetime = take('--to-datetime');
  if (datetime !== undefined) {
    const at = new Date(datetime);
    if (Number.isNaN(at.getTime())) throw new ReplayArgsError(`--to-datetime: expected an ISO-8601 time, e.g. 2025-03-27T00:00:00Z`);
    targets.push({ kind: 'datetime', at });
  }
  const offsets = take('--to-offsets');
  if (offsets !== undefined) {
    const map = new Map<number, string>();
    for (const pair of offsets.split(',')) {
      const match = /^(\d+)=(\d+)$/.exec(pair.trim());
      if (!match) throw new ReplayArgsError(`--to-offsets: expected <partition>=<offset>[,...], e.g. 0=1200,3=0`);
      map.set(Number(match[1]), match[2] as string);
    }
    targets.push({ kind: 'offsets', offsets: map });
  }
  if (targets.length !== 1) throw new ReplayArgsError('give exactly one of --to-earliest, --to-latest, --to-datetime, --to-offsets');
  return { group, topic, target: targets[0] as ReplayTarget, dryRun: argv.includes('--dry-run') };
}
