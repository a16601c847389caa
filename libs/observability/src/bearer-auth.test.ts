import { describe, expect, it } from 'vitest';
import { createBearerAuth } from './bearer-auth.ts';

describe('createBearerAuth', () => {
  it('is open when no tokens are configured', () => {
    expect(createBearerAuth([])(undefined)).toBe(true);
  });

  it('accepts any configured token and nothing else', () => {
    const check = createBearerAuth(['alpha-token', 'beta-token']);
    expect(check('Bearer alpha-token')).toBe(true);
    expect(check('bearer beta-token')).toBe(true);
    expect(check('Bearer gamma-token')).toBe(false);
    expect(check('Bearer alpha-toke')).toBe(false);
    expect(check('alpha-token')).toBe(false);
    expect(check('Basic YWxwaGE6dG9rZW4=')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('Bearer ')).toBe(false);
  });
});
