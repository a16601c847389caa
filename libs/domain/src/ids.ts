/**
 * Normalises an id: a non-empty string (trimmed: surrounding blanks are never meaningful in an id) or a
 * non-negative safe integer, turned into its decimal string. Larger integers are refused because JSON.parse
 * has already rounded them, so the id would silently change. Returns undefined when the value is no id.
 */
export function normaliseId(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  return undefined;
}
