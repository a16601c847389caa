import type { Warehouse } from '@ckt/warehouse';

type StatementCheck = { ok: true; sql: string } | { ok: false; message: string };

const READING_STATEMENTS = new Set(['SELECT', 'WITH', 'SHOW', 'DESCRIBE', 'DESC', 'EXPLAIN', 'EXISTS']);

interface Token {
  begin: number;
  end: number;
  type: string;
}

/**
 * Decides with ClickHouse's own parser whether `sql` is one statement that only reads: formatQuerySingleLine
 * refuses anything but exactly one statement, and the canonical text it returns is tokenized to check the
 * first keyword and that no OUTFILE clause (`INTO OUTFILE`, also inside EXPLAIN) appears. What is executed is
 * that canonical text, so what was checked is what runs. Everything else (writes, DDL, SET and SETTINGS, table
 * functions) is refused by the session's `readonly = 1`.
 */
export async function checkReadingStatement(session: Warehouse, sql: string): Promise<StatementCheck> {
  let canonical: string;
  try {
    const [row] = await session.query<{ q: string }>('SELECT formatQuerySingleLine({sql:String}) AS q', { sql });
    canonical = row?.q ?? '';
  } catch (error) {
    return { ok: false, message: parserMessage(error) };
  }
  const [row] = await session.query<{ t: Token[] }>('SELECT tokenizeQuery({sql:String}) AS t', { sql: canonical });
  const words = (row?.t ?? []).filter((token) => token.type === 'BareWord').map((token) => canonical.slice(token.begin, token.end).toUpperCase());
  const first = words[0];
  if (first === undefined || !READING_STATEMENTS.has(first)) {
    return { ok: false, message: 'only a single SELECT, WITH, SHOW, DESCRIBE, EXISTS or EXPLAIN statement is allowed' };
  }
  if (words.includes('OUTFILE')) return { ok: false, message: 'INTO OUTFILE is not allowed: the answer is the result' };
  return { ok: true, sql: canonical };
}

/** The parser's complaint without the echo of the statement that ClickHouse appends ("In scope SELECT ..."). */
function parserMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split(/\s*: In scope /)[0] ?? text;
}
