/** The registry refused a row schema; `status` 409 means incompatible with the versions under `subject`. */
export class SchemaRegistryRefusedError extends Error {
  override readonly name = 'SchemaRegistryRefusedError';
  constructor(
    readonly subject: string,
    readonly status: number | undefined,
    cause: unknown,
  ) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    const meaning =
      status === 409
        ? 'the schema is incompatible with the versions already registered under this subject (evolve it compatibly: add fields with a default, never remove or retype one)'
        : 'registration failed';
    super(`schema registry refused the schema for subject ${subject}${status === undefined ? '' : ` (HTTP ${status})`}: ${meaning}; registry said: ${detail}`, {
      cause,
    });
  }
}

/** A row does not fit its table's Avro schema. Names the fields, never their values. */
export class RowEncodingError extends Error {
  override readonly name = 'RowEncodingError';
  constructor(
    readonly table: string,
    readonly fields: readonly string[],
  ) {
    super(`row of ${table} does not fit its Avro schema; invalid fields: ${fields.length > 0 ? fields.join(', ') : '(unknown)'}`);
  }
}

/** HTTP status carried by an error of @kafkajs/confluent-schema-registry (its ResponseError has `status`). */
export function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}
