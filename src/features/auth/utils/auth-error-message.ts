import { ApiError } from '@/lib/api-error';

interface ErrorLike {
  message?: unknown;
  status?: unknown;
  code?: unknown;
  name?: unknown;
}

/** What to tell a person when signing in, signing up or saving fails: what happened and what to do. */
export function authErrorMessage(error: unknown): string {
  // The app's own API calls already say it in words.
  if (error instanceof ApiError) return error.message;
  const { message, status, code, name } = (typeof error === 'object' && error !== null ? error : {}) as ErrorLike;
  if (code === 'invalid_credentials' || message === 'Invalid login credentials') return 'That email and password do not match an account.';
  if (code === 'user_already_exists' || code === 'email_exists') return 'An account with this email already exists. Sign in instead.';
  if (code === 'weak_password') return typeof message === 'string' ? message : 'Choose a stronger password.';
  if (status === 429 || code === 'over_request_rate_limit') return 'Too many attempts. Wait a minute, then try again.';
  // supabase-js reports an unreachable server as a retryable fetch error with status 0.
  if (name === 'AuthRetryableFetchError' || status === 0 || (error instanceof TypeError && /fetch/i.test(error.message))) {
    return 'The server cannot be reached. Check your connection and try again.';
  }
  if (typeof status === 'number' && status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  return typeof message === 'string' && message !== '' ? message : 'Something went wrong. Please try again.';
}
