import { expect, test } from 'vitest';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import { apiError } from '@/lib/api-error';

test.each([
  [{ code: 'invalid_credentials', status: 400, message: 'Invalid login credentials' }, 'That email and password do not match an account.'],
  [{ code: 'user_already_exists', status: 422 }, 'An account with this email already exists. Sign in instead.'],
  [{ code: 'weak_password', message: 'Password should be at least 6 characters.' }, 'Password should be at least 6 characters.'],
  [{ code: 'over_request_rate_limit', status: 429 }, 'Too many attempts. Wait a minute, then try again.'],
  [{ name: 'AuthRetryableFetchError', status: 0, message: 'Failed to fetch' }, 'The server cannot be reached. Check your connection and try again.'],
  [new TypeError('Failed to fetch'), 'The server cannot be reached. Check your connection and try again.'],
  [{ status: 502, message: 'Bad gateway' }, 'Something went wrong on our side. Please try again in a moment.'],
  [{ code: '23514', message: 'new row violates check constraint' }, 'new row violates check constraint'],
  ['boom', 'Something went wrong. Please try again.'],
])('%o is explained as "%s"', (error, text) => {
  expect(authErrorMessage(error)).toBe(text);
});

test("an ApiError from the app's own calls is told in its own words, before anything else", () => {
  // Status 0 would otherwise read as "cannot be reached"; the ApiError knows it timed out.
  expect(authErrorMessage(apiError(0, { message: 'TimeoutError: The operation was aborted due to timeout' }))).toBe(
    'The server took too long to answer. Check your connection and try again.',
  );
  expect(authErrorMessage(apiError(401, { message: 'JWT expired', code: 'PGRST301' }))).toBe('Your session has ended. Sign in again.');
  // The database's words, not the constraint name it carries.
  expect(authErrorMessage(apiError(400, { message: 'new row violates check constraint "users_bio_length"', code: '23514' }))).toBe(
    'A value is outside its limits. Check what you entered and try again.',
  );
});
