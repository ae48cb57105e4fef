import { createHash, randomUUID } from 'node:crypto';
import type { Queryable } from './db.ts';
import type { JsonObject } from './json.ts';

export interface UserRecord {
  id: string;
  aud: string | null;
  role: string | null;
  email: string | null;
  phone: string | null;
  encrypted_password: string | null;
  email_confirmed_at: Date | null;
  confirmed_at: Date | null;
  last_sign_in_at: Date | null;
  raw_app_meta_data: JsonObject | null;
  raw_user_meta_data: JsonObject | null;
  created_at: Date | null;
  updated_at: Date | null;
  banned_until: Date | null;
  deleted_at: Date | null;
  is_anonymous: boolean;
  /** Judged by the database clock, like every other timestamp here. */
  is_banned: boolean;
}

export interface IdentityRecord {
  id: string;
  provider_id: string;
  user_id: string;
  identity_data: JsonObject;
  provider: string;
  last_sign_in_at: Date | null;
  created_at: Date | null;
  updated_at: Date | null;
  email: string | null;
}

const USER_COLUMNS = `id, aud, role, email, phone, encrypted_password, email_confirmed_at, confirmed_at,
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, deleted_at, is_anonymous,
  coalesce(banned_until > now(), false) as is_banned`;

/** Deleted users are invisible: they cannot sign in, refresh or use an old access token. */
const LIVE_USER = 'deleted_at is null and not is_sso_user';

/** `email` must already be normalised (trimmed, lower case); seeds may have stored mixed case. */
export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRecord>(`select ${USER_COLUMNS} from auth.users where lower(email) = $1 and ${LIVE_USER}`, [email]);
  return rows[0];
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRecord>(`select ${USER_COLUMNS} from auth.users where id = $1 and ${LIVE_USER}`, [id]);
  return rows[0];
}

/** Any user, deleted and SSO ones too: what the admin API sees, as Supabase Auth's `FindUserByID` does. */
export async function findAnyUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  const { rows } = await db.query<UserRecord>(`select ${USER_COLUMNS} from auth.users where id = $1`, [id]);
  return rows[0];
}

/** Holds the user's row until the transaction ends, so that it cannot be deleted halfway through an update. */
export async function lockUser(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query('select from auth.users where id = $1 for update', [id]);
  return rowCount === 1;
}

/**
 * The only audience this service issues tokens for. Supabase Auth lists the users of the caller's
 * audience, the deleted and SSO ones included; unlike it, rows without an instance_id (written by
 * hand or by seeds) are listed too, since every other endpoint here serves them as well.
 */
export const AUDIENCE = 'authenticated';

export async function countUsers(db: Queryable): Promise<bigint> {
  const { rows } = await db.query<{ total: string }>('select count(*) as total from auth.users where aud = $1', [AUDIENCE]);
  return BigInt(rows[0]!.total);
}

/** Newest first, as Supabase Auth sorts by default; the id breaks ties so that pages never overlap. */
export async function findUsers(db: Queryable, limit: bigint, offset: bigint): Promise<UserRecord[]> {
  const { rows } = await db.query<UserRecord>(`select ${USER_COLUMNS} from auth.users where aud = $1 order by created_at desc, id desc limit $2 offset $3`, [
    AUDIENCE,
    limit.toString(),
    offset.toString(),
  ]);
  return rows;
}

export async function findIdentities(db: Queryable, userId: string): Promise<IdentityRecord[]> {
  const { rows } = await db.query<IdentityRecord>(
    `select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
     from auth.identities where user_id = $1 order by created_at`,
    [userId],
  );
  return rows;
}

/** The app_metadata every e-mail user starts with. */
export const EMAIL_PROVIDER_METADATA: JsonObject = { provider: 'email', providers: ['email'] };

/**
 * Inserts the user unconfirmed, as Supabase Auth does before confirming in the same transaction, so
 * apps' `after insert` and `after update` triggers on auth.users see the same sequence of rows.
 */
