import { verifyJwt, type JwtClaims } from '../jwt.ts';
import type { RequestContext, ServiceContext } from './context.ts';
import { AuthError } from './errors.ts';
import { findSession } from './tokens.ts';
import { findUserById, type UserRecord } from './users.ts';

export interface Caller {
  user: UserRecord;
  /** Absent for tokens minted without a session (e.g. by hand for tests). */
  sessionId: string | undefined;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** The roles Supabase Auth's admin API serves (`GOTRUE_JWT_ADMIN_ROLES`): the service_role key's, and the platform's own. */
const ADMIN_ROLES: readonly unknown[] = ['service_role', 'supabase_admin'];

const VERIFY_FAILURES = {
  malformed: 'token is malformed',
  bad_signature: 'token signature is invalid',
  expired: 'token has invalid claims: token is expired',
} as const;

const badJwt = (message: string) => new AuthError(403, 'bad_jwt', message);

/** The claims of the request's bearer token, once its signature and expiry check out. */
function bearerClaims({ req, service }: RequestContext): JwtClaims {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a valid Bearer token');
  const verified = verifyJwt(token, service.jwtSecret);
  if (!verified.ok) throw badJwt(`invalid JWT: unable to parse or verify signature, ${VERIFY_FAILURES[verified.reason]}`);
  return verified.claims;
}

function namesSession(sessionId: unknown): sessionId is string {
  return typeof sessionId === 'string' && sessionId !== '' && sessionId !== NIL_UUID;
}

/** The user the claims name, and their session if they name one, which must still exist. */
async function callerOf(service: ServiceContext, { sub, session_id: sessionId }: JwtClaims): Promise<Caller> {
  // The anon and service_role keys are valid JWTs too, but name no user.
  if (typeof sub !== 'string' || sub === '') throw badJwt('invalid claim: missing sub claim');
  if (!UUID.test(sub)) throw new AuthError(400, 'bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(service.pool, sub);
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');

  if (!namesSession(sessionId)) return { user, sessionId: undefined };
  if (!UUID.test(sessionId)) throw badJwt('invalid claim: session_id claim must be a UUID');
  // After sign-out the token is still well signed, but its session is gone.
  if (!(await findSession(service.pool, sessionId))) {
    throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, sessionId };
}

/** The signed-in user behind the bearer token of `/user` and `/logout`, checked as Supabase Auth checks it. */
export async function authenticate(ctx: RequestContext): Promise<Caller> {
  const caller = await callerOf(ctx.service, bearerClaims(ctx));
  // Tokens issued before a ban stay well signed until they expire; they still serve nothing.
  if (caller.user.is_banned) throw new AuthError(403, 'user_banned', 'User is banned');
  return caller;
}

/**
 * Lets only an admin through (`requireAdminCredentials` in Supabase Auth): a token whose role is an
 * admin role, such as the service_role key (the gateway sends its JWT for an `sb_secret_` key). A
 * token of a user's session must still name a live session, whatever role it claims.
 */
export async function requireAdmin(ctx: RequestContext): Promise<void> {
  const claims = bearerClaims(ctx);
  if (namesSession(claims.session_id)) await callerOf(ctx.service, claims);
  if (!ADMIN_ROLES.includes(claims.role)) throw new AuthError(403, 'not_admin', 'User not allowed');
}
