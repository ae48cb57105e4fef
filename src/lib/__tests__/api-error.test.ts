import { describe, expect, test } from 'vitest';
import { ApiError, apiError, unwrap } from '@/lib/api-error';

const UNREACHABLE = 'The server cannot be reached. Check your connection and try again.';
const TOO_SLOW = 'The server took too long to answer. Check your connection and try again.';

describe('unwrap', () => {
  test('gives the data of an answer without an error, null included (maybeSingle)', () => {
    expect(unwrap({ data: [{ id: 'a' }], error: null, status: 200 })).toEqual([{ id: 'a' }]);
    expect(unwrap({ data: null, error: null, status: 200 })).toBeNull();
  });

  test("throws an ApiError with the status, the code and the server's own words", () => {
    const serverMessage = 'new row for relation "users" violates check constraint "users_bio_length"';
    const error = (() => {
      try {
        unwrap({ data: null, error: { message: serverMessage, code: '23514' }, status: 400 });
      } catch (failure) {
        return failure;
      }
    })();

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ApiError', status: 400, code: '23514', serverMessage });
    // The constraint name is for the form to map, not for the person to read.
    expect((error as ApiError).message).not.toContain('users_bio_length');
  });

  test("an error without a code has the code ''", () => {
    expect(() => unwrap({ data: null, error: { message: 'Bad gateway' }, status: 502 })).toThrow(expect.objectContaining({ code: '', status: 502 }));
  });
});

describe('the message a person reads', () => {
  test.each([
    ['no answer at all (supabase-js status 0)', 0, { message: 'TypeError: Failed to fetch', code: '' }, UNREACHABLE],
    ['a refused connection', 0, { message: 'TypeError: fetch failed\n\nCaused by: Error: connect ECONNREFUSED', code: '' }, UNREACHABLE],
    ['a request that timed out', 0, { message: 'TimeoutError: The operation was aborted due to timeout', code: '' }, TOO_SLOW],
    ['a request that was aborted', 0, { message: 'AbortError: This operation was aborted', code: '' }, TOO_SLOW],
    ['an expired session', 401, { message: 'JWT expired', code: 'PGRST301' }, 'Your session has ended. Sign in again.'],
    ['a refused permission', 403, { message: 'permission denied for function reader_heartbeat', code: '42501' }, 'You are not allowed to do that.'],
    ['a rate limit of the gateway', 429, { message: 'Too Many Requests' }, 'Too many requests. Wait a minute, then try again.'],
    ['a server failure', 500, { message: 'internal error', code: 'XX000' }, 'Something went wrong on our side. Please try again in a moment.'],
    ['a gateway failure', 503, { message: 'Service Unavailable' }, 'Something went wrong on our side. Please try again in a moment.'],
    ['any other refusal', 400, { message: 'invalid input syntax for type uuid', code: '22P02' }, 'The request was refused. Reload the page and try again.'],
  ])('%s', (_case, status, error, message) => {
    const failure = apiError(status, error);
    expect(failure.message).toBe(message);
    expect(failure.serverMessage).toBe(error.message);
  });

  test("the database's own words for a bad argument (22023) and a rate limit (54000) are passed through as a sentence", () => {
    expect(apiError(400, { message: 'the end time must be in the future', code: '22023' }).message).toBe('The end time must be in the future.');
    expect(apiError(400, { message: 'too many status changes in the last minute: try again shortly', code: '54000' }).message).toBe(
      'Too many status changes in the last minute: try again shortly.',
    );
  });

  test("the database's own words for a refusal that says why (PT409) and a rate limit (PT429) are passed through as a sentence", () => {
    const refused = apiError(409, { message: 'luna Starweaver is in another reading', code: 'PT409' });
    expect(refused.message).toBe('Luna Starweaver is in another reading.');
    expect(refused.serverMessage).toBe('luna Starweaver is in another reading');
    expect(
      apiError(429, { message: 'too many reading requests: ask the same reader at most 3 times, and anyone at most 10 times, in 10 minutes', code: 'PT429' })
        .message,
    ).toBe('Too many reading requests: ask the same reader at most 3 times, and anyone at most 10 times, in 10 minutes.');
  });

  test('a broken limit (23514) gets a general message: the constraint name is for forms to map', () => {
    const failure = apiError(400, { message: 'value for domain status_message violates check constraint "reader_status_message_length"', code: '23514' });
    expect(failure.message).toBe('A value is outside its limits. Check what you entered and try again.');
    expect(failure.serverMessage).toContain('reader_status_message_length');
  });

  test('only an answer that never came counts as unreachable', () => {
    expect(apiError(0, { message: 'TypeError: Failed to fetch' }).unreachable).toBe(true);
    expect(apiError(503, { message: 'Service Unavailable' }).unreachable).toBe(false);
    expect(apiError(401, { message: 'JWT expired' }).unreachable).toBe(false);
  });
});
