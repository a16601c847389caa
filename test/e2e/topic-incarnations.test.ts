// Offsets are not identities. A topic deleted and created again under the running pipeline, and a pipeline
// started on a fresh broker with its old warehouse and archive: offsets start over in both, and the sink's
// progress and the archive's keys must not take the new records for ones they already have. Everything answered
// 202 ends exact under FINAL, every dead letter in the archive, and no archive object is refused or overwritten.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import { expectedOutcome, generate, type GeneratedRecord } from '@ckt/generator';
import { sendRecords, startPipeline, until, type RunningPipeline } from '../helpers/pipeline.ts';
import { assertExact, caughtUp } from '../helpers/outcome.ts';

const FAULTS = { duplicate: 2, malformed: 1, missing_field: 1, wrong_type: 1, unknown_event: 1 };
const ENV = { ARCHIVE_MAX_AGE_MS: '500' };

async function wave(pipeline: RunningPipeline, seed: string, sent: GeneratedRecord[]): Promise<void> {
  const records = generate({ seed, total: 1500, faults: FAULTS });
  await sendRecords(pipeline.state().bridgeUrl, records.map((r) => r.text));
  sent.push(...records);
}

/** Deletes the topics and creates them again with the same partitions (a deletion takes a moment to finish). */
async function recreate(brokers: string, topics: string[]): Promise<void> {
  const admin = new Kafka({ clientId: 'incarnation-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const before = await admin.fetchTopicIds(topics);
    await admin.deleteTopics({ topics });
    await until(async () => {
      try {
        await admin.createTopics({ waitForLeaders: true, topics: topics.map((topic) => ({ topic, numPartitions: 1 })) });
      } catch {
        return false; // still being deleted
      }
      const after = await admin.fetchTopicIds(topics);
      return topics.every((t) => after[t] && after[t] !== before[t]);
    }, 'the topics to exist again under new ids');
  } finally {
    await admin.disconnect();
  }
}

describe('topic incarnations', () => {
  it('a topic deleted and created again under the running pipeline: the new records land, none is skipped', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-incarnation-'));
    const sent: GeneratedRecord[] = [];
    const pipeline = await startPipeline(dataDir, ENV);
    try {
      await wave(pipeline, 'incarnation-1', sent);
      await caughtUp(pipeline, expectedOutcome(sent, {}));
      // The raw topic (router, raw archive) and a warehouse topic (sink) start their offsets over.
      await recreate(pipeline.state().kafkaBrokers, ['checkout.events.raw', 'dwh.fact_ticket_sale']);
      await wave(pipeline, 'incarnation-2', sent);
      const expected = expectedOutcome(sent, {});
      await caughtUp(pipeline, expected);
      await assertExact(pipeline, expected);
      expect(await pipeline.metric('sink-clickhouse', 'sink_topic_recreations_total')).toBeGreaterThanOrEqual(1);
      expect(await pipeline.metric('raw-archiver', 'archive_object_conflicts_total')).toBe(0);
    } finally {
      expect(await pipeline.stop()).toBe(0);
    }
  });

  it('a fresh broker under the old warehouse and archive: every new record lands', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-incarnation-'));
    const sent: GeneratedRecord[] = [];
    const first = await startPipeline(dataDir, ENV);
    await wave(first, 'fresh-broker-1', sent);
    await caughtUp(first, expectedOutcome(sent, {}));
    expect(await first.stop()).toBe(0);
    // The broker's data is gone; the warehouse, its progress and the archive stay.
    rmSync(path.join(dataDir, 'kafka'), { recursive: true, force: true });

    const second = await startPipeline(dataDir, ENV);
    try {
      await wave(second, 'fresh-broker-2', sent);
      const expected = expectedOutcome(sent, {});
      await caughtUp(second, expected);
      await assertExact(second, expected);
      expect(await second.metric('sink-clickhouse', 'sink_topic_recreations_total')).toBe(6);
      expect(await second.metric('raw-archiver', 'archive_object_conflicts_total')).toBe(0);
      expect(await second.metric('dlq-archiver', 'archive_object_conflicts_total')).toBe(0);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  });
});
