import type { Handler } from '../context.ts';
import { inTransaction, isUniqueViolation } from '../db.ts';
import { AuthError, databaseFailure, userAlreadyExists, validationFailed } from '../errors.ts';
import { checkPasswordStrength, hashPassword } from '../passwords.ts';
import { sessionResponse, startSession } from '../tokens.ts';
import { confirmEmail, findUserById, findUserByEmail, insertEmailIdentity, insertUser, recordSignIn } from '../users.ts';
import { normalizedEmail, optionalObject, optionalString, refusePhone } from '../validation.ts';

/** `POST /signup`: with confirmations off (the local default) the new user is signed in at once. */
export const signUp: Handler = async ({ service, client, readBody }) => {
  service.signInLimiter.take(client.address);
  if (!service.settings.enableSignup) throw new AuthError(422, 'signup_disabled', 'Signups not allowed for this instance');

  const body = await readBody();
  const password = optionalString(body, 'password') ?? '';
  if (!password) throw validationFailed('Signup requires a valid password');
  checkPasswordStrength(password, service.settings.minimumPasswordLength);
  refusePhone(body, 'Phone signups are disabled');
  const email = normalizedEmail(optionalString(body, 'email'));
  const metadata = optionalObject(body, 'data') ?? {};

  if (await findUserByEmail(service.pool, email)) throw userAlreadyExists();
  // Hashing is slow on purpose: done before the transaction so it holds no connection meanwhile.
  const passwordHash = await hashPassword(password);

  const session = await inTransaction(service.pool, async (tx) => {
    const userId = await insertUser(tx, { email, passwordHash, metadata }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw userAlreadyExists();
      // Most often an app's trigger on auth.users failing; Supabase Auth reports it in these words.
      throw new AuthError(500, 'unexpected_failure', 'Database error saving new user', { cause: error });
    });
    await insertEmailIdentity(tx, userId, email, metadata).catch(databaseFailure('Error creating identity'));
    await confirmEmail(tx, userId).catch(databaseFailure('Database error updating user'));
    await recordSignIn(tx, userId);
    const user = (await findUserById(tx, userId))!;
    return sessionResponse(tx, service, user, await startSession(tx, userId, client));
  });
  return { status: 200, body: session };
};