export async function insertUser(
  db: Queryable,
  { id = randomUUID(), ...user }: { id?: string; email: string; passwordHash: string; metadata: JsonObject },
): Promise<string> {
  // Supabase Auth cannot read NULL token columns, so they are written as '' like it writes them.
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token, recovery_token,
       email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, '', '', '', '',
       $4, $5, now(), now())`,
    [id, user.email, user.passwordHash, JSON.stringify(EMAIL_PROVIDER_METADATA), JSON.stringify(user.metadata)],
  );
  return id;
}

/**
 * The e-mail identity Supabase Auth creates: its claims, then the sign-up data (sign-up only; the
 * admin API's identities hold the claims alone).
 */
export async function insertEmailIdentity(
  db: Queryable,
  userId: string,
  email: string,
  { metadata = {}, emailVerified = false }: { metadata?: JsonObject; emailVerified?: boolean } = {},
): Promise<void> {
  const identityData: JsonObject = { ...metadata, sub: userId, email, email_verified: emailVerified, phone_verified: false };
  await db.query(
    `insert into auth.identities (id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at)
     values ($1, $2, $3, $4, 'email', now(), now(), now())`,
    [randomUUID(), userId, userId, JSON.stringify(identityData)],
  );
}

/** What confirming an e-mail adds to user_metadata. */
export const CONFIRMED_EMAIL_METADATA: JsonObject = { email_verified: true };

/** What confirming an e-mail does; with confirmations off it happens right at sign-up. */
export async function confirmEmail(db: Queryable, userId: string): Promise<void> {
  await db.query(
    `update auth.users set email_confirmed_at = now(), confirmation_token = '', updated_at = now(),
       raw_user_meta_data = coalesce(raw_user_meta_data, '{}') || $2::jsonb
     where id = $1`,
    [userId, JSON.stringify(CONFIRMED_EMAIL_METADATA)],
  );
}

export async function recordSignIn(db: Queryable, userId: string): Promise<void> {
  await db.query('update auth.users set last_sign_in_at = now(), updated_at = now() where id = $1', [userId]);
}

/**
 * Supabase Auth's merge (`UpdateUserMetaData`, `UpdateAppMetaData`): top-level keys of `changes`
 * replace the stored ones, a key set to null is removed, the rest stays. Returns the result.
 */
async function mergeMetadata(db: Queryable, column: 'raw_user_meta_data' | 'raw_app_meta_data', userId: string, changes: JsonObject): Promise<JsonObject> {
  const entries = Object.entries(changes);
  const kept = Object.fromEntries(entries.filter(([, value]) => value !== null));
  const removed = entries.filter(([, value]) => value === null).map(([key]) => key);
  const { rows } = await db.query<{ merged: JsonObject }>(
    `update auth.users set updated_at = now(), ${column} = (coalesce(${column}, '{}') || $2::jsonb) - $3::text[]
     where id = $1
     returning ${column} as merged`,
    [userId, JSON.stringify(kept), removed],
  );
  return rows[0]!.merged;
}

export const updateUserMetadata = (db: Queryable, userId: string, changes: JsonObject) => mergeMetadata(db, 'raw_user_meta_data', userId, changes);

export const updateAppMetadata = (db: Queryable, userId: string, changes: JsonObject) => mergeMetadata(db, 'raw_app_meta_data', userId, changes);

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [userId, passwordHash]);
}

/** Sets the e-mail, and merges it (and `identityData`) into the e-mail identity; false when the user has none. */
export async function updateEmail(db: Queryable, userId: string, email: string, identityData: JsonObject = {}): Promise<boolean> {
  await db.query('update auth.users set email = $2, updated_at = now() where id = $1', [userId, email]);
  const { rowCount } = await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text) || $3::jsonb, updated_at = now()
     where user_id = $1 and provider = 'email'`,
    [userId, email, JSON.stringify(identityData)],
  );
  return rowCount !== 0;
}

/** The role the user's access tokens carry, which PostgREST switches to. */
export async function setRole(db: Queryable, userId: string, role: string): Promise<void> {
  await db.query('update auth.users set role = $2, updated_at = now() where id = $1', [userId, role]);
}

