// The whole pipeline (npm start against a Kafka cluster started here) under steady load while brokers fail:
// on three nodes the leader of a raw-topic partition is SIGKILLed and started again later; on one node the
// whole broker is down for half a minute. Clients retry 503s as the bridge tells them (Retry-After); every
// event answered 202 must be in the warehouse exactly once under FINAL, and every dead letter in the archive.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedOutcome, generate, type GeneratedRecord } from '@ckt/generator';
import { Kafka, logLevel } from 'kafkajs';
import { startKafkaCluster, type KafkaCluster } from '@ckt/local-stack';
import { startPipeline, type RunningPipeline } from '../helpers/pipeline.ts';
import { assertExact, caughtUp } from '../helpers/outcome.ts';

const FAULTS = { duplicate: 2, malformed: 1, missing_field: 1, unknown_event: 1 };
const BATCH = 50;

interface Load {
  /** Resolves when every batch was accepted (202), however many 503s it took. */
  done: Promise<void>;
  /** 503 answers seen, with their Retry-After. */
  unavailable: Array<{ retryAfter: string | null; error: string }>;
}

/** Posts `records` in batches at about `perSecond`, retrying each batch on 503 after its Retry-After. */
function steadyLoad(bridgeUrl: string, records: GeneratedRecord[], perSecond: number): Load {
  const unavailable: Load['unavailable'] = [];
  const done = (async () => {
    const started = Date.now();
    for (let i = 0; i < records.length; i += BATCH) {
      const due = started + (i / perSecond) * 1000;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const body = `${records.slice(i, i + BATCH).map((r) => r.text).join('\n')}\n`;
      for (;;) {
        const res = await fetch(`${bridgeUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body }).catch(() => undefined);
        if (res?.status === 202) break;
        if (res && res.status !== 503) throw new Error(`bridge answered ${res.status}: ${await res.text()}`);
        const answer = res ? ((await res.json()) as { error?: string }) : { error: 'connection failed' };
        unavailable.push({ retryAfter: res?.headers.get('retry-after') ?? null, error: String(answer.error) });
        await new Promise((r) => setTimeout(r, Number(res?.headers.get('retry-after') ?? 1) * 1000));
      }
    }
  })();
  return { done, unavailable };
}

async function withPipeline(cluster: KafkaCluster, partitions: number, run: (pipeline: RunningPipeline) => Promise<void>): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ckt-faults-'));
  const pipeline = await startPipeline(dataDir, {
    KAFKA_BROKERS: cluster.brokers.join(','),
    TOPIC_PARTITIONS: String(partitions),
    ARCHIVE_MAX_AGE_MS: '1000',
    BRIDGE_PUBLISH_TIMEOUT_MS: '5000',
    BRIDGE_RETRY_AFTER_SECONDS: '1',
  });
  try {
    await run(pipeline);
  } finally {
    expect(await pipeline.stop()).toBe(0);
    await cluster.stop();
  }
}

describe('broker failures under load', () => {
  it('three nodes: the leader of a raw partition is killed mid-load and comes back later; nothing is lost', async () => {
    const cluster = await startKafkaCluster({ nodes: 3 });
    await withPipeline(cluster, 3, async (pipeline) => {
      // The services created their topics with the cluster's durability: three replicas, two in sync to ack.
      const admin = new Kafka({ clientId: 'faults-test', brokers: cluster.brokers, logLevel: logLevel.NOTHING }).admin();
      await admin.connect();
      const { topics } = await admin.fetchTopicMetadata({ topics: ['checkout.events.raw', 'dwh.fact_payment'] });
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'checkout.events.raw', configNames: ['min.insync.replicas'] }] });
      await admin.disconnect();
      expect(topics.flatMap((t) => t.partitions.map((p) => p.replicas.length))).toEqual([3, 3, 3, 3, 3, 3]);
      expect(resources[0]?.configEntries[0]?.configValue).toBe('2');

      const records = generate({ seed: 'faults-3', total: 6000, faults: FAULTS });
      const load = steadyLoad(pipeline.state().bridgeUrl, records, 300);
      await new Promise((r) => setTimeout(r, 6000));
      const leader = await cluster.leaderOf('checkout.events.raw', 0);
      await cluster.stopNode(leader, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 8000));
      await cluster.startNode(leader);
      await load.done;

      const expected = expectedOutcome(records, {});
      await caughtUp(pipeline, expected);
      await assertExact(pipeline, expected);
      for (const answer of load.unavailable) expect(answer.retryAfter).toBe('1');
    });
  });

  it('one node: the broker is down for 30 s mid-load; the bridge answers 503 meanwhile and nothing is lost', async () => {
    const cluster = await startKafkaCluster({ nodes: 1 });
    await withPipeline(cluster, 1, async (pipeline) => {
      const records = generate({ seed: 'faults-1', total: 6000, faults: FAULTS });
      const load = steadyLoad(pipeline.state().bridgeUrl, records, 150);
      await new Promise((r) => setTimeout(r, 5000));
      await cluster.stopNode(1, 'SIGTERM');
      await new Promise((r) => setTimeout(r, 30_000));
      await cluster.startNode(1);
      await load.done;

      expect(load.unavailable.length).toBeGreaterThan(0);
      for (const answer of load.unavailable) expect(answer).toEqual({ retryAfter: '1', error: expect.stringMatching(/^(broker_unavailable|overloaded)$/) });
      const expected = expectedOutcome(records, {});
      await caughtUp(pipeline, expected);
      await assertExact(pipeline, expected);
    });
  });
});
