export { planReplay, parseReplayArgs, ReplayArgsError, REPLAY_USAGE, type ReplayArgs, type ReplayTarget, type PartitionMove, type PartitionState } from './plan.ts';
export { replay, BrokerRefusedError } from './replay.ts';