/**
 * Banned for `seconds` from now (by the database clock); 0 lifts the ban. Writing banned_until is
 * what the app's triggers on auth.users watch for.
 */
export async function setBan(db: Queryable, userId: string, seconds: number): Promise<void> {
  await db.query(
    `update auth.users set updated_at = now(),
       banned_until = case when $2::float8 = 0 then null else now() + make_interval(secs => $2::float8) end
     where id = $1`,
    [userId, seconds],
  );
}

/** Everything that belongs to the user goes with it: identities, sessions and the app's rows (foreign keys cascade). */
export async function hardDeleteUser(db: Queryable, userId: string): Promise<void> {
  await db.query('delete from auth.users where id = $1', [userId]);
}

/** Supabase Auth's stand-in for a value it must forget but keep unique: a hash of the user id and the value. */
function obfuscated(userId: string, value: string): string {
  return createHash('sha256')
    .update(userId + value)
    .digest('base64url');
}

/**
 * Supabase Auth's soft delete: the row stays (and so do rows that reference it), marked deleted and
 * emptied of everything that identifies the person, e-mail and phone replaced by hashes so that both
 * are free for a new account; the identities keep no data. Ending the sessions is the caller's part.
 * False when there is no such user (any more).
 */
export async function softDeleteUser(db: Queryable, userId: string): Promise<boolean> {
  const { rows } = await db.query<{ email: string | null; phone: string | null; email_change: string | null }>(
    'select email, phone, email_change from auth.users where id = $1 for update',
    [userId],
  );
  if (!rows[0]) return false;
  const { email, phone, email_change: emailChange } = rows[0];
  await db.query(
    `update auth.users set email = $2, phone = $3, email_change = $4, encrypted_password = null,
       confirmation_token = '', recovery_token = '', email_change_token_new = '',
       raw_user_meta_data = '{}', raw_app_meta_data = '{}', deleted_at = now(), updated_at = now()
     where id = $1`,
    // The phone column was 15 characters long in Supabase Auth's schema: the hash is cut to fit it.
    [userId, obfuscated(userId, email ?? ''), obfuscated(userId, phone ?? '').slice(0, 15), obfuscated(userId, emailChange ?? '')],
  );
  for (const identity of await findIdentities(db, userId)) {
    await db.query(`update auth.identities set identity_data = '{}', provider_id = $2, updated_at = now() where id = $1`, [
      identity.id,
      obfuscated(userId, `${identity.provider}:${identity.provider_id}`),
    ]);
  }
  return true;
}

const iso = (date: Date | null) => date?.toISOString();

/**
 * The user object Supabase Auth returns. Missing e-mail and phone are "", unset timestamps are
 * left out (Go's `omitempty`: `undefined` disappears in JSON). `identities` null: not loaded, as
 * in Supabase Auth's user lists, which answer `"identities": null`.
 */
export function userJson(user: UserRecord, identities: IdentityRecord[] | null) {
  return {
    id: user.id,
    aud: user.aud ?? '',
    role: user.role ?? '',
    email: user.email ?? '',
    email_confirmed_at: iso(user.email_confirmed_at),
    phone: user.phone ?? '',
    confirmed_at: iso(user.confirmed_at),
    last_sign_in_at: iso(user.last_sign_in_at),
    app_metadata: user.raw_app_meta_data ?? {},
    user_metadata: user.raw_user_meta_data ?? {},
    identities:
      identities?.map((identity) => ({
        identity_id: identity.id,
        id: identity.provider_id,
        user_id: identity.user_id,
        identity_data: identity.identity_data,
        provider: identity.provider,
        last_sign_in_at: iso(identity.last_sign_in_at),
        created_at: iso(identity.created_at),
        updated_at: iso(identity.updated_at),
        email: identity.email ?? undefined,
      })) ?? null,
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    banned_until: iso(user.banned_until),
    deleted_at: iso(user.deleted_at),
    is_anonymous: user.is_anonymous,
  };
}

export type UserJson = ReturnType<typeof userJson>;

export async function loadUserJson(db: Queryable, user: UserRecord): Promise<UserJson> {
  return userJson(user, await findIdentities(db, user.id));
}
