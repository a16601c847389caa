// `npm run replay -- --group G --topic T --to-earliest|--to-latest|--to-datetime ISO|--to-offsets p=o,... [--dry-run]`
import { loadConfig, runService } from '@ckt/config';
import { createKafka, kafkaSchema } from '@ckt/kafka';
import { createLogger } from '@ckt/logging';
import { parseReplayArgs, ReplayArgsError, REPLAY_USAGE } from './plan.ts';
import { BrokerRefusedError, replay } from './replay.ts';

runService('replay', async () => {
  let args;
  try {
    args = parseReplayArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ReplayArgsError)) throw error;
    process.stderr.write(`replay: ${error.message}\n${REPLAY_USAGE}\n`);
    process.exit(64);
  }
  const kafka = createKafka(loadConfig(kafkaSchema), createLogger('replay', { LOG_LEVEL: 'warn' }));
  try {
    const moves = await replay(kafka, args);
    for (const m of moves) console.log(JSON.stringify({ topic: args.topic, ...m, replayed: m.replayed.toString() }));
    const total = moves.reduce((sum, m) => sum + m.replayed, 0n);
    process.stderr.write(`${args.dryRun ? 'would rewind' : 'rewound'} group ${args.group} on ${args.topic}: ${total} records to read again\n`);
  } catch (error) {
    if (!(error instanceof BrokerRefusedError)) throw error;
    process.stderr.write(`replay: ${error.message}\n`);
    process.exit(3);
  }
});
