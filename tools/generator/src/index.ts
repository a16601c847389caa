/** @ckt/generator: deterministic checkout traffic with fault injection, and the outcome it must produce. */
export {
  generate,
  generateRecords,
  type GeneratedRecord,
} from './generator.ts';
export {
  expectedOutcome,
  type ExpectedOutcome,
} from './outcome.ts';
export { createHttpSender } from './http-sender.ts';
