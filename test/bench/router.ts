// Router throughput: events/s from a pre-filled raw topic to acknowledged family-topic records, one router
// in this process against the mock broker. Measured from the consumer joining its group to the last
// record's output acknowledged. Prints one JSON summary line.
//
//   npx tsx test/bench/router.ts            (BENCH_EVENTS=100000 BENCH_PARTITIONS=12 BENCH_BATCH_PER_PARTITION=500)
import type { Counter } from 'prom-client';
import { loadConfig } from '@ckt/config';
import { catalogTopics } from '@ckt/domain';
import { createKafka, createPublisher, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { createMetricsRegistry } from '@ckt/observability';
import { startStack } from '@ckt/local-stack';
import { routerSchema, startRouter } from '@ckt/router';
import { envNumber, isMain, printSummary } from './harness.ts';
import { QUIET_SERVICE_ENV } from '../helpers/stack.ts';

export interface RouterBenchOptions {
  events: number;
  /** Partitions of every topic; the mock keeps 64 MiB per partition (native/build.sh), so keep events * ~300 B / partitions below that. */
  partitions: number;
  /**
   * Records per partition in each pre-filled producer batch. The mock returns one producer batch per partition
   * per fetch, so this is the size of the batches the stage handles.
   */
  batchPerPartition: number;
  concurrency: number;
}

export interface RouterBenchSummary {
  bench: 'router';
  events_per_s: number;
  events: number;
  seconds: number;
  /** CPU time of this process per event: steadier than events/s on a shared machine. */
  cpu_us_per_event: number;
  partitions: number;
  partitions_concurrently: number;
  batch_per_partition: number;
  avg_event_bytes: number;
  dead_letters: number;
}

/** Realistic raw envelopes (about 300 bytes), each with its own payload, keyed as the bridge keys them. */
export function benchEvent(n: number): { key: string; value: string; eventName: string } {
  const checkout = `chk-${n % 5000}`;
  const customer = `cust-${n % 2000}`;
  const transaction = `tx-${n % 5000}`;
  const kinds: [string, string, Record<string, unknown>][] = [
    ['checkout_started', checkout, { checkout_id: checkout, customer_id: customer, channel: 'web', currency: 'EUR' }],
    ['ticket_sale', checkout, {
      ticket_id: `t-${n}`, checkout_id: checkout, customer_id: customer, attraction_id: `a-${n % 40}`, sales_price: '49.90', currency: 'EUR',
      day_of_visit: '2025-04-12', ticket_type: 'adult',
    }],
    ['ticket_sale', checkout, {
      ticket_id: `t-${n}`, checkout_id: checkout, customer_id: customer, attraction_id: `a-${n % 40}`, sales_price: 24.5, currency: 'EUR',
      day_of_visit: '2025-04-12', sales_timestamp: '2025-03-27T20:48:35.120Z', ticket_type: 'child',
    }],
    ['trigger_payment', checkout, {
      transaction_id: transaction, checkout_id: checkout, customer_id: customer, amount_to_be_charged: 74.4, currency: 'EUR',
      payment_processing_system: 'adyen', user_payment_details: { payment_method: 'card', card_brand: 'visa', card_last4: '4242' },
    }],
    ['payment_succeeded', transaction, { transaction_id: transaction, transaction_amount: '74.40', currency: 'EUR', payment_processing_system: 'adyen' }],
    ['checkout_completed', checkout, { checkout_id: checkout, customer_id: customer, total_amount: '74.40', currency: 'EUR', ticket_count: 2 }],
    ['customer_updated', customer, {
      customer_id: customer, email: `user${n % 2000}@example.com`, first_name: 'Ann', last_name: 'Lee', country: 'DE', city: 'Berlin',
      birth_date: '1990-05-17', marketing_opt_in: true,
    }],
    ['attraction_updated', `${n}`, { attraction_id: `a-${n % 40}`, name: 'Tower of Terror', category: 'ride', venue: 'Park North', city: 'Paris', country: 'FR', capacity: 300 }],
  ];
  const [eventName, key, payload] = kinds[n % kinds.length] ?? kinds[1]!;
  const value = JSON.stringify({ event_id: n, event_name: eventName, event_timestamp: '2025-03-27T20:48:37.123', payload });
  return { key, value, eventName };
}

const counterTotal = async (counter: Counter): Promise<number> => (await counter.get()).values.reduce((sum, v) => sum + v.value, 0);

export async function runRouterBench(options: RouterBenchOptions): Promise<RouterBenchSummary> {
  const topics = catalogTopics(options.partitions);
  const stack = await startStack({ topics, components: { registry: false, s3: false } });
  const logger = createLogger('bench', { LOG_LEVEL: 'warn' });
  try {
    const kafka = createKafka(loadConfig(kafkaSchema, stack.env()), logger);
    const publisher = createPublisher(kafka, { KAFKA_IDEMPOTENT: true, KAFKA_COMPRESSION: 'none' });
    await publisher.connect();
    let bytes = 0;
    // Keys spread over every raw partition, so each partition gets batches of about batchPerPartition.
    const sendBatch = options.batchPerPartition * options.partitions;
    for (let start = 0; start < options.events; start += sendBatch) {
      const messages = [];
      for (let n = start; n < Math.min(options.events, start + sendBatch); n++) {
        const { key, value } = benchEvent(n);
        bytes += value.length;
        messages.push({ key, value });
      }
      await publisher.send('checkout.events.raw', messages);
    }
    await publisher.disconnect();

    const registry = createMetricsRegistry('router');
    const config = loadConfig(routerSchema, {
      ...stack.env(),
      TOPIC_PARTITIONS: String(options.partitions),
      ROUTER_PARTITIONS_CONCURRENTLY: String(options.concurrency),
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      ...QUIET_SERVICE_ENV,
      LOG_LEVEL: 'warn',
    });
    const router = await startRouter(config, { registry, logger });
    try {
      const recordsIn = registry.getSingleMetric('pipeline_records_in_total') as Counter;
      const deadLetters = registry.getSingleMetric('pipeline_dead_letters_total') as Counter;
      // startRouter resolves once the group is joined; fetching starts right after.
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      while ((await counterTotal(recordsIn)) < options.events) await new Promise((r) => setTimeout(r, 10));
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      return {
        bench: 'router',
        events_per_s: Math.round(options.events / seconds),
        events: options.events,
        seconds: Math.round(seconds * 100) / 100,
        cpu_us_per_event: Math.round((cpu.user + cpu.system) / options.events),
        partitions: options.partitions,
        partitions_concurrently: options.concurrency,
        batch_per_partition: options.batchPerPartition,
        avg_event_bytes: Math.round(bytes / options.events),
        dead_letters: await counterTotal(deadLetters),
      };
    } finally {
      await router.stop();
    }
  } finally {
    await stack.stop();
  }
}

if (isMain(import.meta.url)) {
  printSummary(runRouterBench({
    events: envNumber('BENCH_EVENTS', 100_000),
    partitions: envNumber('BENCH_PARTITIONS', 12),
    batchPerPartition: envNumber('BENCH_BATCH_PER_PARTITION', 500),
    concurrency: envNumber('BENCH_CONCURRENCY', 4),
  }));
}
