import type { AuthChangeEvent, Session } from '@supabase/supabase-js';
import { vi } from 'vitest';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

type Result = { data: unknown; error: unknown };

/**
 * A stand-in for the app's Supabase client in unit tests: queries answer with whatever `respond`
 * returns for the table, and auth events are fired by hand with `emit`.
 */
export function fakeSupabase(respond: (table: string, calls: [string, unknown[]][]) => Result | Promise<Result>) {
  let listener: ((event: AuthChangeEvent, session: Session | null) => void) | undefined;
  const from = vi.fn((table: string) => {
    const calls: [string, unknown[]][] = [];
    const builder: Record<string, unknown> = {};
    for (const method of ['select', 'eq', 'order', 'update', 'single', 'maybeSingle', 'in']) {
      builder[method] = (...args: unknown[]) => {
        calls.push([method, args]);
        return builder;
      };
    }
    builder.overrideTypes = () => Promise.resolve(respond(table, calls));
    return builder;
  });
  const auth = {
    onAuthStateChange: vi.fn((callback: typeof listener) => {
      listener = callback;
      return { data: { subscription: { unsubscribe: vi.fn(() => (listener = undefined)) } } };
    }),
    signInWithPassword: vi.fn(async () => ({ data: {}, error: null as unknown })),
    signUp: vi.fn(async () => ({ data: { session: {} as Session | null }, error: null as unknown })),
    signOut: vi.fn(async () => ({ error: null as unknown })),
  };
  return {
    client: { from, auth } as unknown as AppSupabaseClient,
    from,
    auth,
    emit: (event: AuthChangeEvent, session: Session | null) => listener?.(event, session),
    get listening() {
      return listener !== undefined;
    },
  };
}

export function fakeSession(userId: string, email = `${userId}@demo.test`): Session {
  return { access_token: `token-${userId}`, refresh_token: 'refresh', expires_in: 3600, token_type: 'bearer', user: { id: userId, email } } as Session;
}
