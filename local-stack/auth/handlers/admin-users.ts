/**
 * Supabase Auth's admin user API (`supabase.auth.admin.*`): list, create, get, update and delete
 * users. Only an admin's token gets past `requireAdmin`; everything else is answered as Supabase
 * Auth answers it.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { requireAdmin } from '../authenticate.ts';
import type { Handler, RequestContext } from '../context.ts';
import { inTransaction, isUniqueViolation, violatedConstraint } from '../db.ts';
import { AuthError, databaseFailure, emailExists, rethrowAsEmailExists, validationFailed } from '../errors.ts';
import { parseGoDuration } from '../go-duration.ts';
import type { JsonObject } from '../json.ts';
import { checkPasswordLength, checkPasswordStrength, hashPassword, isBcryptHash } from '../passwords.ts';
import { endSessions } from '../tokens.ts';
import {
  AUDIENCE,
  CONFIRMED_EMAIL_METADATA,
  confirmEmail,
  countUsers,
  findAnyUserById,
  findUserByEmail,
  findUsers,
  hardDeleteUser,
  insertEmailIdentity,
  insertUser,
  loadUserJson,
  lockUser,
  setBan,
  setRole,
  softDeleteUser,
  updateAppMetadata,
  updateEmail,
  updatePasswordHash,
  updateUserMetadata,
  userJson,
  type UserRecord,
} from '../users.ts';
import {
  canonicalUuid,
  checkAppMetadataSize,
  checkUserMetadataSize,
  normalizedEmail,
  optionalBoolean,
  optionalObject,
  optionalString,
  refusePhone,
} from '../validation.ts';

const userNotFound = () => new AuthError(404, 'user_not_found', 'User not found');

/** The user named by the path: 404 for an id that is no UUID or no user's, as Supabase Auth's `loadUser` answers. */
async function targetUser({ params, service }: RequestContext): Promise<UserRecord> {
  const id = canonicalUuid(params.user_id ?? '');
  if (!id) throw new AuthError(404, 'validation_failed', 'user_id must be an UUID');
  const user = await findAnyUserById(service.pool, id);
  if (!user) throw userNotFound();
  return user;
}

/** `ban_duration`: a Go duration from now, or "none" to lift a ban; absent or empty leaves the ban as it is. */
function banSeconds(raw: string | undefined): number | undefined {
  if (!raw) return undefined;
  if (raw === 'none') return 0;
  try {
    return parseGoDuration(raw);
  } catch (error) {
    throw validationFailed(`invalid format for ban duration: ${(error as Error).message}`);
  }
}

/** Stored trimmed, as Supabase Auth does: it becomes the role of the user's tokens, the database role PostgREST takes on. */
function roleOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const role = raw.trim();
  if (!role) throw validationFailed('role cannot be blank');
  // auth.users.role is a varchar(255).
  if ([...role].length > 255) throw validationFailed('role can be at most 255 characters long');
  return role;
}

/**
 * The body of `POST /admin/users` and `PUT /admin/users/{id}` (Supabase Auth's `AdminUserParams`),
 * every field type-checked first (400 `bad_json`), as decoding it into Go's struct would. Empty
 * strings mean "not given", as Go's zero values do, except for the password.
 */
function adminUserParams(body: JsonObject) {
  const params = {
    id: optionalString(body, 'id') || undefined,
    aud: optionalString(body, 'aud') || undefined,
    rawRole: optionalString(body, 'role'),
    email: optionalString(body, 'email') || undefined,
    password: optionalString(body, 'password'),
    passwordHash: optionalString(body, 'password_hash') || undefined,
    emailConfirm: optionalBoolean(body, 'email_confirm') ?? false,
    phoneConfirm: optionalBoolean(body, 'phone_confirm') ?? false,
    userMetadata: optionalObject(body, 'user_metadata'),
    appMetadata: optionalObject(body, 'app_metadata'),
    rawBanDuration: optionalString(body, 'ban_duration'),
  };
  // Phone sign-in is off here, so a phone number could never be used to sign in.
  refusePhone(body, 'Phone users are not available: the phone provider is disabled');
  if (params.phoneConfirm) throw new AuthError(400, 'phone_provider_disabled', 'Phones cannot be confirmed: the phone provider is disabled');
  return { ...params, role: roleOf(params.rawRole), banSeconds: banSeconds(params.rawBanDuration) };
}

interface AdminChanges {
  role?: string;
  emailConfirm: boolean;
  passwordHash?: string;
  email?: string;
  appMetadata?: JsonObject;
  userMetadata?: JsonObject;
  banSeconds?: number;
}

/**
 * Applies an admin's changes in Supabase Auth's order, inside the caller's transaction: metadata
 * that ends up over its limit throws, and so undoes every other change too.
 */
