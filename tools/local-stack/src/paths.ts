import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (this file is tools/local-stack/src/paths.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Built by tools/local-stack/native/build.sh (`npm run setup`). MOCK_KAFKA_BIN overrides it. */
export const mockKafkaBinary = process.env.MOCK_KAFKA_BIN ?? path.join(repoRoot, '.cache', 'bin', 'mock-kafka');

export const srcDir = fileURLToPath(new URL('./', import.meta.url));
