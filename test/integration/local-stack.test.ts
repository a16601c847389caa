// Acceptance for the local stack: each substitute speaks its real protocol to the real client library.
import { gunzipSync, gzipSync } from 'node:zlib';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Kafka, logLevel } from 'kafkajs';
import type { EachMessagePayload } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createClient } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { s3ClientConfig, startRegistryDouble } from '@ckt/local-stack';
import { withStack } from '../helpers/stack.ts';

const stack = withStack({
  topics: [
    { name: 'it.orders', partitions: 3 },
    { name: 'it.outage', partitions: 1 },
  ],
  // This file stops its broker: a cluster of its own, not the run's shared one.
  ownKafka: { nodes: 1 },
});

const kafkaClient = (clientId: string): Kafka =>
  new Kafka({
    clientId,
    brokers: stack().kafka.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    retry: { retries: 5, initialRetryTime: 100 },
  });

describe('Apache Kafka (local cluster)', () => {
  it('produces and consumes through a consumer group and commits offsets', async () => {
    const kafka = kafkaClient('it-groups');
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    // A short fetch wait: disconnect waits for the in-flight fetch, which the broker holds for maxWaitTimeInMs.
    const consumer = kafka.consumer({
      groupId: 'it-group',
      sessionTimeout: 6000,
      heartbeatInterval: 500,
      maxWaitTimeInMs: 250,
    });
    const admin = kafka.admin();
    await Promise.all([producer.connect(), consumer.connect(), admin.connect()]);
    try {
      const sent = Array.from({ length: 12 }, (_, i) => ({ key: `k${i}`, value: `v${i}`, headers: { n: String(i) } }));
      await producer.send({ topic: 'it.orders', acks: -1, messages: sent });

      const received: { key: string; value: string; header: string }[] = [];
      let resolveAll: () => void = () => {};
      const allReceived = new Promise<void>((resolve) => (resolveAll = resolve));
      await consumer.subscribe({ topic: 'it.orders', fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({ topic, partition, message }: EachMessagePayload) => {
          received.push({
            key: message.key?.toString() ?? '',
            value: message.value?.toString() ?? '',
            header: message.headers?.n?.toString() ?? '',
          });
          await consumer.commitOffsets([{ topic, partition, offset: String(Number(message.offset) + 1) }]);
          if (received.length === sent.length) resolveAll();
        },
      });
      await allReceived;

      expect(received.map((m) => m.key).sort()).toEqual(sent.map((m) => m.key).sort());
      for (const m of received) expect(m.value).toBe(`v${m.key.slice(1)}`);
      for (const m of received) expect(m.header).toBe(m.key.slice(1));

      const ends = await admin.fetchTopicOffsets('it.orders');
      const [committed] = await admin.fetchOffsets({ groupId: 'it-group', topics: ['it.orders'] });
      const byPartition = (rows: { partition: number; offset: string }[]): Record<number, string> =>
        Object.fromEntries(rows.map((r) => [r.partition, r.offset]));
      expect(committed?.partitions).toHaveLength(3);
      expect(byPartition(committed?.partitions ?? [])).toEqual(byPartition(ends));
      expect(ends.reduce((sum, p) => sum + Number(p.high), 0)).toBe(sent.length);
    } finally {
      await Promise.all([producer.disconnect(), consumer.disconnect(), admin.disconnect()]);
    }
  });

  it('fails sends while the broker is down and succeeds once it is up again', async () => {
    const kafka = new Kafka({
      clientId: 'it-outage',
      brokers: stack().kafka.brokers,
      logLevel: logLevel.NOTHING,
      connectionTimeout: 500,
      requestTimeout: 2000,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
    });
    const producer = kafka.producer();
    await producer.connect();
    try {
      await producer.send({ topic: 'it.outage', acks: -1, messages: [{ value: 'before' }] });
      await stack().kafka.cluster.stopNode(1, 'SIGKILL');
      await expect(
        producer.send({ topic: 'it.outage', acks: -1, messages: [{ value: 'during' }] }),
      ).rejects.toThrow(/ECONNREFUSED/);
      await stack().kafka.cluster.startNode(1);
      const [result] = await producer.send({ topic: 'it.outage', acks: -1, messages: [{ value: 'after' }] });
      expect(result?.errorCode).toBe(0);
    } finally {
      await producer.disconnect();
    }
  });
});