async function applyChanges(tx: pg.PoolClient, userId: string, changes: AdminChanges): Promise<void> {
  if (changes.role !== undefined) await setRole(tx, userId, changes.role);
  if (changes.emailConfirm) await confirmEmail(tx, userId);
  if (changes.passwordHash !== undefined) {
    await updatePasswordHash(tx, userId, changes.passwordHash);
    // The user did not choose this password: Supabase Auth signs them out of every session.
    await endSessions(tx, userId, 'global', undefined);
  }
  if (changes.email !== undefined) {
    const identityData = { email_verified: changes.emailConfirm };
    const hadIdentity = await updateEmail(tx, userId, changes.email, identityData).catch(rethrowAsEmailExists);
    if (!hadIdentity) await insertEmailIdentity(tx, userId, changes.email, { emailVerified: changes.emailConfirm });
  }
  if (changes.appMetadata) checkAppMetadataSize(await updateAppMetadata(tx, userId, changes.appMetadata));
  if (changes.userMetadata) checkUserMetadataSize(await updateUserMetadata(tx, userId, changes.userMetadata));
  if (changes.banSeconds !== undefined) await setBan(tx, userId, changes.banSeconds);
}

/**
 * A created user's password hash: the bcrypt hash given, or the password given, or else a random
 * one nobody knows. As in Supabase Auth, an admin may set a password under the minimum length
 * (sign-in then reports it as weak): only bcrypt's 72-byte limit applies.
 */
async function createdPasswordHash({ password, passwordHash }: { password?: string; passwordHash?: string }): Promise<string> {
  if (password !== undefined && passwordHash !== undefined) throw validationFailed('Only a password or a password hash should be provided');
  if (passwordHash !== undefined) {
    // Supabase Auth also takes Argon2 and Firebase scrypt hashes, which sign-in here could not check.
    if (!isBcryptHash(passwordHash)) throw validationFailed('password_hash must be a bcrypt hash ($2a$, $2b$ or $2y$)');
    return passwordHash;
  }
  if (password) {
    checkPasswordLength(password);
    return hashPassword(password);
  }
  return hashPassword(randomBytes(48).toString('base64url'));
}

function customUserId(raw: string): string {
  const id = canonicalUuid(raw);
  if (!id) throw validationFailed('ID must conform to the uuid v4 format');
  if (/^[0-]+$/.test(id)) throw validationFailed('ID cannot be a nil uuid');
  return id;
}

function creationFailure(error: unknown): never {
  if (isUniqueViolation(error)) {
    // Supabase Auth answers a taken id with a 500; it is the caller's mistake, so it is a 422 here.
    throw violatedConstraint(error) === 'users_pkey' ? new AuthError(422, 'user_already_exists', 'A user with this ID already exists') : emailExists();
  }
  // Most often an app's trigger on auth.users failing.
  throw new AuthError(500, 'unexpected_failure', 'Database error creating new user', { cause: error });
}

/**
 * `POST /admin/users`: `auth.admin.createUser()`. The user is written as sign-up writes one (so the
 * app's triggers on auth.users run the same way), unconfirmed unless `email_confirm` says otherwise.
 */
export const createUser: Handler = async (ctx) => {
  await requireAdmin(ctx);
  const { pool } = ctx.service;
  const params = adminUserParams(await ctx.readBody());
  if (params.aud && params.aud !== AUDIENCE) throw validationFailed(`Users can only be created in the "${AUDIENCE}" audience here`);
  if (!params.email) throw validationFailed('Cannot create a user without either an email or phone');
  const email = normalizedEmail(params.email);
  const id = params.id === undefined ? undefined : customUserId(params.id);
  const metadata = params.userMetadata ?? {};
  // Measured as stored once confirmed, so that confirming later is never refused.
  checkUserMetadataSize({ ...metadata, ...CONFIRMED_EMAIL_METADATA });
  const passwordHash = await createdPasswordHash(params);
  if (await findUserByEmail(pool, email)) throw emailExists();

  const created = await inTransaction(pool, async (tx) => {
    const userId = await insertUser(tx, { id, email, passwordHash, metadata }).catch(creationFailure);
    await insertEmailIdentity(tx, userId, email).catch(databaseFailure('Error creating identity'));
    await applyChanges(tx, userId, { role: params.role, emailConfirm: params.emailConfirm, appMetadata: params.appMetadata, banSeconds: params.banSeconds });
    return (await findAnyUserById(tx, userId))!;
  });
  return { status: 200, body: await loadUserJson(pool, created) };
};

/** `GET /admin/users/{id}`: `auth.admin.getUserById()`; soft-deleted users too, with their `deleted_at`. */
export const getUserById: Handler = async (ctx) => {
  await requireAdmin(ctx);
  return { status: 200, body: await loadUserJson(ctx.service.pool, await targetUser(ctx)) };
};

