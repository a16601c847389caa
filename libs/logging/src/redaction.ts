/**
 * Paths pino censors before a line is written. Payloads and record values carry customer data, so they
 * are never logged whole; credentials are never logged at all. Log identifiers (topic, partition, offset,
 * event_id, event_name) instead.
 */
export const REDACTED_PATHS = [
  'payload',
  '*.payload',
  'value',
  '*.value',
  'body',
  '*.body',
  'email',
  '*.email',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'sasl',
  '*.sasl',
  'credentials',
  '*.credentials',
];
