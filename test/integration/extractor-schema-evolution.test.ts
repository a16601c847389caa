// Schema evolution at extractor start against the registry double (BACKWARD, like Confluent's default):
// a new optional field with a default is registered as a new version while rows of the old version stay
// readable; an incompatible change is refused (409) before anything is consumed, naming the subject.
import { describe, expect, it } from 'vitest';
import type { IHeaders } from 'kafkajs';
import { loadConfig } from '@ckt/config';
import { catalogTopics, type RowValues } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createRowCodec, rowTypeFor, TABLE_SCHEMAS, toWireFormat, type AvroRecordSchema } from '@ckt/schemas';
import { extractorSchema, startExtractor } from '@ckt/extractor';
import { QUIET_SERVICE_ENV, withStack } from '../helpers/stack.ts';
import { testNames } from '../helpers/names.ts';

const NAMES = testNames('evolution');
const stack = withStack({ topics: catalogTopics(1, NAMES), components: { s3: false } });
const logger = createLogger('evolution-test', { LOG_LEVEL: 'silent' });

const config = (dwhPrefix: string) =>
  loadConfig(extractorSchema, {
    ...stack().env(),
    ...NAMES.env(),
    TOPIC_DWH_PREFIX: dwhPrefix,
    EXTRACTOR_GROUP_ID: NAMES.group('extractor'),
    EXTRACTOR_EMAIL_PEPPER: 'p',
    TOPIC_PARTITIONS: '1',
    KAFKA_SESSION_TIMEOUT_MS: '6000',
    ...QUIET_SERVICE_ENV,
  });

async function registry(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${stack().registryUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

async function registerRaw(subject: string, schema: AvroRecordSchema): Promise<number> {
  const { status, json } = await registry('POST', `/subjects/${subject}/versions`, { schema: JSON.stringify(schema) });
  expect(status).toBe(200);
  return (json as { id: number }).id;
}

describe('extractor schema evolution', () => {
  it('registers a version with a new optional field; rows of both versions decode through the registry', async () => {
    const current = TABLE_SCHEMAS.dim_customer;
    // The deployed version before `city` was added.
    const previous: AvroRecordSchema = { ...current, fields: current.fields.filter((f) => f.name !== 'city') };
    const previousId = await registerRaw(`${NAMES.dwhPrefix}dim_customer-value`, previous);

    const kafka = createKafka(loadConfig(kafkaSchema, stack().env()), logger);
    const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await publisher.connect();
    const oldRow: RowValues = {
      customer_id: 'u-old', email_sha256: null, country: 'NL', birth_year: null, marketing_opt_in: false,
      valid_from: '2025-01-01T00:00:00.000Z', event_id: 'e-old',
    };
    await publisher.send(`${NAMES.dwhPrefix}dim_customer`, [{ key: 'u-old', value: toWireFormat(previousId, rowTypeFor(previous).toBuffer(oldRow)) }]);

    const extractor = await startExtractor(config(NAMES.dwhPrefix), { logger });
    const consumer = kafka.consumer({ groupId: NAMES.group('reader'), sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 250 });
    try {
      const newId = extractor.schemaIds.get('dim_customer');
      expect(newId).not.toBe(previousId);
      expect((await registry('GET', `/subjects/${NAMES.dwhPrefix}dim_customer-value/versions`)).json).toEqual([1, 2]);

      await publisher.send(`${NAMES.familyPrefix}customer`, [
        {
          key: 'u-new',
          value: JSON.stringify({ event_id: 'e-new', event_name: 'customer_updated', event_timestamp: '2025-03-27T20:48:37Z', payload: { customer_id: 'u-new', city: 'Utrecht' } }),
          headers: { event_name: 'customer_updated' } satisfies IHeaders,
        },
      ]);
      const values: Buffer[] = [];
      await consumer.connect();
      await consumer.subscribe({ topic: `${NAMES.dwhPrefix}dim_customer`, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void (message.value && values.push(message.value)) });
      const deadline = Date.now() + 60_000;
      while (values.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

      const decoder = createRowCodec({ registryUrl: stack().registryUrl });
      const rows = await Promise.all(values.map((v) => decoder.decode(v)));
      expect(rows).toEqual([
        oldRow,
        {
          customer_id: 'u-new', email_sha256: null, country: null, city: 'Utrecht', birth_year: null, marketing_opt_in: null,
          valid_from: '2025-03-27T20:48:37.000Z', event_id: 'e-new',
        },
      ]);
    } finally {
      await consumer.disconnect();
      await extractor.stop();
      await publisher.disconnect();
    }
  });

  it('refuses to start on an incompatible change, naming the subject, and registers nothing for it', async () => {
    const current = TABLE_SCHEMAS.fact_refund;
    // A deployed version whose refund_amount was a long: the current decimal bytes cannot read that data.
    const deployed = {
      ...current,
      fields: current.fields.map((f) => (f.name === 'refund_amount' ? { ...f, type: 'long' } : f)),
    } as AvroRecordSchema;
    await registerRaw('evolution-bad.fact_refund-value', deployed);

    const started = startExtractor(config('evolution-bad.'), { logger });
    await expect(started).rejects.toThrow(/subject evolution-bad\.fact_refund-value \(HTTP 409\)/);
    expect((await registry('GET', '/subjects/evolution-bad.fact_refund-value/versions')).json).toEqual([1]);
  });
});
