export { planReplay, parseReplayArgs, ReplayArgsError, REPLAY_USAGE, type ReplayArgs, type ReplayTarget, type PartitionMove, type PartitionState } from './plan.ts';
export { replay, ReplayRefusedError, type ReplayRequest, type ReplayResult, type TopicMoves } from './replay.ts';
export { stageGroup, STAGES, type Stage, type StageGroup } from './stages.ts';
