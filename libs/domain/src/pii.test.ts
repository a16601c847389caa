import { describe, expect, it } from 'vitest';
import { birthYear, emailSha256 } from './pii.ts';

describe('emailSha256', () => {
  it('is plain SHA-256 of the trimmed lower-cased address when the pepper is empty', () => {
    expect(emailSha256('  Anna@Example.COM ', '')).toBe('f7d54c22dda5b1780276601cd005909b70543fc4a6ba72d735b4cb9bbb611f01');
  });

  it('is HMAC-SHA256 keyed with the pepper otherwise', () => {
    expect(emailSha256('Anna@Example.com\n', 'pepper-1')).toBe('79c1d343cb6553de539a4a54c65fd51f8a8bdc16fa20cf3d02b6a3f4640ac468');
    expect(emailSha256('anna@example.com', 'pepper-2')).not.toBe('79c1d343cb6553de539a4a54c65fd51f8a8bdc16fa20cf3d02b6a3f4640ac468');
  });
});

describe('birthYear', () => {
  it('keeps only the year', () => {
    expect(birthYear('1987-06-15')).toBe(1987);
  });
});
