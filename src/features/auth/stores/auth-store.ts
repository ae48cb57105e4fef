import type { AuthChangeEvent, Session } from '@supabase/supabase-js';
import { create } from 'zustand';
import { getProfile, type Profile } from '@/features/auth/api/profile';
import { authErrorMessage } from '@/features/auth/utils/auth-error-message';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { getSupabase } from '@/lib/supabase';

export interface SessionUser {
  id: string;
  email: string;
}

export interface SignUpInput {
  email: string;
  password: string;
  displayName: string;
  isReader: boolean;
}

export interface AuthState {
  /** 'loading' until the stored session (if any) has been read, so a reload never flashes "Sign in". */
  status: 'loading' | 'signed-out' | 'signed-in';
  user: SessionUser | null;
  /**
   * Whether the session's token says app_metadata.role is "admin": what to show, never what is
   * allowed (the database checks the claim and the account on every admin call).
   */
  isAdmin: boolean;
  /** The user's row in public.users; null while it loads or when loading it failed. */
  profile: Profile | null;
  profileError: string | null;
  /** Follows the session (also other tabs' sign-ins and sign-outs); returns the unsubscribe. */
  initialize: () => () => void;
  signIn: (email: string, password: string) => Promise<void>;
  /** Resolves whether the new account still has to confirm its email (hosted projects may require it). */
  signUp: (input: SignUpInput) => Promise<{ needsEmailConfirmation: boolean }>;
  signOut: () => Promise<void>;
  reloadProfile: () => Promise<void>;
  setProfile: (profile: Profile) => void;
}

export function createAuthStore(getClient: () => AppSupabaseClient) {
  return create<AuthState>()((set, get) => {
    async function loadProfile(userId: string) {
      try {
        const profile = await getProfile(getClient(), userId);
        // The session may have changed while the request was out.
        if (get().user?.id === userId) set({ profile, profileError: null });
      } catch (error) {
        if (get().user?.id === userId) set({ profile: null, profileError: authErrorMessage(error) });
      }
    }

    function applySession(event: AuthChangeEvent, session: Session | null) {
      if (!session) {
        set({ status: 'signed-out', user: null, isAdmin: false, profile: null, profileError: null });
        return;
      }
      const sameUser = get().user?.id === session.user.id;
      // Every new token (a refresh too) carries the claim as the account has it now.
      set({
        status: 'signed-in',
        user: { id: session.user.id, email: session.user.email ?? '' },
        isAdmin: session.user.app_metadata?.role === 'admin',
      });
      if (sameUser && get().profile && event !== 'USER_UPDATED') return;
      if (!sameUser) set({ profile: null, profileError: null });
      // Deferred: supabase-js runs this callback under its session lock, which a query would wait on.
      setTimeout(() => void loadProfile(session.user.id), 0);
    }

    return {
      status: 'loading',
      user: null,
      isAdmin: false,
      profile: null,
      profileError: null,

      initialize: () => {
        const { data } = getClient().auth.onAuthStateChange(applySession);
        return () => data.subscription.unsubscribe();
      },

      signIn: async (email, password) => {
        const { error } = await getClient().auth.signInWithPassword({ email, password });
        if (error) throw error;
      },

      signUp: async ({ email, password, displayName, isReader }) => {
        const { data, error } = await getClient().auth.signUp({
          email,
          password,
          options: { data: { display_name: displayName, is_reader: isReader } },
        });
        if (error) throw error;
        return { needsEmailConfirmation: data.session === null };
      },

      signOut: async () => {
        // 'local': signing out here should not end the person's sessions on their other devices.
        const { error } = await getClient().auth.signOut({ scope: 'local' });
        if (error) throw error;
      },

      reloadProfile: async () => {
        const userId = get().user?.id;
        if (userId) await loadProfile(userId);
      },

      setProfile: (profile) => {
        if (get().user?.id === profile.id) set({ profile, profileError: null });
      },
    };
  });
}

export const useAuthStore = createAuthStore(getSupabase);
