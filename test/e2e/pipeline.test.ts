// The whole flow as a user runs it: `npm start` (DEMO_RATE=0), generated traffic with every fault kind over
// HTTP, then the exact warehouse contents, dead letters and personal-data rules; then a consumer is SIGKILLed
// mid-flow, the supervisor restarts it, and the same exactness must hold for everything sent.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedOutcome, generate, type GeneratedRecord } from '@ckt/generator';
import { sendRecords, startPipeline, until, type RunningPipeline } from '../helpers/pipeline.ts';
import { assertExact, caughtUp, TABLES } from '../helpers/outcome.ts';

const EVENT_SIZE_LIMIT = 64 * 1024;
const FAULTS = { duplicate: 3, malformed: 1, missing_field: 1.5, wrong_type: 1.5, unknown_event: 1, oversized: 0.3 };

let pipeline: RunningPipeline;
const sent: GeneratedRecord[] = [];

beforeAll(async () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-e2e-'));
  pipeline = await startPipeline(dataDir, { BRIDGE_MAX_EVENT_BYTES: String(EVENT_SIZE_LIMIT), ARCHIVE_MAX_AGE_MS: '1000' });
});
afterAll(async () => {
  if (!pipeline) return;
  expect(await pipeline.stop()).toBe(0);
});

/** Every string the warehouse holds, to search for personal data. */
async function warehouseText(): Promise<string> {
  const parts = await Promise.all(TABLES.map(async (t) => JSON.stringify(await pipeline.query(`SELECT * FROM dwh.${t}`))));
  return parts.join('\n');
}

function personalData(records: GeneratedRecord[]): { emails: string[]; names: string[]; cards: string[]; birthDates: string[] } {
  const found = { emails: new Set<string>(), names: new Set<string>(), cards: new Set<string>(), birthDates: new Set<string>() };
  for (const record of records) {
    if (record.kind !== 'valid') continue;
    const payload = (JSON.parse(record.text) as { payload: Record<string, unknown> }).payload;
    if (typeof payload.email === 'string') found.emails.add(payload.email.trim().toLowerCase());
    for (const key of ['first_name', 'last_name'] as const) if (typeof payload[key] === 'string' && payload[key].length > 3) found.names.add(payload[key]);
    if (typeof payload.birth_date === 'string') found.birthDates.add(payload.birth_date);
    const details = payload.user_payment_details as Record<string, unknown> | undefined;
    if (details && typeof details.card_number === 'string') found.cards.add(details.card_number.replace(/\D/g, ''));
  }
  return { emails: [...found.emails], names: [...found.names], cards: [...found.cards], birthDates: [...found.birthDates] };
}

describe('the whole pipeline, as npm start runs it', () => {
  it('lands generated traffic exactly: rows under FINAL, money, ids, dead letters, and no personal data', async () => {
    const records = generate({ seed: 'e2e-1', total: 4000, faults: FAULTS, eventSizeLimit: EVENT_SIZE_LIMIT });
    for (const kind of ['valid', 'duplicate', 'malformed', 'missing_field', 'wrong_type', 'unknown_event', 'oversized']) {
      expect(records.some((r) => r.kind === kind), `generated set has ${kind}`).toBe(true);
    }
    sent.push(...records);
    await sendRecords(pipeline.state().bridgeUrl, records.map((r) => r.text));
    const expected = expectedOutcome(sent, { eventSizeLimit: EVENT_SIZE_LIMIT });
    await caughtUp(pipeline, expected);
    await assertExact(pipeline, expected);

    const text = (await warehouseText()).toLowerCase();
    const pii = personalData(sent);
    expect(pii.emails.length).toBeGreaterThan(10);
    expect(pii.cards.length).toBeGreaterThan(10);
    for (const email of pii.emails) expect(text.includes(email), 'an e-mail address is in the warehouse').toBe(false);
    for (const name of pii.names) expect(text.includes(`"${name.toLowerCase()}"`), 'a name is in the warehouse').toBe(false);
    for (const card of pii.cards) expect(text.includes(card), 'a card number is in the warehouse').toBe(false);
    for (const birthDate of pii.birthDates) expect(text.includes(`"${birthDate}"`), 'a birth date is in the warehouse').toBe(false);
    const last4 = await pipeline.query<{ card_last4: string | null }>('SELECT DISTINCT card_last4 FROM dwh.fact_payment');
    expect(last4.length).toBeGreaterThan(1);
    for (const { card_last4 } of last4) expect(card_last4 === null || /^\d{4}$/.test(card_last4), String(card_last4)).toBe(true);
  });

  it('stays exact when a consumer is SIGKILLed mid-flow and restarted by the supervisor', async () => {
    const records = generate({ seed: 'e2e-2', total: 3000, faults: FAULTS, eventSizeLimit: EVENT_SIZE_LIMIT });
    const third = Math.floor(records.length / 3);
    const bridgeUrl = pipeline.state().bridgeUrl;
    await sendRecords(bridgeUrl, records.slice(0, third).map((r) => r.text));
    const victim = pipeline.state().services.extractor;
    expect(victim?.pid).toBeGreaterThan(0);
    process.kill(victim?.pid as number, 'SIGKILL');
    await sendRecords(bridgeUrl, records.slice(third).map((r) => r.text));
    sent.push(...records);

    await until(() => (pipeline.state().services.extractor?.restarts ?? 0) >= 1, 'the supervisor to restart the extractor', 60_000);
    const expected = expectedOutcome(sent, { eventSizeLimit: EVENT_SIZE_LIMIT });
    await caughtUp(pipeline, expected);
    await assertExact(pipeline, expected);
  });
});
