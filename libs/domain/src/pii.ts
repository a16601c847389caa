import { createHash, createHmac } from 'node:crypto';

/**
 * E-mail pseudonym for the warehouse: hex SHA-256 over the trimmed, lower-cased address (String#toLowerCase,
 * no Unicode normalisation). With a non-empty pepper it is HMAC-SHA256 keyed with the pepper (the standard
 * construction for a keyed hash; a concatenated pepper would be open to length extension), so the warehouse
 * cannot be joined against a public list of hashed addresses without the secret. An empty pepper gives plain
 * SHA-256 (useful to join with partners' hashed lists). Changing the pepper changes every hash: treat it as
 * a long-lived secret.
 */
export function emailSha256(email: string, pepper: string): string {
  const normalised = email.trim().toLowerCase();
  const digest = pepper === '' ? createHash('sha256') : createHmac('sha256', pepper);
  return digest.update(normalised, 'utf8').digest('hex');
}

/** Year of a `YYYY-MM-DD` date: the only part of a birth date the warehouse keeps. */
export function birthYear(date: string): number {
  return Number(date.slice(0, 4));
}
