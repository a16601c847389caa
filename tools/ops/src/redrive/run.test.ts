import { describe, expect, it } from 'vitest';
import { createMemoryStore, encodeArchiveObject, objectKey, toArchiveLine } from '@ckt/archive';
import type { OutboundMessage } from '@ckt/kafka';
import { runRedrive } from './run.ts';

function dlqRecord(offset: number, iso: string, reason: string, sourceTopic?: string) {
  return toArchiveLine('checkout.dlq', 0, {
    offset: String(offset),
    timestamp: String(Date.parse(iso)),
    key: Buffer.from(`k${offset}`),
    value: Buffer.from(`v${offset}`),
    headers: { 'dlq.reason': reason, ...(sourceTopic ? { 'dlq.source.topic': sourceTopic } : {}), origin: 'x' },
  });
}

async function archive() {
  const store = createMemoryStore();
  const hour20 = [dlqRecord(0, '2025-03-27T20:10:00Z', 'invalid_payload', 'checkout.events.raw'), dlqRecord(1, '2025-03-27T20:20:00Z', 'invalid_json', 'checkout.events.raw')];
  const hour21 = [dlqRecord(2, '2025-03-27T21:05:00Z', 'invalid_payload', 'checkout.events.ticket'), dlqRecord(3, '2025-03-27T21:06:00Z', 'invalid_payload')];
  await store.put(objectKey({ topic: 'checkout.dlq', partition: 0, startOffset: '0', date: '2025-03-27', hour: '20' }), encodeArchiveObject(hour20));
  await store.put(objectKey({ topic: 'checkout.dlq', partition: 0, startOffset: '2', date: '2025-03-27', hour: '21' }), encodeArchiveObject(hour21));
  await store.put('checkout.dlq/README', Buffer.from('not an object'));
  return store;
}

describe('runRedrive', () => {
  it('publishes the selected records to their source topics and counts what it did', async () => {
    const sent: Array<[string, OutboundMessage[]]> = [];
    const lines: string[] = [];
    const summary = await runRedrive({
      store: await archive(),
      archiveTopic: 'checkout.dlq',
      filter: { sourceTopics: [], reasons: ['invalid_payload'] },
      publish: async (topic, messages) => void sent.push([topic, messages]),
      progress: (line) => lines.push(line),
    });
    expect(sent.map(([topic, m]) => [topic, m.map((x) => x.value?.toString())])).toEqual([
      ['checkout.events.raw', ['v0']],
      ['checkout.events.ticket', ['v2']],
    ]);
    expect(sent[0]?.[1][0]?.headers).toEqual({ origin: Buffer.from('x') });
    expect(summary).toEqual({
      dryRun: false,
      objectsRead: 2,
      recordsScanned: 4,
      recordsMatched: 3,
      republished: { 'checkout.events.raw': 1, 'checkout.events.ticket': 1 },
      byReason: { invalid_payload: 3 },
      skipped: { no_source_topic: 1 },
    });
    expect(lines).toHaveLength(3);
  });

  it('reads only the hours in range and publishes nothing in a dry run', async () => {
    const summary = await runRedrive({
      store: await archive(),
      archiveTopic: 'checkout.dlq',
      filter: { sourceTopics: ['checkout.events.raw'], reasons: [], from: new Date('2025-03-27T20:15:00Z'), to: new Date('2025-03-27T21:00:00Z') },
    });
    expect(summary).toMatchObject({ dryRun: true, objectsRead: 1, recordsMatched: 1, republished: { 'checkout.events.raw': 1 }, byReason: { invalid_json: 1 } });
  });

  it('publishes one copy of a dead letter a stage wrote again after re-reading its source', async () => {
    const store = createMemoryStore();
    const letter = (offset: number, sourceOffset: number, value: string) =>
      toArchiveLine('checkout.dlq', 0, {
        offset: String(offset),
        timestamp: String(Date.parse('2025-03-27T20:10:00Z')),
        key: Buffer.from('k'),
        value: Buffer.from(value),
        headers: { 'dlq.stage': 'extractor', 'dlq.reason': 'invalid_payload', 'dlq.source.topic': 'checkout.events.ticket', 'dlq.source.offset': String(sourceOffset) },
      });
    // The router re-published the same raw event after a crash (source offset 7, then 9), and another letter.
    const records = [letter(0, 7, '{"event_id":"e1"}'), letter(1, 8, '{"event_id":"e2"}'), letter(2, 9, '{"event_id":"e1"}')];
    await store.put(objectKey({ topic: 'checkout.dlq', partition: 0, startOffset: '0', date: '2025-03-27', hour: '20' }), encodeArchiveObject(records));
    const sent: string[] = [];
    const summary = await runRedrive({
      store,
      archiveTopic: 'checkout.dlq',
      filter: { sourceTopics: [], reasons: [] },
      publish: async (_topic, messages) => void sent.push(...messages.map((m) => String(m.value))),
    });
    expect(sent).toEqual(['{"event_id":"e1"}', '{"event_id":"e2"}']);
    expect(summary).toMatchObject({ recordsScanned: 3, recordsMatched: 2, skipped: { copy: 1 } });
  });
});
