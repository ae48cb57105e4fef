import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createPresenceApi, isSessionEnded } from '@/features/presence/api/report-presence';
import { ApiError, apiError } from '@/lib/api-error';
import { fakeSession, fakeSupabase, type FakeResult } from '@/testing/fake-supabase';

const ownRow = {
  status: 'away',
  chosen_status: 'available',
  status_message: null,
  expires_at: null,
  hidden: false,
  devices: 2,
  server_time: '2026-11-25T12:00:00.5+00:00',
};

function setUp() {
  const answer = vi.fn<(fn: string, args: unknown) => FakeResult>(() => ({ data: ownRow, error: null }));
  const supabase = fakeSupabase(() => ({ data: null, error: null }), answer);
  const send = vi.fn(() => Promise.resolve(new Response('{}')));
  const api = createPresenceApi(supabase.client, { supabaseUrl: 'https://project.supabase.co/', anonKey: 'anon', fetch: send });
  return { supabase, rpc: supabase.rpc, answer, send, api };
}

beforeEach(() => {
  vi.useFakeTimers();
  // The browser's clock: what receivedAt is measured with, never compared with the server's.
  vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('presence api', () => {
  test("a heartbeat sends how long the browser has been idle, and reads the reader's own presence", async () => {
    const { rpc, api } = setUp();
    await expect(api.heartbeat(42)).resolves.toEqual({
      status: 'away',
      chosenStatus: 'available',
      statusMessage: null,
      expiresAt: null,
      hidden: false,
      devices: 2,
      serverTime: { at: new Date('2026-11-25T12:00:00.5Z'), receivedAt: Date.now() },
    });
    expect(rpc).toHaveBeenCalledExactlyOnceWith('reader_heartbeat', { idle_seconds: 42 });
  });

  test('choosing a status sends it with the message trimmed and the end time', async () => {
    const { rpc, answer, api } = setUp();
    answer.mockReturnValue({
      data: { ...ownRow, status: 'busy', chosen_status: 'busy', status_message: 'With a client', expires_at: '2026-11-25T13:00:00+00:00' },
      error: null,
    });

    await expect(api.setStatus({ status: 'busy', message: '  With a client ', expiresAt: '2026-11-25T13:00:00.000Z' })).resolves.toMatchObject({
      status: 'busy',
      chosenStatus: 'busy',
      statusMessage: 'With a client',
      expiresAt: '2026-11-25T13:00:00+00:00',
    });
    expect(rpc).toHaveBeenCalledExactlyOnceWith('set_reader_status', { status: 'busy', message: 'With a client', expires_at: '2026-11-25T13:00:00.000Z' });
  });

  test('a blank message is sent as none', async () => {
    const { rpc, api } = setUp();
    await api.setStatus({ status: 'available', message: '   ', expiresAt: null });
    expect(rpc).toHaveBeenCalledWith('set_reader_status', { status: 'available', message: null, expires_at: null });
  });

  test('appearing offline is sent as the offline choice, and the answer says the reader is hidden', async () => {
    const { rpc, answer, api } = setUp();
    answer.mockReturnValue({ data: { ...ownRow, status: 'offline', chosen_status: 'offline', hidden: true }, error: null });
    await expect(api.setStatus({ status: 'offline', message: '', expiresAt: null })).resolves.toMatchObject({ status: 'offline', hidden: true });
    expect(rpc).toHaveBeenCalledWith('set_reader_status', { status: 'offline', message: null, expires_at: null });
  });

  test('a refused call becomes an ApiError with its status, code and words', async () => {
    const { answer, api } = setUp();
    answer.mockReturnValueOnce({ data: null, error: { message: 'only readers report presence', code: '42501' }, status: 403 });
    const error = await api.heartbeat(0).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 403, code: '42501', serverMessage: 'only readers report presence', message: 'You are not allowed to do that.' });
    expect(isSessionEnded(error)).toBe(true);
  });

  test("a refused choice keeps the database's words for the form", async () => {
    const { answer, api } = setUp();
    answer.mockReturnValueOnce({
      data: null,
      error: { message: 'value for domain status_message violates check constraint "reader_status_message_length"', code: '23514' },
      status: 400,
    });
    // unknown rather than vitest's any, which would spread to the object it is put in
    const namesTheConstraint: unknown = expect.stringContaining('reader_status_message_length');
    await expect(api.setStatus({ status: 'busy', message: 'x'.repeat(81), expiresAt: null })).rejects.toMatchObject({
      code: '23514',
      serverMessage: namesTheConstraint,
    });
  });

  test('an answer without its row is an error, not a report', async () => {
    const { answer, api } = setUp();
    answer.mockReturnValueOnce({ data: null, error: null, status: 200 });
    const error = await api.heartbeat(0).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 200, serverMessage: 'reader_heartbeat() answered without a status' });
    expect(isSessionEnded(error)).toBe(false);
  });

  test('a network failure (supabase-js answers status 0) is worth retrying', async () => {
    const { answer, api } = setUp();
    answer.mockReturnValueOnce({ data: null, error: { message: 'TypeError: Failed to fetch', code: '' }, status: 0 });
    const error = await api.heartbeat(0).catch((failure: unknown) => failure);
    expect(error).toMatchObject({ name: 'ApiError', status: 0, unreachable: true });
    expect(isSessionEnded(error)).toBe(false);
  });

  test('only 401 and 403 count as an ended session; network and server failures are worth retrying', () => {
    expect(isSessionEnded(apiError(401, { message: 'JWT expired', code: 'PGRST301' }))).toBe(true);
    expect(isSessionEnded(apiError(403, { message: 'this session has ended: sign in again', code: '42501' }))).toBe(true);
    expect(isSessionEnded(apiError(0, { message: 'TimeoutError: The operation was aborted due to timeout' }))).toBe(false);
    expect(isSessionEnded(apiError(502, { message: 'Bad gateway' }))).toBe(false);
    expect(isSessionEnded(apiError(429, { message: 'Too Many Requests' }))).toBe(false);
    expect(isSessionEnded(Object.assign(new Error('401'), { status: 401 }))).toBe(false);
  });

  test('going offline needs a session; without one nothing is sent', async () => {
    const { supabase, rpc, send, api } = setUp();
    await expect(api.goOffline()).resolves.toBeNull();
    api.goOfflineOnUnload();
    expect(rpc).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();

    supabase.emit('INITIAL_SESSION', fakeSession('luna'));
    await expect(api.goOffline()).resolves.toMatchObject({ serverTime: { at: new Date('2026-11-25T12:00:00.5Z') } });
    expect(rpc).toHaveBeenCalledExactlyOnceWith('reader_go_offline');
  });

  test('leaving the page sends offline with keepalive and the latest token, straight to the REST endpoint', () => {
    const { supabase, send, api } = setUp();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    supabase.emit('TOKEN_REFRESHED', { ...fakeSession('luna'), access_token: 'fresh-token' });

    api.goOfflineOnUnload();

    expect(send).toHaveBeenCalledWith('https://project.supabase.co/rest/v1/rpc/reader_go_offline', {
      method: 'POST',
      keepalive: true,
      headers: { apikey: 'anon', Authorization: 'Bearer fresh-token', 'Content-Type': 'application/json' },
      body: '{}',
    });
  });

  test('after sign-out, leaving the page sends nothing', () => {
    const { supabase, send, api } = setUp();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    supabase.emit('SIGNED_OUT', null);
    api.goOfflineOnUnload();
    expect(send).not.toHaveBeenCalled();
  });

  test('a keepalive request that fails is swallowed (the page is gone)', async () => {
    const { supabase, send, api } = setUp();
    send.mockRejectedValueOnce(new TypeError('Failed to fetch'));
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    expect(() => api.goOfflineOnUnload()).not.toThrow();
    await vi.advanceTimersByTimeAsync(0);
  });
});
