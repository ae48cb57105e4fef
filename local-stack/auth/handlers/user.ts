import { authenticate } from '../authenticate.ts';
import type { Handler } from '../context.ts';
import { inTransaction } from '../db.ts';
import { AuthError, rethrowAsEmailExists } from '../errors.ts';
import { checkPasswordStrength, hashPassword, passwordMatches } from '../passwords.ts';
import { endSessions } from '../tokens.ts';
import { findUserById, loadUserJson, updateEmail, updatePasswordHash, updateUserMetadata } from '../users.ts';
import { checkUserMetadataSize, normalizedEmail, optionalObject, optionalString, refusePhone } from '../validation.ts';

/** `GET /user`: `getUser()`. */
export const getUser: Handler = async (ctx) => {
  const { user } = await authenticate(ctx);
  return { status: 200, body: await loadUserJson(ctx.service.pool, user) };
};

/**
 * `PUT /user`: `updateUser()`. `data` is merged into user_metadata; a new e-mail applies at once
 * (confirmations are off); a new password signs the user out of every other session, as Supabase
 * Auth does.
 */
export const updateUser: Handler = async (ctx) => {
  const { service } = ctx;
  const { user, sessionId } = await authenticate(ctx);
  const body = await ctx.readBody();
  if (optionalObject(body, 'app_metadata')) throw new AuthError(403, 'not_admin', 'Updating app_metadata requires admin privileges');
  refusePhone(body, 'Phone changes are not available: the phone provider is disabled');
  const rawEmail = optionalString(body, 'email');
  const email = rawEmail ? normalizedEmail(rawEmail) : undefined;
  const emailChanged = email !== undefined && email !== user.email;
  const password = optionalString(body, 'password');
  const metadata = optionalObject(body, 'data');

  if (password !== undefined) checkPasswordStrength(password, service.settings.minimumPasswordLength);
  if (password !== undefined && (await passwordMatches(password, user.encrypted_password))) {
    throw new AuthError(422, 'same_password', 'New password should be different from the old password.');
  }
  const passwordHash = password === undefined ? undefined : await hashPassword(password);

  const updated = await inTransaction(service.pool, async (tx) => {
    if (passwordHash) {
      await updatePasswordHash(tx, user.id, passwordHash);
      await endSessions(tx, user.id, 'others', sessionId);
    }
    // Thrown inside the transaction, so an update over the limit changes nothing at all.
    if (metadata) checkUserMetadataSize(await updateUserMetadata(tx, user.id, metadata));
    if (emailChanged) await updateEmail(tx, user.id, email).catch(rethrowAsEmailExists);
    return (await findUserById(tx, user.id))!;
  });
  return { status: 200, body: await loadUserJson(service.pool, updated) };
};
