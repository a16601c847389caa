import { extractRows, isKnownEvent, maskSensitive, parseEnvelope, TABLES, type ExtractedTableName, type JsonValue } from '@ckt/domain';
import { describe, expect, it } from 'vitest';
import { generate } from './generator.ts';
import { formatCents, moneyToCents } from './money.ts';
import { expectedOutcome, WAREHOUSE_TABLES } from './outcome.ts';

/**
 * The generator's oracle (validate.ts, outcome.ts) is written independently of @ckt/domain. Here both judge
 * the same generated traffic, the domain side the way the bridge (parse, envelope, mask, size), router
 * (name) and extractor (rows) use it; they must agree, or one of them misreads the catalog.
 */

const LIMIT = 8192;
const records = generate({
  seed: 'agreement',
  total: 8000,
  faults: { duplicate: 3, malformed: 1, missing_field: 2, wrong_type: 2, unknown_event: 1, oversized: 0.5 },
  eventSizeLimit: LIMIT,
});

type Row = { table: ExtractedTableName; key: string; values: Record<string, unknown> };
type Verdict = { deadLetter: string } | { eventId: string; rows: Row[] };

function domainVerdict(text: string): Verdict {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { deadLetter: Buffer.byteLength(text) > LIMIT ? 'bridge/payload_too_large' : 'bridge/invalid_json' };
  }
  const envelope = parseEnvelope(parsed);
  if (!envelope.ok) {
    const masked = JSON.stringify(maskSensitive(parsed as JsonValue).payload);
    return { deadLetter: Buffer.byteLength(masked) > LIMIT ? 'bridge/payload_too_large' : 'bridge/invalid_envelope' };
  }
  const event = { ...envelope.event, payload: maskSensitive(envelope.event.payload).payload };
  if (Buffer.byteLength(JSON.stringify(event)) > LIMIT) return { deadLetter: 'bridge/payload_too_large' };
  if (!isKnownEvent(event.event_name)) return { deadLetter: 'router/unknown_event_name' };
  const extracted = extractRows(event, { emailPepper: '' });
  if (!extracted.ok) return { deadLetter: `extractor/${extracted.reason}` };
  return { eventId: event.event_id, rows: extracted.rows };
}

describe('agreement with @ckt/domain', () => {
  const expected = expectedOutcome(records, { eventSizeLimit: LIMIT });
  const verdicts = records.map((record) => domainVerdict(record.text));

  it('dead-letters exactly the records the oracle dead-letters, for the same stage and reason', () => {
    const disagreements = records.filter((record, index) => {
      const verdict = verdicts[index] as Verdict;
      const domainSays = 'deadLetter' in verdict ? verdict.deadLetter : 'ok';
      const designed = record.intended ? `${record.intended.stage}/${record.intended.reason}` : 'ok';
      return domainSays !== designed;
    });
    expect(disagreements.map((r) => ({ kind: r.kind, fault: r.fault, verdict: verdicts[r.seq] }))).toEqual([]);
  });

  it('yields the same final rows and money sums', () => {
    const seen = new Set<string>();
    const winners = new Map<ExtractedTableName, Map<string, Row>>(WAREHOUSE_TABLES.map((table) => [table, new Map()]));
    for (const verdict of verdicts) {
      if ('deadLetter' in verdict || seen.has(verdict.eventId)) continue;
      seen.add(verdict.eventId);
      for (const row of verdict.rows) {
        const version = TABLES[row.table].version as string;
        const grains = winners.get(row.table) as Map<string, Row>;
        const current = grains.get(row.key);
        if (!current || String(row.values[version]) > String(current.values[version])) grains.set(row.key, row);
      }
    }
    for (const table of WAREHOUSE_TABLES) expect(winners.get(table)?.size, table).toBe(expected.tableRows[table]);

    const sum = (table: ExtractedTableName, column: string): Record<string, string> => {
      const totals = new Map<string, bigint>();
      for (const row of winners.get(table)?.values() ?? []) {
        if (row.values[column] === null) continue;
        const currency = String(row.values.currency);
        totals.set(currency, (totals.get(currency) ?? 0n) + (moneyToCents(row.values[column]) as bigint));
      }
      return Object.fromEntries([...totals].sort(([a], [b]) => a.localeCompare(b)).map(([c, v]) => [c, formatCents(v)]));
    };
    expect(sum('fact_ticket_sale', 'price')).toEqual(expected.moneySums.fact_ticket_sale.price);
    expect(sum('fact_refund', 'refund_amount')).toEqual(expected.moneySums.fact_refund.refund_amount);
    expect(sum('fact_checkout', 'total_amount')).toEqual(expected.moneySums.fact_checkout.total_amount);
    expect(sum('fact_payment', 'amount')).toEqual(expected.moneySums.fact_payment.amount);
  });

  it('keeps card numbers maskable: the domain masks every generated card number', () => {
    const withCards = records.filter((r) => r.kind === 'valid' && r.text.includes('"card_number"'));
    expect(withCards.length).toBeGreaterThan(50);
    for (const record of withCards) {
      const masked = maskSensitive(JSON.parse(record.text) as JsonValue).payload as { payload: { user_payment_details: Record<string, string> } };
      const details = masked.payload.user_payment_details;
      expect(details.card_number?.replace(/\D/g, '')).toHaveLength(4);
      expect(details).not.toHaveProperty('cvc');
    }
  });
});
