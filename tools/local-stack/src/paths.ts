import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** Repository root (this file is tools/local-stack/src/paths.ts). */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The Kafka version tools/local-stack/kafka/pom.xml pins, and the classpath its install.sh assembles. */
const KAFKA_VERSION = '4.4.0';
export const kafkaLibDir = path.join(repoRoot, '.cache', 'kafka', KAFKA_VERSION, 'lib');

export const srcDir = fileURLToPath(new URL('./', import.meta.url));
