import { randomInt, randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { AuthSettings } from '../config.ts';
import { signJwt, verifyJwt, type JwtClaims } from '../jwt.ts';
import { AuthError } from './errors.ts';
import { findUserById, userJson, type UserRow } from './users.ts';

export interface TokenIssuer {
  jwtSecret: string;
  issuer: string;
  settings: AuthSettings;
}

interface RefreshTokenRow {
  id: string;
  token: string;
  user_id: string;
  revoked: boolean;
  updated_at: Date;
  session_id: string;
}

const TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newRefreshToken(): string {
  return Array.from({ length: 12 }, () => TOKEN_ALPHABET[randomInt(TOKEN_ALPHABET.length)]).join('');
}

export function assertMaySignIn(user: UserRow | undefined): asserts user is UserRow {
  if (!user || user.deleted_at) throw new AuthError(400, 'invalid_credentials', 'Invalid login credentials');
  if (user.banned_until && user.banned_until > new Date()) throw new AuthError(400, 'user_banned', 'User is banned');
}

async function insertRefreshToken(db: pg.PoolClient, userId: string, sessionId: string, parent: string | null): Promise<string> {
  const token = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
    [token, userId, parent, sessionId],
  );
  return token;
}

async function sessionJson(db: pg.PoolClient, issuer: TokenIssuer, user: UserRow, sessionId: string, refreshToken: string) {
  const userBody = await userJson(db, user);
  const iat = Math.floor(Date.now() / 1000);
  const exp = iat + issuer.settings.jwtExpirySeconds;
  const claims: JwtClaims = {
    iss: issuer.issuer,
    sub: user.id,
    aud: user.aud,
    exp,
    iat,
    email: user.email ?? '',
    phone: user.phone ?? '',
    app_metadata: userBody.app_metadata,
    user_metadata: userBody.user_metadata,
    role: user.role,
    aal: 'aal1',
    amr: [{ method: 'password', timestamp: iat }],
    session_id: sessionId,
    is_anonymous: user.is_anonymous,
  };
  return {
    access_token: signJwt(claims, issuer.jwtSecret),
    token_type: 'bearer',
    expires_in: issuer.settings.jwtExpirySeconds,
    expires_at: exp,
    refresh_token: refreshToken,
    user: userBody,
  };
}

/** A new session for a user who just proved who they are. */
export async function startSession(db: pg.PoolClient, issuer: TokenIssuer, user: UserRow, userAgent: string | undefined) {
  const sessionId = randomUUID();
  await db.query(
    "insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent) values ($1, $2, now(), now(), 'aal1', $3)",
    [sessionId, user.id, userAgent ?? null],
  );
  return sessionJson(db, issuer, user, sessionId, await insertRefreshToken(db, user.id, sessionId, null));
}

/**
 * Refresh-token rotation as Supabase Auth does it: each use revokes the token and hands out a
 * child. A revoked token used again within the reuse window gets the current child (two tabs
 * refreshing at once); later it means the token leaked, and the whole session is ended.
 */
export async function refreshSession(db: pg.PoolClient, issuer: TokenIssuer, token: string) {
  const { rows } = await db.query<RefreshTokenRow>(
    'select id, token, user_id, revoked, updated_at, session_id from auth.refresh_tokens where token = $1 for update',
    [token],
  );
  const current = rows[0];
  if (!current) throw new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');

  const user = await findUserById(db, current.user_id);
  assertMaySignIn(user);

  let nextToken: string;
  if (current.revoked) {
    const withinReuseWindow = Date.now() - current.updated_at.getTime() <= issuer.settings.refreshTokenReuseSeconds * 1000;
    const { rows: children } = await db.query<{ token: string }>(
      'select token from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1',
      [current.session_id],
    );
    if (!withinReuseWindow || !children[0]) {
      await db.query('delete from auth.sessions where id = $1', [current.session_id]);
      // Returned, not thrown: the session's end must be committed before the caller reports it.
      return new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
    }
    nextToken = children[0].token;
  } else {
    await db.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [current.id]);
    nextToken = await insertRefreshToken(db, current.user_id, current.session_id, current.token);
  }
  await db.query('update auth.sessions set refreshed_at = now(), updated_at = now() where id = $1', [current.session_id]);
  return sessionJson(db, issuer, user, current.session_id, nextToken);
}

export interface Caller {
  user: UserRow;
  sessionId: string;
}

/** The signed-in caller of `/user` and `/logout`, from the bearer token and a live session. */
export async function authenticate(db: pg.Pool, issuer: TokenIssuer, authorization: string | undefined): Promise<Caller> {
  const token = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');
  const verified = verifyJwt(token, issuer.jwtSecret);
  if (!verified.ok) {
    const message = verified.reason === 'expired' ? 'invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired' : 'invalid JWT: unable to parse or verify signature';
    throw new AuthError(403, 'bad_jwt', message);
  }
  const { sub, session_id: sessionId } = verified.claims;
  if (typeof sub !== 'string' || typeof sessionId !== 'string') throw new AuthError(403, 'bad_jwt', 'invalid claim: missing sub claim');
  const { rows } = await db.query('select 1 from auth.sessions where id = $1 and user_id = $2', [sessionId, sub]);
  if (rows.length === 0) throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  const user = await findUserById(db, sub);
  if (!user || user.deleted_at) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');
  return { user, sessionId };
}
