/**
 * The PostgREST `ilike` pattern for "a specialty contains this text", or null for a blank search.
 * The text is matched literally: PostgreSQL's LIKE wildcards `%` and `_` and its escape character
 * `\` are escaped. PostgREST turns every `*` into `%` before PostgreSQL sees the pattern and offers
 * no escape for it, so a typed `*` becomes `_` (any one character): a few extra matches, none lost.
 */
export function specialtySearchPattern(text: string): string | null {
  const needle = text.trim().toLowerCase();
  if (needle === '') return null;
  const escaped = needle.replace(/[\\%_]/g, (character) => `\\${character}`).replaceAll('*', '_');
  return `%${escaped}%`;
}
