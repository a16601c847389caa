import { describe, expect, it } from 'vitest';
import { quoteString, settingsClause, splitStatements } from './sql-text.ts';

describe('splitStatements', () => {
  it('splits at semicolons outside literals and comments, dropping comment-only pieces', () => {
    const sql = [
      '-- header; with a semicolon',
      'CREATE TABLE a (x String DEFAULT \'a;b\');',
      '/* block; comment */',
      "INSERT INTO a VALUES ('it''s; fine'), ('back\\'slash;');",
      '-- trailing comment only',
    ].join('\n');
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toContain("DEFAULT 'a;b')");
    expect(statements[1]).toMatch(/^\/\* block; comment \*\/\nINSERT INTO a VALUES \('it''s; fine'\), \('back\\'slash;'\)$/);
  });

  it('keeps a last statement without a semicolon', () => {
    expect(splitStatements('SELECT 1;\nSELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });
});

describe('settings clause', () => {
  it('renders numbers bare and quotes strings', () => {
    expect(settingsClause({ insert_deduplicate: 1, insert_deduplication_token: "t'1", async_insert: false })).toBe(
      "insert_deduplicate = 1, insert_deduplication_token = 't\\'1', async_insert = 0",
    );
  });

  it('refuses setting names that could inject SQL', () => {
    expect(() => settingsClause({ 'x = 1; DROP TABLE t; --': 1 })).toThrow(/invalid setting name/);
  });

  it('escapes backslashes before quotes', () => {
    expect(quoteString('a\\\'b')).toBe("'a\\\\\\'b'");
  });
});
