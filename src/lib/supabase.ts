import { env } from '@/config/env';
import { createSupabaseClient, type AppSupabaseClient } from '@/lib/create-supabase-client';

let client: AppSupabaseClient | undefined;

/**
 * The app's one Supabase client, made on first use: creating it starts the session's refresh
 * timer, which modules that merely import this one (and their unit tests) should not pay for.
 */
export function getSupabase(): AppSupabaseClient {
  client ??= createSupabaseClient(env.supabaseUrl, env.supabaseAnonKey);
  return client;
}
