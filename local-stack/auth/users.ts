import { randomUUID } from 'node:crypto';
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
  last_sign_in_at, raw_app_meta_data, raw_user_meta_data, created_at, updated_at, banned_until, is_anonymous,
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

export async function findIdentities(db: Queryable, userId: string): Promise<IdentityRecord[]> {
  const { rows } = await db.query<IdentityRecord>(
    `select id, provider_id, user_id, identity_data, provider, last_sign_in_at, created_at, updated_at, email
     from auth.identities where user_id = $1 order by created_at`,
    [userId],
  );
  return rows;
}

/**
 * Inserts the user unconfirmed, as Supabase Auth does before confirming in the same transaction, so
 * apps' `after insert` and `after update` triggers on auth.users see the same sequence of rows.
 */
export async function insertUser(db: Queryable, user: { email: string; passwordHash: string; metadata: JsonObject }): Promise<string> {
  const id = randomUUID();
  // Supabase Auth cannot read NULL token columns, so they are written as '' like it writes them.
  await db.query(
    `insert into auth.users (instance_id, id, aud, role, email, encrypted_password, confirmation_token, recovery_token,
       email_change_token_new, email_change, raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
     values ('00000000-0000-0000-0000-000000000000', $1, 'authenticated', 'authenticated', $2, $3, '', '', '', '',
       '{"provider": "email", "providers": ["email"]}', $4, now(), now())`,
    [id, user.email, user.passwordHash, JSON.stringify(user.metadata)],
  );
  return id;
}

/** The e-mail identity Supabase Auth creates on sign-up: its claims, then the sign-up data. */
export async function insertEmailIdentity(db: Queryable, userId: string, email: string, metadata: JsonObject): Promise<void> {
  const identityData: JsonObject = { ...metadata, sub: userId, email, email_verified: false, phone_verified: false };
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

/** Merges `changes` into user_metadata (a key set to null is removed) and returns the result. */
export async function updateUserMetadata(db: Queryable, userId: string, changes: JsonObject): Promise<JsonObject> {
  const entries = Object.entries(changes);
  const kept = Object.fromEntries(entries.filter(([, value]) => value !== null));
  const removed = entries.filter(([, value]) => value === null).map(([key]) => key);
  const { rows } = await db.query<{ raw_user_meta_data: JsonObject }>(
    `update auth.users set updated_at = now(),
       raw_user_meta_data = (coalesce(raw_user_meta_data, '{}') || $2::jsonb) - $3::text[]
     where id = $1
     returning raw_user_meta_data`,
    [userId, JSON.stringify(kept), removed],
  );
  return rows[0]!.raw_user_meta_data;
}

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query('update auth.users set encrypted_password = $2, updated_at = now() where id = $1', [userId, passwordHash]);
}

export async function updateEmail(db: Queryable, userId: string, email: string): Promise<void> {
  await db.query('update auth.users set email = $2, updated_at = now() where id = $1', [userId, email]);
  await db.query(
    `update auth.identities set identity_data = identity_data || jsonb_build_object('email', $2::text), updated_at = now()
     where user_id = $1 and provider = 'email'`,
    [userId, email],
  );
}

const iso = (date: Date | null) => date?.toISOString();

/**
 * The user object Supabase Auth returns. Missing e-mail and phone are "", unset timestamps are
 * left out (Go's `omitempty`: `undefined` disappears in JSON).
 */
export function userJson(user: UserRecord, identities: IdentityRecord[]) {
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
    identities: identities.map((identity) => ({
      identity_id: identity.id,
      id: identity.provider_id,
      user_id: identity.user_id,
      identity_data: identity.identity_data,
      provider: identity.provider,
      last_sign_in_at: iso(identity.last_sign_in_at),
      created_at: iso(identity.created_at),
      updated_at: iso(identity.updated_at),
      email: identity.email ?? undefined,
    })),
    created_at: iso(user.created_at),
    updated_at: iso(user.updated_at),
    banned_until: iso(user.banned_until),
    is_anonymous: user.is_anonymous,
  };
}

export type UserJson = ReturnType<typeof userJson>;

export async function loadUserJson(db: Queryable, user: UserRecord): Promise<UserJson> {
  return userJson(user, await findIdentities(db, user.id));
}
