/**
 * Who may use a channel, as Supabase Realtime decides it: the access token's checks and messages
 * (supabase/realtime lib/realtime_web/channels/auth/{channels_authorization,jwt_verification}.ex) and
 * private channels judged by the RLS policies of realtime.messages (lib/realtime/tenants/authorization.ex).
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { verifyJwt, type JwtClaims } from '../jwt.ts';

export type TokenCheck =
  | { ok: true; claims: JwtClaims; exp: number }
  | {
      ok: false;
      /** Realtime's error code and message, joined as its join error reason: `InvalidJWTToken: Token has expired 3 seconds ago`. */
      code: string;
      message: string;
      /** What Realtime says in the `system` message when a token refreshed on a joined channel fails. */
      shutdownMessage: string;
      /** The handshake's 401 body (`{error}`) when the socket's own API key fails. */
      connectError: string;
    };

const HS_ALGORITHMS = new Set(['HS256']);

function failure(code: string, message: string, shutdownMessage: string, connectError: string): TokenCheck {
  return { ok: false, code, message, shutdownMessage, connectError };
}

const MALFORMED = failure(
  'MalformedJWT',
  'The token provided is not a valid JWT',
  'The token provided is not a valid JWT',
  'The token provided is not a valid JWT',
);
const MISSING_CLAIMS_MESSAGE = 'Fields `role` and `exp` are required in JWT';
const MISSING_CLAIMS = failure('InvalidJWTToken', MISSING_CLAIMS_MESSAGE, MISSING_CLAIMS_MESSAGE, MISSING_CLAIMS_MESSAGE);

function headerAlgorithm(token: string): string | undefined {
  try {
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as unknown;
    return typeof header === 'object' && header !== null ? String((header as { alg?: unknown }).alg) : undefined;
  } catch {
    return undefined;
  }
}

/** Realtime's checks of an access token: well-formed, signed with the project's secret, not expired, `role` and `exp` present. */
export function checkAccessToken(token: string, jwtSecret: string, nowSeconds = Date.now() / 1000): TokenCheck {
  const cleaned = token.replace(/\s/g, '');
  if (cleaned.split('.').length !== 3) return MALFORMED;
  const algorithm = headerAlgorithm(cleaned);
  if (algorithm === undefined) return MALFORMED;
  if (!HS_ALGORITHMS.has(algorithm)) {
    const message = 'Failed to generate JWT signer, check your JWT secret or JWKS configuration';
    return failure('JwtSignerError', message, message, message);
  }
  // Expiry is judged below, with Realtime's own rule and message.
  const verified = verifyJwt(cleaned, jwtSecret, -Infinity);
  if (!verified.ok) {
    if (verified.reason === 'bad_signature')
      return failure('JwtSignatureError', 'Failed to validate JWT signature', ':signature_error', 'Failed to validate JWT signature');
    return MALFORMED;
  }
  const claims = verified.claims;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return MALFORMED;
  const now = Math.floor(nowSeconds);
  if (typeof claims.exp === 'number' && !(claims.exp > now)) {
    const message = `Token has expired ${now - Math.round(claims.exp)} seconds ago`;
    return failure('InvalidJWTToken', message, message, 'Token has expired');
  }
  if (claims.iat !== undefined && typeof claims.iat !== 'number') return MALFORMED;
  if (!('role' in claims) || typeof claims.exp !== 'number') return MISSING_CLAIMS;
  return { ok: true, claims, exp: Math.round(claims.exp) };
}

export type Extension = 'broadcast' | 'presence';

export type AccessResult =
  { ok: true; allowed: Partial<Record<Extension, boolean>> } | { ok: false; reason: 'policy_error' | 'database_unavailable'; detail: string };

/** What Realtime's policies see: `set_config` of the role, the topic, the claims, as `set_conn_config` does. */
const SET_CONTEXT = `select set_config('role', $1, true), set_config('realtime.topic', $2, true),
  set_config('request.jwt.claims', $3, true), set_config('request.jwt.claim.sub', $4, true),
  set_config('request.jwt.claim.role', $5, true), set_config('request.headers', $6, true)`;

function contextValues(topic: string, claims: JwtClaims): string[] {
  const role = typeof claims.role === 'string' ? claims.role : '';
  return [role, topic, JSON.stringify(claims), typeof claims.sub === 'string' ? claims.sub : '', role, '{}'];
}

function failed(error: unknown): AccessResult {
  const detail = error instanceof Error ? error.message : String(error);
  // An error with a SQLSTATE came from a policy or a role that does not exist; anything else is the connection.
  const fromServer = typeof (error as { code?: unknown }).code === 'string' && /^[0-9A-Z]{5}$/.test((error as { code: string }).code);
  return { ok: false, reason: fromServer ? 'policy_error' : 'database_unavailable', detail };
}

/** Runs `check` in a transaction of its own that is always rolled back, whatever it wrote. */
async function inRolledBackTransaction(pool: pg.Pool, check: (client: pg.PoolClient) => Promise<AccessResult>): Promise<AccessResult> {
  let client: pg.PoolClient | undefined;
  try {
    client = await pool.connect();
  } catch (error) {
    return { ok: false, reason: 'database_unavailable', detail: (error as Error).message };
  }
  try {
    await client.query('begin');
    return await check(client);
  } catch (error) {
    return failed(error);
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}

/**
 * Read access, as Realtime checks it: probe rows for the topic are inserted by the owner (no RLS),
 * then read back as the token's role; what comes back is what the role may read.
 */
export function checkReadAccess(pool: pg.Pool, topic: string, claims: JwtClaims, extensions: readonly Extension[]): Promise<AccessResult> {
  return inRolledBackTransaction(pool, async (client) => {
    const probes = new Map(extensions.map((extension) => [randomUUID(), extension] as const));
    await client.query('insert into realtime.messages (id, topic, extension) select unnest($1::uuid[]), $2, unnest($3::text[])', [
      [...probes.keys()],
      topic,
      [...probes.values()],
    ]);
    await client.query(SET_CONTEXT, contextValues(topic, claims));
    const { rows } = await client.query<{ id: string }>('select id from realtime.messages where id = any($1::uuid[])', [[...probes.keys()]]);
    const seen = new Set(rows.map((row) => row.id));
    return { ok: true, allowed: Object.fromEntries([...probes].map(([id, extension]) => [extension, seen.has(id)])) };
  });
}

/** Write access: the token's role inserts a row for the topic (in a savepoint); an RLS refusal means no. */
export function checkWriteAccess(pool: pg.Pool, topic: string, claims: JwtClaims, extensions: readonly Extension[]): Promise<AccessResult> {
  return inRolledBackTransaction(pool, async (client) => {
    await client.query(SET_CONTEXT, contextValues(topic, claims));
    const allowed: Partial<Record<Extension, boolean>> = {};
    for (const extension of extensions) {
      await client.query('savepoint write_check');
      try {
        await client.query('insert into realtime.messages (topic, extension) values ($1, $2)', [topic, extension]);
        allowed[extension] = true;
      } catch (error) {
        if ((error as { code?: string }).code !== '42501') throw error;
        await client.query('rollback to savepoint write_check');
        allowed[extension] = false;
      }
    }
    return { ok: true, allowed };
  });
}
