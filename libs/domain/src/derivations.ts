import type { DerivationName } from './value-sources.ts';
import type { FieldValue } from './field-values.ts';
import { birthYear, emailSha256 } from './pii.ts';
import { dateKeyOf } from './timestamp.ts';

export interface DerivationContext {
  /** Secret key of the e-mail hash (see pii.ts); empty for plain SHA-256. */
  emailPepper: string;
}

type Derivation = (input: string, context: DerivationContext) => FieldValue;

/** Column derivations named by the catalog. Each receives a validated non-null string; NULL in gives NULL out. */
const DERIVATIONS: Readonly<Record<DerivationName, Derivation>> = {
  /** e-mail -> keyed hash; the address itself never reaches a row. */
  email_sha256: (email, { emailPepper }) => emailSha256(email, emailPepper),
  /** `YYYY-MM-DD` -> its year. */
  birth_year: (date) => birthYear(date),
  /** UTC ISO timestamp -> YYYYMMDD number. */
  date_key: (timestamp) => dateKeyOf(timestamp),
  /** The last 4 digits of a (possibly masked) card number, or NULL when it holds fewer than 4 digits. */
  last4_digits: (text) => {
    const digits = text.replace(/\D/g, '');
    return digits.length >= 4 ? digits.slice(-4) : null;
  },
};

export function derive(name: DerivationName, input: FieldValue, context: DerivationContext): FieldValue {
  if (input === null) return null;
  return DERIVATIONS[name](String(input), context);
}
