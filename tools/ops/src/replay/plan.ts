import { parseArgs } from 'node:util';

/** Where a replay moves a group's committed offsets to. */
export type ReplayTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'datetime'; at: Date }
  /** Relative to the committed offset: negative reads records again, positive skips them. */
  | { kind: 'shift'; by: bigint }
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

/** The offsets to commit for each partition of one topic; pure, so it is tested without a broker. */
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
      case 'shift':
        to = current + target.by;
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

type ReplayArgs =
  | { kind: 'help' }
  | {
      kind: 'replay';
      /** A stage of the pipeline (its group and topics by default) or an explicit group. */
      stage?: string;
      group?: string;
      /** Topics to move; default: the stage's topics, or every topic the group committed offsets for. */
      topics: string[];
      target: ReplayTarget;
      dryRun: boolean;
      /** Sink only: forget the warehouse's progress of the replayed topics so their rows are written again. */
      rebuild: boolean;
    };

export const REPLAY_USAGE = `usage: npm run replay -- (--stage <stage> | --group <consumer group>) [--topic <topic>]...
         (--to-earliest | --to-latest | --to-datetime <ISO-8601> | --shift-by <±records> | --to-offsets <partition>=<offset>[,...])
         [--rebuild] [--dry-run]
  --stage      router, extractor, sink, dlq-archiver or raw-archiver: that stage's group and the topics it reads
  --group      any consumer group; its topics are those it committed offsets for, unless --topic names them
  --shift-by   moves every partition by that many records from the committed offset (-1000: read 1000 again)
  --rebuild    (sink) also clears the warehouse's progress of the replayed topics, so rows of a truncated or
               dropped table are written again; without it the sink skips what it already wrote
  --dry-run    prints the plan and changes nothing
Stop the group's consumers first (for npm start: stop the pipeline): Kafka refuses to move the offsets of a group
with live members. Without KAFKA_BROKERS, the local broker of npm start (DATA_DIR, default ./data) is started for
the duration of the command.`;

/** Parses the command line; throws ReplayArgsError naming what is wrong. */
export function parseReplayArgs(argv: string[]): ReplayArgs {
  // `--shift-by -1000` reads naturally; parseArgs would take -1000 for an option.
  const args: string[] = [];
  for (const arg of argv) {
    if (args.at(-1) === '--shift-by' && /^-\d+$/.test(arg)) args[args.length - 1] = `--shift-by=${arg}`;
    else args.push(arg);
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        stage: { type: 'string' },
        group: { type: 'string' },
        topic: { type: 'string', multiple: true },
        'to-earliest': { type: 'boolean' },
        'to-latest': { type: 'boolean' },
        'to-datetime': { type: 'string' },
        'shift-by': { type: 'string' },
        'to-offsets': { type: 'string' },
        rebuild: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new ReplayArgsError((error as Error).message);
  }
  if (values.help) return { kind: 'help' };
  if (!values.stage === !values.group) throw new ReplayArgsError('give exactly one of --stage or --group');
  const targets: ReplayTarget[] = [];
  if (values['to-earliest']) targets.push({ kind: 'earliest' });
  if (values['to-latest']) targets.push({ kind: 'latest' });
  const datetime = values['to-datetime'];
  if (datetime !== undefined) {
    const at = new Date(datetime);
    if (!/^\d{4}-\d{2}-\d{2}/.test(datetime) || Number.isNaN(at.getTime())) {
      throw new ReplayArgsError('--to-datetime: expected an ISO-8601 time, e.g. 2025-03-27T00:00:00Z');
    }
    targets.push({ kind: 'datetime', at });
  }
  const shift = values['shift-by'];
  if (shift !== undefined) {
    if (!/^[+-]?\d+$/.test(shift)) throw new ReplayArgsError('--shift-by: expected a whole number of records, e.g. -1000');
    targets.push({ kind: 'shift', by: BigInt(shift) });
  }
  const offsets = values['to-offsets'];
  if (offsets !== undefined) {
    const map = new Map<number, string>();
    for (const pair of offsets.split(',')) {
      const match = /^(\d+)=(\d+)$/.exec(pair.trim());
      if (!match) throw new ReplayArgsError('--to-offsets: expected <partition>=<offset>[,...], e.g. 0=1200,3=0');
      map.set(Number(match[1]), match[2] as string);
    }
    targets.push({ kind: 'offsets', offsets: map });
  }
  if (targets.length !== 1) throw new ReplayArgsError('give exactly one of --to-earliest, --to-latest, --to-datetime, --shift-by, --to-offsets');
  const topics = values.topic ?? [];
  if (offsets !== undefined && topics.length !== 1) throw new ReplayArgsError('--to-offsets: name the one topic they are for with --topic');
  return {
    kind: 'replay',
    stage: values.stage,
    group: values.group,
    topics,
    target: targets[0] as ReplayTarget,
    dryRun: values['dry-run'] ?? false,
    rebuild: values.rebuild ?? false,
  };
}
