import type { Handler, RequestContext, Reply } from '../context.ts';
import { inTransaction } from '../db.ts';
import { AuthError, invalidCredentials, validationFailed } from '../errors.ts';
import { checkPasswordLength, passwordMatches, passwordWeakness } from '../passwords.ts';
import { activeRefreshToken, endSessions, lockRefreshToken, markSessionRefreshed, rotateRefreshToken, sessionResponse, startSession } from '../tokens.ts';
import { findUserById, findUserByEmail, recordSignIn } from '../users.ts';
import { optionalString, refusePhone } from '../validation.ts';

/**
 * `grant_type=password`: `signInWithPassword`. Unknown e-mail and wrong password take the same time
 * and get the same answer. A password under the current minimum still signs in, and the answer says
 * it is weak (auth-js: `data.weakPassword`), as Supabase Auth does.
 */
async function passwordGrant({ service, client, readBody }: RequestContext): Promise<Reply> {
  service.signInLimiter.take(client.address);
  const body = await readBody();
  refusePhone(body, 'Phone logins are disabled');
  const email = optionalString(body, 'email')?.trim().toLowerCase();
  if (!email) throw validationFailed('missing email or phone');
  const password = optionalString(body, 'password') ?? '';
  // Stricter than Supabase Auth, which only logs it: bcrypt would compare the first 72 bytes alone.
  checkPasswordLength(password);

  const user = await findUserByEmail(service.pool, email);
  const matches = await passwordMatches(password, user?.encrypted_password ?? null);
  if (!user || !matches) throw invalidCredentials();
  if (user.is_banned) throw new AuthError(400, 'user_banned', 'User is banned');
  if (!user.email_confirmed_at) throw new AuthError(400, 'email_not_confirmed', 'Email not confirmed');

  const session = await inTransaction(service.pool, async (tx) => {
    await recordSignIn(tx, user.id);
    const signedIn = (await findUserById(tx, user.id))!;
    return sessionResponse(tx, service, signedIn, await startSession(tx, user.id, client));
  });
  const weakness = passwordWeakness(password, service.settings.minimumPasswordLength);
  return { status: 200, body: weakness ? { ...session, weak_password: weakness } : session };
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

const GRANTS: Partial<Record<string, Handler>> = { password: passwordGrant, refresh_token: refreshTokenGrant };

/** `POST /token?grant_type=…` */
export const token: Handler = async (ctx) => {
  const grantType = ctx.query.get('grant_type');
  const grant = grantType === null ? undefined : GRANTS[grantType];
  if (!grant) throw validationFailed(`unsupported_grant_type: ${grantType ?? '(none)'}`);
  // As in Supabase Auth, `token_refresh` counts every grant, sign-ins included.
  ctx.service.tokenLimiter.take(ctx.client.address);
  return grant(ctx);
};
