type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deeper than any real request body. Storing and serialising JSON recurses (PostgreSQL's jsonb,
 * `JSON.stringify` for the access token), so a body nested thousands deep must not get that far.
 */
const MAX_JSON_DEPTH = 32;

/** U+0000 and unpaired surrogates: JSON can carry them, PostgreSQL's text and jsonb cannot store them. */
function hasUnstorableText(value: string): boolean {
  return value.includes('\u0000') || /\p{Cs}/u.test(value);
}

/** Why PostgreSQL could not store `value` (or would choke serialising it); undefined when it can. */
export function unstorableReason(value: JsonValue, depth = 1): string | undefined {
  if (typeof value === 'string') return hasUnstorableText(value) ? 'strings cannot contain U+0000 or unpaired surrogates' : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > MAX_JSON_DEPTH) return `objects and arrays cannot be nested more than ${MAX_JSON_DEPTH} deep`;
  for (const [key, item] of Object.entries(value)) {
    const reason = unstorableReason(key) ?? unstorableReason(item, depth + 1);
    if (reason) return reason;
  }
  return undefined;
}
