import { createClient } from '@supabase/supabase-js';
import { fetchObservingClock, type ServerClock } from '@/lib/server-clock';

/** The app's Supabase client: every response also keeps the server clock up to date. */
export function createSupabaseClient(
  url: string,
  anonKey: string,
  clock: ServerClock,
  options: { persistSession?: boolean; fetch?: typeof fetch } = {},
) {
  return createClient(url, anonKey, {
    auth: { persistSession: options.persistSession ?? true, autoRefreshToken: options.persistSession ?? true },
    global: { fetch: fetchObservingClock(clock, options.fetch) },
  });
}

export type AppSupabaseClient = ReturnType<typeof createSupabaseClient>;
