import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Profile } from '@/features/auth/api/profile';
import { createAuthStore } from '@/features/auth/stores/auth-store';
import { fakeSession, fakeSupabase } from '@/testing/fake-supabase';

const luna: Profile = { id: 'luna', display_name: 'Luna', avatar_url: null, bio: '', specialties: [], is_reader: true };
const casey: Profile = { id: 'casey', display_name: 'Casey', avatar_url: null, bio: '', specialties: [], is_reader: false };
const profiles: Record<string, Profile> = { luna, casey };

function setUp() {
  const supabase = fakeSupabase((_table, calls) => {
    const id = calls.find(([method]) => method === 'eq')?.[1][1] as string;
    // PostgREST's answer to .single() with no row.
    return profiles[id]
      ? { data: profiles[id], error: null }
      : { data: null, error: { message: 'JSON object requested, multiple (or no) rows returned', code: 'PGRST116' }, status: 406 };
  });
  const store = createAuthStore(() => supabase.client);
  return { supabase, store };
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('auth store', () => {
  test('stays loading until the stored session is known, so a reload does not flash "signed out"', () => {
    const { store } = setUp();
    store.getState().initialize();
    expect(store.getState().status).toBe('loading');
  });

  test('a stored session (a reload) restores the user, then their profile', async () => {
    const { supabase, store } = setUp();
    store.getState().initialize();

    supabase.emit('INITIAL_SESSION', fakeSession('luna', 'luna@demo.test'));
    expect(store.getState()).toMatchObject({ status: 'signed-in', user: { id: 'luna', email: 'luna@demo.test' }, profile: null });

    await vi.runAllTimersAsync();
    expect(store.getState().profile).toEqual(luna);
  });

  test('no stored session means signed out', () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('INITIAL_SESSION', null);
    expect(store.getState()).toMatchObject({ status: 'signed-out', user: null, profile: null });
  });

  test('a refreshed token for the same user does not reload the profile', async () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    await vi.runAllTimersAsync();
    expect(supabase.from).toHaveBeenCalledTimes(1);

    supabase.emit('TOKEN_REFRESHED', fakeSession('luna'));
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    await vi.runAllTimersAsync();
    expect(supabase.from).toHaveBeenCalledTimes(1);
  });

  test("the admin claim comes from the session's app_metadata, and goes with the session", () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    const session = fakeSession('ada');
    supabase.emit('SIGNED_IN', session);
    expect(store.getState().isAdmin).toBe(false);

    supabase.emit('TOKEN_REFRESHED', { ...session, user: { ...session.user, app_metadata: { provider: 'email', role: 'admin' } } });
    expect(store.getState().isAdmin).toBe(true);

    supabase.emit('SIGNED_OUT', null);
    expect(store.getState().isAdmin).toBe(false);
  });

  test('another user signing in (another tab) replaces the profile, never mixing the two', async () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    await vi.runAllTimersAsync();

    supabase.emit('SIGNED_IN', fakeSession('casey'));
    expect(store.getState().profile).toBeNull();
    await vi.runAllTimersAsync();
    expect(store.getState()).toMatchObject({ user: { id: 'casey' }, profile: casey });
  });

  test('a profile that arrives after its user signed out is dropped', async () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    supabase.emit('SIGNED_OUT', null);
    await vi.runAllTimersAsync();
    expect(store.getState()).toMatchObject({ status: 'signed-out', user: null, profile: null });
  });

  test('a profile that cannot be loaded is reported, and can be retried', async () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('SIGNED_IN', fakeSession('ghost'));
    await vi.runAllTimersAsync();
    // Told in words a person can act on, not PostgREST's.
    expect(store.getState()).toMatchObject({ status: 'signed-in', profile: null, profileError: 'The request was refused. Reload the page and try again.' });

    profiles.ghost = { ...casey, id: 'ghost' };
    await store.getState().reloadProfile();
    expect(store.getState()).toMatchObject({ profile: { id: 'ghost' }, profileError: null });
    delete profiles.ghost;
  });

  test('unsubscribes from auth events when the app unmounts', () => {
    const { supabase, store } = setUp();
    const unsubscribe = store.getState().initialize();
    expect(supabase.listening).toBe(true);
    unsubscribe();
    expect(supabase.listening).toBe(false);
  });

  test('sign-up sends the display name and role as metadata and says when email confirmation is pending', async () => {
    const { supabase, store } = setUp();
    await expect(store.getState().signUp({ email: 'new@demo.test', password: 'secret1', displayName: 'Nova', isReader: true })).resolves.toEqual({
      needsEmailConfirmation: false,
    });
    expect(supabase.auth.signUp).toHaveBeenCalledWith({
      email: 'new@demo.test',
      password: 'secret1',
      options: { data: { display_name: 'Nova', is_reader: true } },
    });

    supabase.auth.signUp.mockResolvedValueOnce({ data: { session: null }, error: null });
    await expect(store.getState().signUp({ email: 'n2@demo.test', password: 'secret1', displayName: 'N', isReader: false })).resolves.toEqual({
      needsEmailConfirmation: true,
    });
  });

  test('sign-in and sign-out failures reach the caller', async () => {
    const { supabase, store } = setUp();
    supabase.auth.signInWithPassword.mockResolvedValueOnce({ data: {}, error: { code: 'invalid_credentials' } });
    await expect(store.getState().signIn('luna@demo.test', 'wrong')).rejects.toEqual({ code: 'invalid_credentials' });

    supabase.auth.signOut.mockResolvedValueOnce({ error: { status: 0 } });
    await expect(store.getState().signOut()).rejects.toEqual({ status: 0 });
  });

  test("signing out ends only this device's session", async () => {
    const { supabase, store } = setUp();
    await store.getState().signOut();
    expect(supabase.auth.signOut).toHaveBeenCalledWith({ scope: 'local' });
  });

  test('setProfile ignores a profile of someone who is no longer signed in', () => {
    const { supabase, store } = setUp();
    store.getState().initialize();
    supabase.emit('SIGNED_IN', fakeSession('luna'));
    store.getState().setProfile(casey);
    expect(store.getState().profile).toBeNull();
    store.getState().setProfile({ ...luna, bio: 'new' });
    expect(store.getState().profile?.bio).toBe('new');
  });
});
