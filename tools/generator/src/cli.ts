import { parseArgs } from 'node:util';
import { BODY_FORMATS, type BodyFormat } from './batching.ts';
import { FaultSpecError, parseFaultSpec, type FaultRates } from './faults.ts';
import { DEFAULT_EVENT_SIZE_LIMIT, DEFAULT_START_TIME, MIN_EVENT_SIZE_LIMIT, type GeneratorOptions } from './generator.ts';
import { parseTimestampMs } from './timestamps.ts';

export const USAGE = `Usage: npm run generate -- [options]
       (tsx tools/generator/src/main.ts [options])

Deterministic checkout traffic for the whole event catalog, with fault injection.
Progress goes to stderr every second; a JSON summary (with the expected pipeline outcome) to stdout.

Modes:
  --mode push|serve|file   push: POST batches to {url}/v1/events (default)
                           serve: serve GET /events?since=<cursor>&limit=<n> for the bridge's pull mode
                           file: write the records as NDJSON to --out

Traffic:
  --seed <text>            PRNG seed; same seed -> same records (default 1)
  --total <n>              records to deliver, faults and duplicates included (default 10000)
  --rate <n>               records per second, 0 = as fast as possible (default 1000)
  --faults <spec>          percent of records per fault kind, comma-separated, e.g.
                           duplicate=2,malformed=1,missing_field=1,wrong_type=1,unknown_event=1,oversized=0.1
                           (aliases: missing, wrong, unknown, oversize; default: no faults)
  --event-size-limit <n>   the bridge's per-event limit in bytes; oversized faults exceed it by
                           1-8 KiB (default ${DEFAULT_EVENT_SIZE_LIMIT}, minimum ${MIN_EVENT_SIZE_LIMIT})
  --start <time>           simulated time of the first event, ISO-8601 or epoch ms
                           (default ${DEFAULT_START_TIME})

Push:
  --url <url>              bridge base URL (default http://127.0.0.1:8080)
  --token <token>          bearer token for the bridge
  --batch <n>              most records per request (default 500)
  --format json|ndjson|mixed  request framing; batches holding malformed lines always go as
                           NDJSON; mixed alternates JSON array / NDJSON (default mixed)
  --max-body-bytes <n>     most bytes per request; a larger single record goes alone (default 4194304)
  --max-retries <n>        retries per request on 503/429 (Retry-After honoured), 5xx or no answer
                           (default 20)

Serve:
  --port <n>               port to listen on, 0 = any free port (default 8090)
  --host <host>            interface (default 127.0.0.1)
  --token <token>          require this bearer token from the client
  --exit-when-served       exit once every record was served and the client asked past the end
                           (default: serve until SIGINT/SIGTERM)
  (malformed faults are refused: a JSON response cannot carry a broken record)

File:
  --out <path>             NDJSON output file

Other:
  --quiet                  no progress lines
  --help                   this text

Exit codes: 0 done; 1 some requests were not accepted (see summary.push.undelivered); 64 bad arguments.`;

export type Mode = 'push' | 'serve' | 'file';

export interface CliOptions {
  mode: Mode;
  seed: string;
  total: number;
  rate: number;
  faults: FaultRates;
  eventSizeLimit: number;
  startTime: string | number;
  url: string;
  token: string | undefined;
  batch: number;
  format: BodyFormat;
  maxBodyBytes: number;
  maxRetries: number;
  port: number;
  host: string;
  exitWhenServed: boolean;
  out: string | undefined;
  quiet: boolean;
}

type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

export function parseCliArgs(argv: readonly string[]): CliParse {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        mode: { type: 'string', default: 'push' },
        seed: { type: 'string', default: '1' },
        total: { type: 'string', default: '10000' },
        rate: { type: 'string', default: '1000' },
        faults: { type: 'string', default: '' },
        'event-size-limit': { type: 'string', default: String(DEFAULT_EVENT_SIZE_LIMIT) },
        start: { type: 'string', default: DEFAULT_START_TIME },
        url: { type: 'string', default: 'http://127.0.0.1:8080' },
        token: { type: 'string' },
        batch: { type: 'string', default: '500' },
        format: { type: 'string', default: 'mixed' },
        'max-body-bytes': { type: 'string', default: String(4 * 1024 * 1024) },
        'max-retries': { type: 'string', default: '20' },
        port: { type: 'string', default: '8090' },
        host: { type: 'string', default: '127.0.0.1' },
        'exit-when-served': { type: 'boolean', default: false },
        out: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  try {
    const mode = values.mode;
    if (mode !== 'push' && mode !== 'serve' && mode !== 'file') throw new CliError('--mode: expected push, serve or file');
    const format = values.format;
    if (!(BODY_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format: expected ${BODY_FORMATS.join(', ')}`);
    const faults = parseFaultSpec(values.faults);
    if (mode === 'serve' && faults.malformed > 0) {
      throw new CliError('--faults: malformed is not possible with --mode serve (a JSON response cannot carry a broken record)');
    }
    const startText = values.start;
    const startTime = /^\d+$/.test(startText) ? Number(startText) : startText;
    if (parseTimestampMs(startTime) === undefined) throw new CliError('--start: expected an ISO-8601 timestamp or epoch milliseconds');
    const url = values.url;
    if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError('--url: expected an http(s) URL');
    if (mode === 'file' && !values.out) throw new CliError('--out: required with --mode file');
    const seed = values.seed;
    if (seed === '') throw new CliError('--seed: must not be empty');
    return {
      kind: 'run',
      options: {
        mode,
        seed,
        total: integer('--total', values.total, 0),
        rate: decimal('--rate', values.rate),
        faults,
        eventSizeLimit: integer('--event-size-limit', values['event-size-limit'], MIN_EVENT_SIZE_LIMIT),
        startTime,
        url,
        token: values.token,
        batch: integer('--batch', values.batch, 1),
        format: format as BodyFormat,
        maxBodyBytes: integer('--max-body-bytes', values['max-body-bytes'], 1024),
        maxRetries: integer('--max-retries', values['max-retries'], 0),
        port: integer('--port', values.port, 0, 65535),
        host: values.host,
        exitWhenServed: values['exit-when-served'],
        out: values.out,
        quiet: values.quiet,
      },
    };
  } catch (error) {
    if (error instanceof CliError || error instanceof FaultSpecError) return { kind: 'error', message: error.message };
    throw error;
  }
}

/** The generator settings of a CLI run. */
export function generatorOptionsOf(options: CliOptions): GeneratorOptions {
  return {
    seed: options.seed,
    total: options.total,
    faults: options.faults,
    eventSizeLimit: options.eventSizeLimit,
    startTime: options.startTime,
  };
}

class CliError extends Error {}

function integer(name: string, text: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!/^\d+$/.test(text)) throw new CliError(`${name}: expected an integer >= ${min}`);
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new CliError(`${name}: expected an integer between ${min} and ${max}`);
  return value;
}

function decimal(name: string, text: string): number {
  if (!/^\d+(?:\.\d+)?$/.test(text)) throw new CliError(`${name}: expected a number >= 0`);
  return Number(text);
}