/**
 * `PUT /admin/users/{id}`: `auth.admin.updateUserById()`. A new e-mail applies at once; metadata is
 * merged (a key set to null is removed); a new password must meet the minimum length and ends every
 * session; `ban_duration` "none" lifts a ban.
 */
export const updateUserById: Handler = async (ctx) => {
  await requireAdmin(ctx);
  const { service } = ctx;
  const { id } = await targetUser(ctx);
  const params = adminUserParams(await ctx.readBody());
  const email = params.email === undefined ? undefined : normalizedEmail(params.email);
  if (params.password !== undefined) checkPasswordStrength(params.password, service.settings.minimumPasswordLength);
  const passwordHash = params.password === undefined ? undefined : await hashPassword(params.password);

  const updated = await inTransaction(service.pool, async (tx) => {
    if (!(await lockUser(tx, id))) throw userNotFound();
    await applyChanges(tx, id, { ...params, email, passwordHash });
    return (await findAnyUserById(tx, id))!;
  });
  return { status: 200, body: await loadUserJson(service.pool, updated) };
};

/**
 * `DELETE /admin/users/{id}`: `auth.admin.deleteUser()`. A hard delete takes the user's rows with it
 * (the app's profile too); `should_soft_delete` keeps the row, anonymised (see softDeleteUser).
 */
export const deleteUser: Handler = async (ctx) => {
  await requireAdmin(ctx);
  const { pool } = ctx.service;
  const user = await targetUser(ctx);
  // supabase-js always sends `{should_soft_delete}`; other clients may send no body at all.
  const soft = optionalBoolean(await ctx.readBody({ allowEmpty: true }), 'should_soft_delete') ?? false;
  if (!soft) {
    await hardDeleteUser(pool, user.id).catch(databaseFailure('Database error deleting user'));
  } else if (!user.deleted_at) {
    await inTransaction(pool, async (tx) => {
      if (!(await softDeleteUser(tx, user.id))) throw userNotFound();
      await endSessions(tx, user.id, 'global', undefined);
    });
  }
  return { status: 200, body: {} };
};

const DEFAULT_PER_PAGE = 50n;
const MAX_UINT64 = 2n ** 64n - 1n;

/** `page` or `per_page` as Supabase Auth reads them (Go's strconv.ParseUint); absent or empty: the default. */
function pageParameter(query: URLSearchParams, name: string, fallback: bigint): bigint {
  const raw = query.get(name);
  if (!raw) return fallback;
  const refuse = (reason: string) => validationFailed(`Bad Pagination Parameters: strconv.ParseUint: parsing ${JSON.stringify(raw)}: ${reason}`);
  if (!/^\d+$/.test(raw)) throw refuse('invalid syntax');
  const value = BigInt(raw);
  if (value > MAX_UINT64) throw refuse('value out of range');
  return value;
}

/**
 * `X-Total-Count` and `Link` as Supabase Auth writes them: links to the next page (if any) and the
 * last one, the request's own path and query with `page` replaced, keys sorted. auth-js reads
 * `total`, `nextPage` and `lastPage` from them.
 */
function paginationHeaders({ path, query }: RequestContext, page: bigint, perPage: bigint, total: bigint): Record<string, string> {
  const lastPage = (total + perPage - 1n) / perPage;
  const linkTo = (target: bigint, rel: string) => {
    const linked = new URLSearchParams(query);
    linked.set('page', target.toString());
    linked.sort();
    return `<${path}?${linked.toString()}>; rel="${rel}"`;
  };
  const links = page < lastPage ? [linkTo(page + 1n, 'next'), linkTo(lastPage, 'last')] : [linkTo(lastPage, 'last')];
  return { 'X-Total-Count': total.toString(), Link: links.join(', ') };
}

/** `GET /admin/users?page=&per_page=`: `auth.admin.listUsers()`, newest first, 50 a page unless asked otherwise. */
export const listUsers: Handler = async (ctx) => {
  await requireAdmin(ctx);
  const { pool } = ctx.service;
  const page = pageParameter(ctx.query, 'page', 1n);
  const perPage = pageParameter(ctx.query, 'per_page', DEFAULT_PER_PAGE);
  // Supabase Auth divides by it and fails with a 500; it is a bad parameter like any other.
  if (perPage === 0n) throw validationFailed('Bad Pagination Parameters: per_page must be at least 1');

  const total = await countUsers(pool);
  // Page 0 is served as page 1, as Supabase Auth's paginator does (its links still count from 0).
  const offset = ((page > 1n ? page : 1n) - 1n) * perPage;
  // Past the end there is nothing to read, however large the numbers (the database takes 64-bit signed ones).
  const users = offset < total ? await findUsers(pool, perPage < total - offset ? perPage : total - offset, offset) : [];
  return {
    status: 200,
    headers: paginationHeaders(ctx, page, perPage, total),
    body: { users: users.map((user) => userJson(user, null)), aud: AUDIENCE },
  };
};
