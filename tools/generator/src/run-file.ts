import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { generatorOptionsOf, type CliOptions } from './cli.ts';
import { generateRecords } from './generator.ts';
import type { RunIo } from './run-io.ts';
import { SentLedger, type RunSummary } from './summary.ts';

/** File mode: every record as one NDJSON line (exactly the text that would be sent), as fast as possible. */
export async function runFile(options: CliOptions, io: RunIo): Promise<RunSummary> {
  const startedAt = Date.now();
  const path = options.out as string;
  const out = createWriteStream(path);
  const ledger = new SentLedger(options.eventSizeLimit);
  let bytes = 0;
  for (const record of generateRecords(generatorOptionsOf(options))) {
    if (io.signal?.aborted) break;
    const line = `${record.text}\n`;
    bytes += Buffer.byteLength(line);
    ledger.add([record]);
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return ledger.summary(options, {
    complete: !io.signal?.aborted,
    elapsedMs: Date.now() - startedAt,
    file: { path, bytes },
  });
}
