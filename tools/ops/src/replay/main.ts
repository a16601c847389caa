// `npm run replay -- --help`: move a stopped stage's consumer-group offsets (earliest, latest, a time, a shift or
// explicit offsets) so it reads its topics again; for the sink optionally also the warehouse progress (--rebuild).
import { loadConfig, runService } from '@ckt/config';
import { createKafka, kafkaSchema } from '@ckt/kafka';
import { createCommandLogger, loggingSchema } from '@ckt/logging';
import { NoBrokerError, replayBroker } from './broker.ts';
import { parseReplayArgs, ReplayArgsError, REPLAY_USAGE } from './plan.ts';
import { forgetSinkProgress } from './rebuild.ts';
import { replay, ReplayRefusedError } from './replay.ts';
import { stageGroup } from './stages.ts';

const EXIT_USAGE = 64;
const EXIT_REFUSED = 3;
const say = (line: string) => process.stderr.write(`${line}\n`);

function fail(code: number, message: string): never {
  say(`replay: ${message}`);
  process.exit(code);
}

runService('replay', async () => {
  let args;
  try {
    args = parseReplayArgs(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ReplayArgsError)) throw error;
    say(`replay: ${error.message}\n${REPLAY_USAGE}`);
    process.exit(EXIT_USAGE);
  }
  if (args.kind === 'help') {
    process.stdout.write(`${REPLAY_USAGE}\n`);
    return;
  }
  let stage;
  try {
    stage = args.stage ? stageGroup(args.stage) : undefined;
  } catch (error) {
    fail(EXIT_USAGE, (error as Error).message);
  }
  if (args.rebuild && stage?.stage !== 'sink') fail(EXIT_USAGE, '--rebuild is for the sink: use it with --stage sink');
  const group = stage?.group ?? (args.group as string);
  const topics = args.topics.length > 0 ? args.topics : (stage?.topics ?? []);

  let broker;
  try {
    broker = await replayBroker(process.env, say);
  } catch (error) {
    if (error instanceof NoBrokerError) fail(EXIT_REFUSED, error.message);
    throw error;
  }
  // Errors only: a broker that just started answers "not the coordinator" for a moment, and kafkajs retries that.
  const logger = createCommandLogger('replay', { LOG_LEVEL: process.env.LOG_LEVEL ? loadConfig(loggingSchema).LOG_LEVEL : 'error' });
  let refused: string | undefined;
  try {
    const kafka = createKafka(loadConfig(kafkaSchema, { ...process.env, KAFKA_BROKERS: broker.brokers.join(',') }), logger);
    const hint = broker.runningPipelinePid ? `npm start is running (pid ${broker.runningPipelinePid}): stop it first` : undefined;
    const { plan, liveMembers } = await replay(kafka, { group, topics, target: args.target, dryRun: args.dryRun, liveMembersHint: hint });
    for (const { topic, moves } of plan) {
      for (const m of moves) console.log(JSON.stringify({ group, topic, partition: m.partition, from: m.from, to: m.to, replayed: m.replayed.toString() }));
    }
    const total = plan.reduce((sum, t) => sum + t.moves.reduce((s, m) => s + m.replayed, 0n), 0n);
    const topicsText = plan.map((t) => t.topic).join(', ');
    say(`${args.dryRun ? 'would rewind' : 'rewound'} group ${group} on ${topicsText}: ${total} records to read again (broker: ${broker.source})`);
    if (liveMembers) say(`note: group ${group} has ${liveMembers}; the real run will refuse until they stop`);
    if (args.rebuild) {
      const dataTopics = plan.map((t) => t.topic);
      if (args.dryRun) say(`would forget the sink's progress of ${dataTopics.join(', ')}, so their rows are written again`);
      else say(`forgot the sink's progress of ${await forgetSinkProgress(dataTopics, process.env)} partition(s): the sink writes their rows again`);
    }
  } catch (error) {
    if (!(error instanceof ReplayRefusedError)) throw error;
    refused = error.message;
  } finally {
    // A local broker started for this command stops cleanly before the exit.
    await broker.stop();
  }
  if (refused) fail(EXIT_REFUSED, refused);
});
