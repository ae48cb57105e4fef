import { describe, expect, test, vi } from 'vitest';
import { createPresenceApi, isSessionEnded, PresenceRequestError } from '@/features/presence/api/report-presence';
import { fakeSession, fakeSupabase } from '@/testing/fake-supabase';

function setUp() {
  const supabase = fakeSupabase(() => ({ data: null, error: null }));
  const rpc = vi.fn(async (): Promise<{ data: unknown; error: unknown; status: number }> => ({
    data: [{ is_online: true, last_seen_at: '2026-11-25T12:00:00+00:00', server_time: '2026-11-25T12:00:00.5+00:00' }],
    error: null,
    status: 200,
  }));
  Object.assign(supabase.client, { rpc });
  const send = vi.fn(async () => new Response('[]'));
  const api = createPresenceApi(supabase.client, { supabaseUrl: 'https://project.supabase.co/', anonKey: 'anon', fetch: send });
  return { supabase, rpc, send, api };
}

describe('presence api', () => {
  test('a heartbeat calls the RPC with no arguments (no browser time) and reads its row', async () => {
    const { rpc, api } = setUp();
    await expect(api.heartbeat()).resolves.toEqual({
      isOnline: true,
      lastSeenAt: '2026-11-25T12:00:00+00:00',
      serverTime: '2026-11-25T12:00:00.5+00:00',
    });
    expect(rpc).toHaveBeenCalledWith('reader_heartbeat');
  });

  test('a refused call becomes a PresenceRequestError with its status and code', async () => {
    const { rpc, api } = setUp();
    rpc.mockResolvedValueOnce({ data: null, error: { message: 'only readers report presence', code: '42501' }, status: 403 });
    const error = await api.heartbeat().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PresenceRequestError);
    expect(error).toMatchObject({ message: 'only readers report presence', status: 403, code: '42501' });
    expect(isSessionEnded(error)).toBe(true);
  });

  test('an answer without its row is an error, not a report', async () => {
    const { rpc, api } = setUp();
    rpc.mockResolvedValueOnce({ data: [], error: null, status: 200 });
    const error = await api.heartbeat().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(PresenceRequestError);
    expect(error).toMatchObject({ name: 'PresenceRequestError', status: 200 });
    expect(isSessionEnded(error)).toBe(false);
  });

  test('a network failure (supabase-js answers status 0) is worth retrying', async () => {
    const { rpc, api } = setUp();
    rpc.mockResolvedValueOnce({ data: null, error: { message: 'TypeError: Failed to fetch', code: '' }, status: 0 });
    const error = await api.heartbeat().catch((failure: unknown) => failure);
    expect(error).toMatchObject({ name: 'PresenceRequestError', status: 0 });
    expect(isSessionEnded(error)).toBe(false);
  });

  test('only 401 and 403 count as an ended session; network and server failures are worth retrying', () => {
    expect(isSessionEnded(new PresenceRequestError('JWT expired', 401))).toBe(true);
    expect(isSessionEnded(new PresenceRequestError('Failed to fetch', 0))).toBe(false);
    expect(isSessionEnded(new PresenceRequestError('Bad gateway', 502))).toBe(false);
    expect(isSessionEnded(new Error('401'))).toBe(false);
  });

  test('going offline needs a session; without one nothing is sent', async () => {
    const { supabase, rpc, send, api } = setUp();
    await expect(api.goOffline()).resolves.toBeNull();
    api.goOfflineOnUnload();
    expect(rpc).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();

    supabase.emit('INITIAL_SESSION', fakeSession('luna'));
    await expect(api.goOffline()).resolves.toMatchObject({ serverTime: '2026-11-25T12:00:00.5+00:00' });
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
    await new Promise((resolve) => setTimeout(resolve, 0));
  });
});
