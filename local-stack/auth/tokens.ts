import { randomInt, randomUUID } from 'node:crypto';
import net from 'node:net';
import type { AuthSettings } from '../config.ts';
import { signJwt } from '../jwt.ts';
import type { Queryable } from './db.ts';
import { loadUserJson, type UserRecord } from './users.ts';

export interface TokenConfig {
  jwtSecret: string;
  issuer: string;
  settings: AuthSettings;
}

export interface SessionRecord {
  id: string;
  user_id: string;
  created_at: Date;
  aal: string | null;
}

/** A session together with the refresh token the client gets for it. */
export interface IssuedSession {
  session: SessionRecord;
  refreshToken: string;
}

export interface ClientInfo {
  /** First `x-forwarded-for` hop, else the socket's peer: what rate limits count by. */
  address: string;
  userAgent: string | null;
}

export type LogoutScope = 'global' | 'local' | 'others';

const SESSION_COLUMNS = 'id, user_id, created_at, aal';
const REFRESH_TOKEN_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newRefreshToken(): string {
  return Array.from({ length: 12 }, () => REFRESH_TOKEN_ALPHABET[randomInt(REFRESH_TOKEN_ALPHABET.length)]).join('');
}

async function insertRefreshToken(db: Queryable, session: Pick<SessionRecord, 'id' | 'user_id'>, parent: string | null): Promise<string> {
  const token = newRefreshToken();
  await db.query(
    `insert into auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
     values ('00000000-0000-0000-0000-000000000000', $1, $2, false, now(), now(), $3, $4)`,
    [token, session.user_id, parent, session.id],
  );
  return token;
}

export async function startSession(db: Queryable, userId: string, client: ClientInfo): Promise<IssuedSession> {
  const { rows } = await db.query<SessionRecord>(
    `insert into auth.sessions (id, user_id, created_at, updated_at, aal, user_agent, ip)
     values ($1, $2, now(), now(), 'aal1', $3, $4)
     returning ${SESSION_COLUMNS}`,
    // The address comes from a header, so only a well-formed one reaches the inet column.
    [randomUUID(), userId, client.userAgent, net.isIP(client.address) ? client.address : null],
  );
  const session = rows[0]!;
  return { session, refreshToken: await insertRefreshToken(db, session, null) };
}

export async function findSession(db: Queryable, id: string): Promise<SessionRecord | undefined> {
  const { rows } = await db.query<SessionRecord>(`select ${SESSION_COLUMNS} from auth.sessions where id = $1`, [id]);
  return rows[0];
}

export interface RefreshTokenRecord {
  id: string;
  token: string;
  revoked: boolean;
  session_id: string;
  user_id: string;
  /** Revoked less than `refreshTokenReuseSeconds` ago (by the database clock). */
  reusable: boolean;
}

/** Finds the token and locks it, so two concurrent refreshes with it are served one after the other. */
export async function lockRefreshToken(db: Queryable, token: string, reuseSeconds: number): Promise<RefreshTokenRecord | undefined> {
  const { rows } = await db.query<RefreshTokenRecord>(
    `select rt.id, rt.token, rt.revoked, rt.session_id, s.user_id,
       rt.updated_at + $2::float8 * interval '1 second' > now() as reusable
     from auth.refresh_tokens rt join auth.sessions s on s.id = rt.session_id
     where rt.token = $1
     for update of rt`,
    [token, reuseSeconds],
  );
  return rows[0];
}

/** Revokes the token and issues its child in the same session. */
export async function rotateRefreshToken(db: Queryable, current: RefreshTokenRecord): Promise<string> {
  await db.query('update auth.refresh_tokens set revoked = true, updated_at = now() where id = $1', [current.id]);
  return insertRefreshToken(db, { id: current.session_id, user_id: current.user_id }, current.token);
}

export async function activeRefreshToken(db: Queryable, sessionId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ token: string }>('select token from auth.refresh_tokens where session_id = $1 and not revoked order by id desc limit 1', [
    sessionId,
  ]);
  return rows[0]?.token;
}

export async function markSessionRefreshed(db: Queryable, sessionId: string): Promise<SessionRecord> {
  const { rows } = await db.query<SessionRecord>(
    // refreshed_at is a timestamp without time zone that Supabase Auth fills in UTC.
    `update auth.sessions set refreshed_at = now() at time zone 'utc', updated_at = now() where id = $1
     returning ${SESSION_COLUMNS}`,
    [sessionId],
  );
  return rows[0]!;
}

/** Deleting a session deletes its refresh tokens too (foreign key cascade). */
export async function endSessions(db: Queryable, userId: string, scope: LogoutScope, currentSessionId: string | undefined): Promise<void> {
  if (scope === 'local' && currentSessionId) {
    await db.query('delete from auth.sessions where id = $1', [currentSessionId]);
  } else if (scope === 'others' && currentSessionId) {
    await db.query('delete from auth.sessions where user_id = $1 and id <> $2', [userId, currentSessionId]);
  } else {
    await db.query('delete from auth.sessions where user_id = $1', [userId]);
  }
}

function accessToken(config: TokenConfig, user: UserRecord, session: SessionRecord, issuedAt: number): string {
  // Claim order and values as Supabase Auth signs them (see shared/design/SUPABASE-COMPAT.md).
  return signJwt(
    {
      iss: config.issuer,
      sub: user.id,
      aud: user.aud || 'authenticated',
      exp: issuedAt + config.settings.jwtExpirySeconds,
      iat: issuedAt,
      email: user.email ?? '',
      phone: user.phone ?? '',
      app_metadata: user.raw_app_meta_data ?? {},
      user_metadata: user.raw_user_meta_data ?? {},
      role: user.role || 'authenticated',
      aal: session.aal ?? 'aal1',
      amr: [{ method: 'password', timestamp: Math.floor(session.created_at.getTime() / 1000) }],
      session_id: session.id,
      is_anonymous: user.is_anonymous,
    },
    config.jwtSecret,
  );
}

/** The body of a successful sign-up, sign-in or refresh. */
export async function sessionResponse(db: Queryable, config: TokenConfig, user: UserRecord, issued: IssuedSession) {
  const issuedAt = Math.floor(Date.now() / 1000);
  return {
    access_token: accessToken(config, user, issued.session, issuedAt),
    token_type: 'bearer',
    expires_in: config.settings.jwtExpirySeconds,
    expires_at: issuedAt + config.settings.jwtExpirySeconds,
    refresh_token: issued.refreshToken,
    user: await loadUserJson(db, user),
  };
}
