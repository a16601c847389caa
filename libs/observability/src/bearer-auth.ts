import { createHash, timingSafeEqual } from 'node:crypto';

type AuthCheck = (authorization: string | undefined) => boolean;

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Checks `Authorization: Bearer <token>` against the configured tokens. Tokens are compared as SHA-256 digests
 * with timingSafeEqual (equal lengths, so neither the content nor the length of a token leaks through timing),
 * and every configured token is compared, so the time does not tell which one matched. No tokens = open.
 */
export function createBearerAuth(tokens: readonly string[]): AuthCheck {
  const expected = tokens.map(digest);
  if (expected.length === 0) return () => true;
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const given = digest(match?.[1] ?? '');
    let ok = false;
    for (const candidate of expected) ok = timingSafeEqual(candidate, given) || ok;
    return ok && match !== null;
  };
}
