import { AuthError, badJson, validationFailed } from './errors.ts';
import { isJsonObject, type JsonObject } from './json.ts';

const wrongType = (name: string, expected: string) => badJson(`"${name}" must be ${expected}`);

/** A string field; absent and null both mean "not given", as in Supabase Auth (Go zero values). */
export function optionalString(body: JsonObject, name: string): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw wrongType(name, 'a string');
  return value;
}

export function optionalBoolean(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw wrongType(name, 'true or false');
  return value;
}

export function optionalObject(body: JsonObject, name: string): JsonObject | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw wrongType(name, 'an object');
  return value;
}

// The format Supabase Auth accepts (github.com/badoux/checkmail).
const EMAIL_FORMAT = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;

/** Trimmed and lower-cased: e-mails are stored and compared that way. */
export function normalizedEmail(raw: string | undefined): string {
  const email = (raw ?? '').trim().toLowerCase();
  if (!email) throw validationFailed('An email address is required');
  if (email.length > 255) throw validationFailed('An email address is too long');
  if (!EMAIL_FORMAT.test(email)) throw validationFailed('Unable to validate email address: invalid format');
  return email;
}

/** Phone sign-in is off in the local stack, as in a default Supabase project. */
export function refusePhone(body: JsonObject, message: string): void {
  if (optionalString(body, 'phone')) throw new AuthError(400, 'phone_provider_disabled', message);
}

/**
 * The access token carries user_metadata and app_metadata, and the app sends that token in the
 * Authorization header of every request. Node's HTTP server (the gateway) refuses requests whose
 * headers add up to over 16 KiB, and base64url makes the metadata a third bigger: with 8 KiB of
 * user_metadata and 2 KiB of app_metadata (and a 255-character e-mail) the token is about 14.5 KB and
 * leaves room for the other headers. Larger metadata would lock the user out of every request.
 */
export const MAX_USER_METADATA_BYTES = 8 * 1024;
export const MAX_APP_METADATA_BYTES = 2 * 1024;

function checkMetadataSize(name: string, metadata: JsonObject, maxBytes: number): void {
  const bytes = Buffer.byteLength(JSON.stringify(metadata), 'utf8');
  if (bytes > maxBytes) {
    throw validationFailed(`${name} can hold at most ${maxBytes} bytes of JSON, this would be ${bytes}: it travels in the access token of every request`);
  }
}

/** 400 `validation_failed` when `metadata`, as it would be stored, is over the limit. */
export function checkUserMetadataSize(metadata: JsonObject): void {
  checkMetadataSize('user_metadata', metadata, MAX_USER_METADATA_BYTES);
}

export function checkAppMetadataSize(metadata: JsonObject): void {
  checkMetadataSize('app_metadata', metadata, MAX_APP_METADATA_BYTES);
}

const UUID_FORMS = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^urn:uuid:([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
];

/** The canonical lower-case form of a UUID written in any form Supabase Auth (gofrs/uuid) reads; undefined otherwise. */
export function canonicalUuid(text: string): string | undefined {
  for (const form of UUID_FORMS) {
    const groups = form.exec(text);
    if (groups) return groups.slice(1).join('-').toLowerCase();
  }
  return undefined;
}
