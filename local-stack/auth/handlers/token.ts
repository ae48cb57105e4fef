import type { Handler, RequestContext, Reply } from '../context.ts';
import { inTransaction } from '../db.ts';
import { AuthError, invalidCredentials, validationFailed } from '../errors.ts';
import { passwordMatches } from '../passwords.ts';
import { activeRefreshToken, endSessions, lockRefreshToken, markSessionRefreshed, rotateRefreshToken, sessionResponse, startSession } from '../tokens.ts';
import { findUserById, findUserByEmail, recordSignIn } from '../users.ts';
import { optionalString, refusePhone } from '../validation.ts';

/** `grant_type=password`: `signInWithPassword`. */
async function passwordGrant({ service, client, readBody }: RequestContext): Promise<Reply> {
  service.signInLimiter.take(client.address);
  const body = await readBody();
  refusePhone(body, 'Phone logins are disabled');
  const email = optionalString(body, 'email')?.trim().toLowerCase();
  if (!email) throw validationFailed('missing email or phone');

  const user = await findUserByEmail(service.pool, email);
  if (!user || !(await passwordMatches(optionalString(body, 'password') ?? '', user.encrypted_password))) throw invalidCredentials();
  if (user.is_banned) throw new AuthError(400, 'user_banned', 'User is banned');
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');

  const session = await inTransaction(service.pool, async (tx) => {
    await recordSignIn(tx, user.id);
    const signedIn = (await findUserById(tx, user.id))!;
    return sessionResponse(tx, service, signedIn, await startSession(tx, user.id, client));
  });
  return { status: 200, body: session };
}

const refreshTokenNotFound = () => new AuthError(400, 'refresh_token_not_found', 'Invalid Refresh Token: Refresh Token Not Found');

/**
 * `grant_type=refresh_token`, with rotation as Supabase Auth does it: each use revokes the token and
 * issues a child. A revoked token used again within the reuse interval gets the session's current
 * token (a client that lost the answer, two tabs refreshing at once); after it, the reuse means the
 * token leaked, so the whole session ends.
 */
async function refreshTokenGrant({ service, readBody }: RequestContext): Promise<Reply> {
  const refreshToken = optionalString(await readBody(), 'refresh_token');
  if (!refreshToken) throw validationFailed('refresh_token required');

  const session = await inTransaction(service.pool, async (tx) => {
    const current = await lockRefreshToken(tx, refreshToken, service.settings.refreshTokenReuseSeconds);
    if (!current) throw refreshTokenNotFound();
    const user = await findUserById(tx, current.user_id);
    if (!user) throw refreshTokenNotFound();
    if (user.is_banned) throw new AuthError(400, 'user_banned', 'Invalid Refresh Token: User Banned');

    let next: string | undefined;
    if (!current.revoked) next = await rotateRefreshToken(tx, current);
    else if (current.reusable) next = await activeRefreshToken(tx, current.session_id);
    if (!next) {
      await endSessions(tx, user.id, 'local', current.session_id);
      return undefined;
    }
    const refreshed = await markSessionRefreshed(tx, current.session_id);
    return sessionResponse(tx, service, user, { session: refreshed, refreshToken: next });
  });
  // Thrown only after the commit: ending the session must stick.
  if (!session) throw new AuthError(400, 'refresh_token_already_used', 'Invalid Refresh Token: Already Used');
  return { status: 200, body: session };
}

/** `POST /token?grant_type=…` */
export const token: Handler = (ctx) => {
  const grantType = ctx.query.get('grant_type');
  if (grantType === 'password') return passwordGrant(ctx);
  if (grantType === 'refresh_token') return refreshTokenGrant(ctx);
  return Promise.reject(validationFailed(`unsupported_grant_type: ${grantType ?? '(none)'}`));
};
