/** An error answered the way Confluent Schema Registry answers it: HTTP status + `error_code`. */
export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

// Confluent's error_code values.
export const subjectNotFound = (subject: string): RegistryError =>
  new RegistryError(404, 40401, `Subject '${subject}' not found.`);
export const versionNotFound = (): RegistryError => new RegistryError(404, 40402, 'Version not found.');
export const schemaNotFound = (): RegistryError => new RegistryError(404, 40403, 'Schema not found');
export const subjectConfigNotFound = (subject: string): RegistryError =>
  new RegistryError(404, 40408, `Subject '${subject}' does not have subject-level compatibility configured`);
export const invalidSchema = (why: string): RegistryError => new RegistryError(422, 42201, `Invalid schema: ${why}`);
export const invalidVersion = (version: string): RegistryError =>
  new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id.`);
export const invalidCompatibilityLevel = (level: unknown): RegistryError =>
  new RegistryError(422, 42203, `Invalid compatibility level: ${String(level)}`);
export const incompatibleSchema = (why: string): RegistryError =>
  new RegistryError(409, 409, `Schema being registered is incompatible with an earlier schema: ${why}`);
export const notFound = (): RegistryError => new RegistryError(404, 404, 'HTTP 404 Not Found');
export const badRequest = (why: string): RegistryError => new RegistryError(400, 400, why);