describe('schema registry double', () => {
  const v1 = {
    type: 'record',
    name: 'Sale',
    namespace: 'it',
    fields: [
      { name: 'ticket_id', type: 'string' },
      { name: 'price', type: 'string' },
    ],
  };
  const v2 = { ...v1, fields: [...v1.fields, { name: 'channel', type: ['null', 'string'], default: null }] };
  const requiredField = { ...v1, fields: [...v1.fields, { name: 'venue', type: 'string' }] };
  const typeChange = { ...v1, fields: [{ name: 'ticket_id', type: 'long' }, v1.fields[1]] };
  const avro = (schema: object) => ({ type: SchemaType.AVRO as const, schema: JSON.stringify(schema) });

  it('registers, encodes and decodes, accepts a backward-compatible change and refuses incompatible ones', async () => {
    const registry = new SchemaRegistry({ host: stack().registryUrl }, undefined);
    const subject = 'dwh.it_sale-value';
    const { id: id1 } = await registry.register(avro(v1), { subject });
    expect((await registry.register(avro(v1), { subject })).id).toBe(id1);

    const sale = { ticket_id: 't-1', price: '12.50' };
    const encoded = await registry.encode(id1, sale);
    expect(encoded.readUInt8(0)).toBe(0); // Confluent wire format: magic byte, then the id
    expect(encoded.readInt32BE(1)).toBe(id1);
    expect(await registry.decode(encoded)).toEqual(sale);

    const { id: id2 } = await registry.register(avro(v2), { subject });
    expect(id2).not.toBe(id1);
    expect(await registry.getLatestSchemaId(subject)).toBe(id2);
    expect(await registry.decode(await registry.encode(id2, { ...sale, channel: 'web' }))).toEqual({
      ...sale,
      channel: 'web',
    });

    await expect(registry.register(avro(requiredField), { subject })).rejects.toMatchObject({ status: 409 });
    await expect(registry.register(avro(typeChange), { subject })).rejects.toMatchObject({ status: 409 });
    expect(await registry.getLatestSchemaId(subject)).toBe(id2);

    const raw = await fetch(`${stack().registryUrl}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(requiredField) }),
    });
    expect(raw.status).toBe(409);
    expect(raw.headers.get('content-type')).toBe('application/vnd.schemaregistry.v1+json');
    expect(((await raw.json()) as { error_code: number }).error_code).toBe(409);

    const check = await fetch(`${stack().registryUrl}/compatibility/subjects/${subject}/versions/latest`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema: JSON.stringify(typeChange) }),
    });
    expect(await check.json()).toEqual({ is_compatible: false });
  });

  it('keeps subjects and ids across restarts when given a file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'registry-it-'));
    try {
      const file = path.join(dir, 'registry.json');
      const first = await startRegistryDouble({ file });
      const { id } = await new SchemaRegistry({ host: first.url }).register(avro(v1), { subject: 'persisted-value' });
      await first.stop();

      const second = await startRegistryDouble({ file });
      try {
        const registry = new SchemaRegistry({ host: second.url });
        expect(await registry.getLatestSchemaId('persisted-value')).toBe(id);
        expect(await registry.decode(await registry.encode(id, { ticket_id: 't', price: '1' }))).toEqual({
          ticket_id: 't',
          price: '1',
        });
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('chDB warehouse', () => {
  it('deduplicates a ReplacingMergeTree by key with FINAL, keeping the latest version', async () => {
    const client = createClient({
      connection: createChdbConnection({ path: stack().warehousePath }),
    } as Parameters<typeof createClient>[0]) as ClickHouseClient;
    try {
      await client.command({ query: 'CREATE DATABASE IF NOT EXISTS it' });
      await client.command({
        query: `CREATE TABLE it.sale (ticket_id String, price Decimal(18,2), version DateTime64(3,'UTC'))
                ENGINE = ReplacingMergeTree(version) ORDER BY ticket_id`,
      });
      // One insert per row and no background merges: the duplicates stay in separate parts, so only
      // FINAL can collapse them (ReplacingMergeTree also collapses within one inserted block).
      await client.command({ query: 'SYSTEM STOP MERGES it.sale' });
      const rows = [
        { ticket_id: 't-1', price: '10.00', version: '2026-01-01 10:00:00.000' },
        { ticket_id: 't-1', price: '12.50', version: '2026-01-01 10:00:05.000' },
        { ticket_id: 't-1', price: '10.00', version: '2026-01-01 10:00:00.000' },
      ];
      for (const row of rows) await client.insert({ table: 'it.sale', values: [row], format: 'JSONEachRow' });

      const all = await client.query({ query: 'SELECT count() AS n FROM it.sale', format: 'JSONEachRow' });
      expect((await all.json<{ n: number | string }>()).map((r) => Number(r.n))).toEqual([3]);

      const final = await client.query({
        query: 'SELECT ticket_id, toString(price) AS price FROM it.sale FINAL',
        format: 'JSONEachRow',
      });
      expect(await final.json()).toEqual([{ ticket_id: 't-1', price: '12.5' }]);
    } finally {
      await client.close();
    }
  });
});

describe('s3rver', () => {
  it('puts, gets and lists gzip objects (with pagination) through the AWS SDK', async () => {
    const s3 = new S3Client(s3ClientConfig(stack().s3));
    try {
      const body = JSON.stringify({ event_id: 'e-1', n: 1 }) + '\n';
      const keys = ['it/2026/01/01/a.jsonl.gz', 'it/2026/01/01/b.jsonl.gz', 'it/2026/01/02/c.jsonl.gz'];
      for (const key of keys) {
        await s3.send(
          new PutObjectCommand({
            Bucket: 'archive',
            Key: key,
            Body: gzipSync(body),
            ContentType: 'application/x-ndjson',
            ContentEncoding: 'gzip',
          }),
        );
      }

      const got = await s3.send(new GetObjectCommand({ Bucket: 'archive', Key: keys[0] }));
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      expect(gunzipSync(bytes).toString('utf8')).toBe(body);

      const listed: string[] = [];
      let token: string | undefined;
      do {
        const page = await s3.send(
          new ListObjectsV2Command({ Bucket: 'archive', Prefix: 'it/', MaxKeys: 2, ContinuationToken: token }),
        );
        listed.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      expect(listed.sort()).toEqual(keys);
    } finally {
      s3.destroy();
    }
  });

  it('gives services the environment they read', () => {
    const env = stack().env();
    expect(env.KAFKA_BROKERS).toBe(stack().kafka.brokers.join(','));
    expect(env.SCHEMA_REGISTRY_URL).toBe(stack().registryUrl);
    expect(env.S3_ENDPOINT).toBe(stack().s3.endpoint);
    expect(env.S3_FORCE_PATH_STYLE).toBe('true');
    expect(env.ARCHIVE_URL).toBe('s3://archive/');
    expect(env.WAREHOUSE_PATH).toBe(path.join(stack().dataDir, 'warehouse'));
  });
});
