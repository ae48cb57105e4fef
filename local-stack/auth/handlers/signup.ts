import type { Handler } from '../context.ts';
import { inTransaction, isUniqueViolation } from '../db.ts';
import { AuthError, databaseFailure, userAlreadyExists, validationFailed } from '../errors.ts';
import { checkPasswordStrength, hashPassword } from '../passwords.ts';
import { sessionResponse, startSession } from '../tokens.ts';
import { CONFIRMED_EMAIL_METADATA, confirmEmail, findUserById, findUserByEmail, insertEmailIdentity, insertUser, recordSignIn } from '../users.ts';
import { checkUserMetadataSize, normalizedEmail, optionalObject, optionalString, refusePhone } from '../validation.ts';

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
  // Measured as stored once confirmed, so that an update changing nothing is never refused later.
  checkUserMetadataSize({ ...metadata, ...CONFIRMED_EMAIL_METADATA });

  // Hashed before the duplicate check, so a registered e-mail takes as long to answer as a new one;
  // and before the transaction, so the slow hashing holds no connection.
  const passwordHash = await hashPassword(password);
  // With confirmations off Supabase Auth says so outright (422); with them on it would answer as if signed up.
  if (await findUserByEmail(service.pool, email)) throw userAlreadyExists();

  const session = await inTransaction(service.pool, async (tx) => {
    const userId = await insertUser(tx, { email, passwordHash, metadata }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw userAlreadyExists();
      // Most often an app's trigger on auth.users failing; Supabase Auth reports it in these words.
      throw new AuthError(500, 'unexpected_failure', 'Database error saving new user', { cause: error });
    });
    await insertEmailIdentity(tx, userId, email, { metadata }).catch(databaseFailure('Error creating identity'));
    await confirmEmail(tx, userId).catch(databaseFailure('Database error updating user'));
    await recordSignIn(tx, userId);
    const user = (await findUserById(tx, userId))!;
    return sessionResponse(tx, service, user, await startSession(tx, userId, client));
  });
  return { status: 200, body: session };
};
