// Stopping and starting the whole pipeline on one data dir, as a user does: events accepted with 202, then a
// clean stop (Ctrl-C) mid-flow, a start, more events, a SIGKILL of every process mid-flow, and a third start.
// Every accepted event must end in the warehouse exactly once and every dead letter in the archive: the local
// broker keeps its log under <data>/kafka, and each stage resumes from its committed offsets.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedOutcome, generate, type GeneratedRecord } from '@ckt/generator';
import { sendRecords, startPipeline } from '../helpers/pipeline.ts';
import { assertExact, caughtUp } from '../helpers/outcome.ts';

const FAULTS = { duplicate: 3, malformed: 1, missing_field: 1.5, wrong_type: 1.5, unknown_event: 1 };

describe('npm start, stopped and started again on the same data dir', () => {
  it('loses nothing accepted across a clean stop and a SIGKILL of the whole tree', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-restart-'));
    const env = { ARCHIVE_MAX_AGE_MS: '1000' };
    const sent: GeneratedRecord[] = [];

    const first = await startPipeline(dataDir, env);
    const wave1 = generate({ seed: 'restart-1', total: 2000, faults: FAULTS });
    await sendRecords(first.state().bridgeUrl, wave1.map((r) => r.text));
    sent.push(...wave1);
    // Straight after the last 202: most of it is still on its way through the stages.
    expect(await first.stop()).toBe(0);
    expect(first.state().pid).toBeNull();
    expect(first.state().stoppedAt).toBeDefined();

    const second = await startPipeline(dataDir, env);
    const wave2 = generate({ seed: 'restart-2', total: 2000, faults: FAULTS });
    await sendRecords(second.state().bridgeUrl, wave2.map((r) => r.text));
    sent.push(...wave2);
    await second.kill();

    const third = await startPipeline(dataDir, env);
    try {
      const expected = expectedOutcome(sent, {});
      await caughtUp(third, expected);
      await assertExact(third, expected);
    } finally {
      expect(await third.stop()).toBe(0);
    }
  });
});
