import { parseArgs } from 'node:util';

/** Which archived dead letters to redrive. Empty lists match everything. */
export interface RedriveFilter {
  /** Original topics (`dlq.source.topic`). */
  sourceTopics: string[];
  /** Reason codes (`dlq.reason`). */
  reasons: string[];
  /** Dead-letter record time range, from inclusive, to exclusive. */
  from?: Date;
  to?: Date;
}

interface RedriveArgs {
  filter: RedriveFilter;
  /** Archive folder to read (the dead-letter topic's name); default TOPIC_DLQ. */
  archiveTopic?: string;
  /** Publish here instead of `dlq.source.topic` (also for dead letters without a source topic). */
  targetTopic?: string;
  dryRun: boolean;
  help: boolean;
}

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: npm run redrive -- [options]
Republishes archived dead letters to the topic they failed on (dlq.source.topic): original key, value and
headers without dlq.*. Reads ARCHIVE_URL (and S3_*), writes to KAFKA_BROKERS.
  --topic <name>         only dead letters from this source topic (repeatable)
  --reason <code>        only this dlq.reason (repeatable, or comma-separated)
  --from <time>          dead-letter time from (inclusive), ISO-8601 (UTC when no zone) or YYYY-MM-DD
  --to <time>            dead-letter time to (exclusive)
  --archive-topic <name> archived topic to read (default TOPIC_DLQ, checkout.dlq)
  --target-topic <name>  publish here instead of each record's source topic
  --dry-run              read and count, publish nothing
  --help`;

const ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

/** ISO-8601 or a date; without a zone it is UTC, like event timestamps in the catalog. */
function parseTime(option: string, text: string): Date {
  const withZone = /^\d{4}-\d{2}-\d{2}$/.test(text) || ZONE.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(ms)) throw new UsageError(`--${option}: expected an ISO-8601 time or YYYY-MM-DD, got ${JSON.stringify(text)}`);
  return new Date(ms);
}

const list = (values: string[] | undefined): string[] => (values ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);

export function parseRedriveArgs(argv: string[]): RedriveArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        topic: { type: 'string', multiple: true },
        reason: { type: 'string', multiple: true },
        from: { type: 'string' },
        to: { type: 'string' },
        'archive-topic': { type: 'string' },
        'target-topic': { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const from = values.from === undefined ? undefined : parseTime('from', values.from);
  const to = values.to === undefined ? undefined : parseTime('to', values.to);
  if (from && to && from >= to) throw new UsageError('--from must be before --to');
  return {
    filter: { sourceTopics: list(values.topic), reasons: list(values.reason), from, to },
    archiveTopic: values['archive-topic'],
    targetTopic: values['target-topic'],
    dryRun: values['dry-run'],
    help: values.help,
  };
}
