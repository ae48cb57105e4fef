import { isUniqueViolation } from './db.ts';

/** The Supabase Auth error codes this service answers with (auth-js `ErrorCode`), plus routing misses. */
export type AuthErrorCode =
  | 'bad_json'
  | 'bad_jwt'
  | 'email_exists'
  | 'email_not_confirmed'
  | 'invalid_credentials'
  | 'method_not_allowed'
  | 'no_authorization'
  | 'not_admin'
  | 'not_found'
  | 'over_request_rate_limit'
  | 'phone_provider_disabled'
  | 'refresh_token_already_used'
  | 'refresh_token_not_found'
  | 'same_password'
  | 'session_not_found'
  | 'signup_disabled'
  | 'unexpected_failure'
  | 'user_already_exists'
  | 'user_banned'
  | 'user_not_found'
  | 'validation_failed'
  | 'weak_password';

/**
 * A failure answered the way Supabase Auth answers it. `cause` is for the server log only; `extra`
 * joins the response body (e.g. `weak_password.reasons`).
 */
export class AuthError extends Error {
  override name = 'AuthError';
  readonly extra: Record<string, unknown>;

  constructor(
    readonly status: number,
    readonly code: AuthErrorCode,
    message: string,
    options: { cause?: unknown; extra?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.extra = options.extra ?? {};
  }
}

export const validationFailed = (message: string) => new AuthError(400, 'validation_failed', message);

/** A body Supabase Auth could not decode into its parameters: not JSON, not an object, a field of the wrong type. */
export const badJson = (reason: string) => new AuthError(400, 'bad_json', `Could not parse request body as JSON: ${reason}`);

export const invalidCredentials = () => new AuthError(400, 'invalid_credentials', 'Invalid login credentials');

export const userAlreadyExists = () => new AuthError(422, 'user_already_exists', 'User already registered');

/** Another user has the e-mail already: the admin API's and `PUT /user`'s answer (sign-up says userAlreadyExists). */
export const emailExists = () => new AuthError(422, 'email_exists', 'A user with this email address has already been registered');

/** For a failed change of e-mail: another user holding the address (a unique violation) is answered 422, anything else rethrown. */
export function rethrowAsEmailExists(error: unknown): never {
  if (isUniqueViolation(error)) throw emailExists();
  throw error;
}

/** A 500 whose message says which step failed, as Supabase Auth's do ("Database error saving new user"). */
export const databaseFailure = (message: string) => (cause: unknown) => {
  throw new AuthError(500, 'unexpected_failure', message, { cause });
};
