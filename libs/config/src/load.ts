import type { z } from 'zod';
import { ConfigError } from './errors.ts';

export type Env = Record<string, string | undefined>;

/**
 * Parses `env` against a zod object whose keys are the environment variable names.
 * Empty strings count as unset, so `FOO=` falls back to the default like a missing FOO.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Env = process.env): z.infer<S> {
  const present: Env = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') present[key] = value.trim();
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const variable = issue.path.map(String).join('.') || '(environment)';
    if (present[variable] === undefined && issue.code === 'invalid_type') return `${variable}: required but not set`;
    return `${variable}: ${issue.message}`;
  });
  throw new ConfigError(issues);
}
