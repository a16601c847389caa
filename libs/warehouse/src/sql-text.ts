/** Small helpers for SQL text: splitting files into statements and quoting literals. */

/** `'it''s'` → a ClickHouse string literal (quotes doubled, backslashes escaped). */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** A setting value as a SQL literal: numbers and booleans as is, strings quoted. */
function settingLiteral(value: string | number | boolean): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`setting value must be finite, got ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  return quoteString(value);
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `k1 = v1, k2 = v2` for a SETTINGS clause. Names are validated because they are spliced into SQL. */
export function settingsClause(settings: Readonly<Record<string, string | number | boolean>>): string {
  return Object.entries(settings)
    .map(([name, value]) => {
      if (!SETTING_NAME.test(name)) throw new Error(`invalid setting name: ${JSON.stringify(name)}`);
      return `${name} = ${settingLiteral(value)}`;
    })
    .join(', ');
}

/**
 * Splits a SQL file into statements at `;` outside string literals, quoted identifiers and comments.
 * Statements that are empty or comments only are dropped; comments inside a statement are kept.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  let meaningful = false;
  let i = 0;
  const flush = () => {
    if (meaningful) statements.push(current.trim());
    current = '';
    meaningful = false;
  };
  while (i < sql.length) {
    const ch = sql[i] as string;
    const next = sql[i + 1];
    if (ch === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      const stop = end === -1 ? sql.length : end;
      current += sql.slice(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      const stop = end === -1 ? sql.length : end + 2;
      current += sql.slice(i, stop);
      i = stop;
    } else if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < sql.length) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === ch && sql[j + 1] === ch) j += 2;
        else if (sql[j] === ch) break;
        else j++;
      }
      current += sql.slice(i, j + 1);
      meaningful = true;
      i = j + 1;
    } else if (ch === ';') {
      flush();
      i++;
    } else {
      if (!/\s/.test(ch)) meaningful = true;
      current += ch;
      i++;
    }
  }
  flush();
  return statements;
}
