import { verifyJwt } from '../jwt.ts';
import type { RequestContext } from './context.ts';
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

const VERIFY_FAILURES = {
  malformed: 'token is malformed',
  bad_signature: 'token signature is invalid',
  expired: 'token has invalid claims: token is expired',
} as const;

const badJwt = (message: string) => new AuthError(403, 'bad_jwt', message);

/** The signed-in user behind the bearer token of `/user` and `/logout`, checked as Supabase Auth checks it. */
export async function authenticate({ req, service }: RequestContext): Promise<Caller> {
  const token = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) throw new AuthError(401, 'no_authorization', 'This endpoint requires a Bearer token');

  const verified = verifyJwt(token, service.jwtSecret);
  if (!verified.ok) throw badJwt(`invalid JWT: unable to parse or verify signature, ${VERIFY_FAILURES[verified.reason]}`);
  const { sub, session_id: sessionId } = verified.claims;

  // The anon and service_role keys are valid JWTs too, but name no user.
  if (typeof sub !== 'string' || sub === '') throw badJwt('invalid claim: missing sub claim');
  if (!UUID.test(sub)) throw new AuthError(400, 'bad_jwt', 'invalid claim: sub claim must be a UUID');
  const user = await findUserById(service.pool, sub);
  if (!user) throw new AuthError(403, 'user_not_found', 'User from sub claim in JWT does not exist');

  if (typeof sessionId !== 'string' || sessionId === '' || sessionId === NIL_UUID) return { user, sessionId: undefined };
  if (!UUID.test(sessionId)) throw badJwt('invalid claim: session_id claim must be a UUID');
  // After sign-out the token is still well signed, but its session is gone.
  if (!(await findSession(service.pool, sessionId))) {
    throw new AuthError(403, 'session_not_found', 'Session from session_id claim in JWT does not exist');
  }
  return { user, sessionId };
}
