/**
 * Object keys are relative paths: non-empty segments separated by `/`, no `.`/`..` segments, no backslashes
 * or NUL. Checked once here so the file store cannot be led outside its directory.
 */
export function checkKey(key: string): string {
  const segments = key.split('/');
  const bad = key === '' || key.includes('\\') || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..');
  if (bad) throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  return key;
}

/** `a/b/` style prefix from a user-given one (`/a/b`, `a/b/`, `` ...): no leading slash, one trailing slash. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}
