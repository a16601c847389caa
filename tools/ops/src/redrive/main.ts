// `npm run redrive -- [--topic T] [--reason R] [--from TIME] [--to TIME] [--dry-run]`: republishes archived
// dead letters to their source topics after a fix. Progress on stderr, summary on stdout.
import { z } from 'zod';
import { ConfigError, loadConfig } from '@ckt/config';
import { archiveEnv, openObjectStore } from '@ckt/archive';
import { createKafka, createPublisher, kafkaEnv, topicsEnv } from '@ckt/kafka';
import { createCommandLogger, loggingEnv } from '@ckt/logging';
import { parseRedriveArgs, UsageError, USAGE } from './args.ts';
import { formatSummary, runRedrive } from './run.ts';

const baseSchema = z.object({ ...archiveEnv, ...loggingEnv, TOPIC_DLQ: topicsEnv.TOPIC_DLQ });
const kafkaSchema = z.object(kafkaEnv);

async function main(argv: string[]): Promise<void> {
  const args = parseRedriveArgs(argv);
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const config = loadConfig(baseSchema);
  const logger = createCommandLogger('redrive', { ...config, LOG_LEVEL: process.env.LOG_LEVEL ? config.LOG_LEVEL : 'warn' });
  const store = openObjectStore(config);
  const publisher = args.dryRun ? undefined : createPublisher(createKafka(loadConfig(kafkaSchema), logger, 'redrive'), loadConfig(kafkaSchema));
  try {
    await publisher?.connect();
    const summary = await runRedrive({
      store,
      archiveTopic: args.archiveTopic ?? config.TOPIC_DLQ,
      filter: args.filter,
      targetTopic: args.targetTopic,
      publish: publisher ? (topic, messages) => publisher.send(topic, messages) : undefined,
      progress: (line) => process.stderr.write(`${line}\n`),
    });
    console.log(formatSummary(summary));
  } finally {
    await publisher?.disconnect();
    await store.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`redrive: ${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (error instanceof ConfigError) {
    process.stderr.write(`redrive: ${error.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`redrive: failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
