import avro from 'avsc';
import { invalidCompatibilityLevel, invalidSchema } from './errors.ts';

export const COMPATIBILITY_LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
] as const;
export type CompatibilityLevel = (typeof COMPATIBILITY_LEVELS)[number];

export function parseLevel(value: unknown): CompatibilityLevel {
  const upper = typeof value === 'string' ? value.toUpperCase() : '';
  const level = COMPATIBILITY_LEVELS.find((l) => l === upper);
  if (!level) throw invalidCompatibilityLevel(value);
  return level;
}

/** Parses an Avro schema text; throws Confluent's 42201 when it is not valid Avro. */
export function parseAvro(schema: string): avro.Type {
  try {
    return avro.Type.forSchema(JSON.parse(schema) as avro.Schema);
  } catch (err) {
    throw invalidSchema(err instanceof Error ? err.message : String(err));
  }
}

/** Can data written with `writer` be read with `reader`? Returns why not, or undefined. */
function readFailure(reader: avro.Type, writer: avro.Type): string | undefined {
  try {
    reader.createResolver(writer);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Checks `candidate` against earlier schemas (oldest first) under `level`, with Confluent's meaning:
 * BACKWARD = the new schema reads data written with the old; FORWARD = the old reads the new;
 * FULL = both; *_TRANSITIVE = against every earlier version, otherwise only the latest.
 * Returns the reasons it is incompatible (empty when compatible).
 */
export function incompatibilities(candidate: string, previous: string[], level: CompatibilityLevel): string[] {
  if (level === 'NONE' || previous.length === 0) return [];
  const transitive = level.endsWith('_TRANSITIVE');
  const against = transitive ? previous : previous.slice(-1);
  const backward = level.startsWith('BACKWARD') || level.startsWith('FULL');
  const forward = level.startsWith('FORWARD') || level.startsWith('FULL');
  const next = parseAvro(candidate);
  const reasons: string[] = [];
  for (const old of against) {
    const oldType = parseAvro(old);
    const back = backward ? readFailure(next, oldType) : undefined;
    if (back) reasons.push(`new schema cannot read old data (${back})`);
    const fwd = forward ? readFailure(oldType, next) : undefined;
    if (fwd) reasons.push(`old schema cannot read new data (${fwd})`);
  }
  return reasons;
}
