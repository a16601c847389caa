export {
  startExtractor,
  type ExtractorService,
} from './extractor.ts';
export { extractorSchema } from './config.ts';
