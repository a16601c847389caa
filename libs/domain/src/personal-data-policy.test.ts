import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog.ts';
import { objectOf, optional, required, ID, STRING } from './field-types.ts';
import { checkPersonalData } from './personal-data-policy.ts';
import { derived, payload } from './value-sources.ts';

const customer = (columns: Parameters<typeof checkPersonalData>[0][string]['rows'][number]['columns']) => ({
  customer_registered: {
    fields: [required('customer_id', ID), optional('email', STRING, 'hash'), optional('first_name', STRING, 'drop'), optional('card', objectOf(optional('number', STRING, 'drop')), 'restrict')],
    rows: [{ table: 'dim_customer', columns }],
  },
});

describe('personal-data policy of the catalog', () => {
  it('holds for the catalog as it ships', () => {
    expect(() => checkPersonalData(CATALOG)).not.toThrow();
  });

  it('refuses a drop field mapped to a column, naming event, table, column and field', () => {
    expect(() => checkPersonalData(customer({ first_name: payload('first_name') }))).toThrow(
      'catalog: customer_registered maps personal field first_name (drop) as it is to dim_customer.first_name; allowed: last4_digits',
    );
  });

  it('refuses a hash field stored without its hashing derivation, and a restricted object stored whole', () => {
    expect(() => checkPersonalData(customer({ email: payload('email') }))).toThrow(/personal field email \(hash\) as it is/);
    expect(() => checkPersonalData(customer({ email: derived('birth_year', payload('email')) }))).toThrow(/through birth_year/);
    expect(() => checkPersonalData(customer({ card: payload('card') }))).toThrow(/personal field card \(restrict\)/);
    expect(() => checkPersonalData(customer({ email_sha256: derived('email_sha256', payload('email')), last4: derived('last4_digits', payload('card.number')) }))).not.toThrow();
  });
});
