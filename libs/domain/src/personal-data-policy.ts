import type { FieldSpec, PersonalDataRule } from './field-types.ts';
import type { DerivationName, ValueSource } from './value-sources.ts';

/**
 * How a personal field may reach a warehouse column: only through a derivation that does what its rule says.
 * `drop` fields are never stored, but a card number may give its last four digits (what PCI DSS allows to show);
 * a `restrict` object is never stored whole, only through its named sub-fields.
 */
const PERSONAL_DERIVATIONS: Readonly<Record<PersonalDataRule, readonly DerivationName[]>> = {
  hash: ['email_sha256'],
  generalise: ['birth_year'],
  drop: ['last4_digits'],
  restrict: [],
};

interface PolicySubject {
  readonly fields: readonly FieldSpec[];
  readonly rows: ReadonlyArray<{ readonly table: string; readonly columns: Readonly<Record<string, ValueSource>> }>;
}

/** The rule of every personal field by its dotted path (sub-fields of objects included). */
function personalPaths(fields: readonly FieldSpec[], prefix = ''): Map<string, PersonalDataRule> {
  const rules = new Map<string, PersonalDataRule>();
  for (const field of fields) {
    const path = `${prefix}${field.name}`;
    if (field.personal) rules.set(path, field.personal);
    if (field.type.kind === 'object') for (const [sub, rule] of personalPaths(field.type.fields, `${path}.`)) rules.set(sub, rule);
  }
  return rules;
}

/** Every payload path a column reads, with the derivation applied to it (undefined: read as it is). */
function reads(source: ValueSource, through?: DerivationName): Array<{ path: string; through: DerivationName | undefined }> {
  switch (source.from) {
    case 'payload':
      return [{ path: source.path, through }];
    case 'derived':
      return reads(source.input, source.fn);
    case 'first_of':
      return source.sources.flatMap((s) => reads(s, through));
    default:
      return [];
  }
}

/**
 * Throws, naming event, table, column and field, when a row of the catalog would store a personal field other
 * than its rule allows. Checked when the catalog loads, so a catalog edit cannot ship a leak.
 */
export function checkPersonalData(catalog: Readonly<Record<string, PolicySubject>>): void {
  for (const [event, spec] of Object.entries(catalog)) {
    const rules = personalPaths(spec.fields);
    for (const row of spec.rows) {
      for (const [column, source] of Object.entries(row.columns)) {
        for (const { path, through } of reads(source)) {
          const rule = rules.get(path);
          if (!rule || (through !== undefined && PERSONAL_DERIVATIONS[rule].includes(through))) continue;
          const how = through ? `through ${through}` : 'as it is';
          throw new Error(`catalog: ${event} maps personal field ${path} (${rule}) ${how} to ${row.table}.${column}; allowed: ${PERSONAL_DERIVATIONS[rule].join(', ') || 'only its named sub-fields'}`);
        }
      }
    }
  }
}
