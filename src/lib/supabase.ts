import { env } from '@/config/env';
import { createSupabaseClient, type AppSupabaseClient } from '@/lib/create-supabase-client';
import { ServerClock } from '@/lib/server-clock';

/** The server's clock for the whole app: every response and every presence RPC keeps it in step. */
export const serverClock = new ServerClock();

let client: AppSupabaseClient | undefined;

/**
 * The app's one Supabase client, made on first use: creating it starts the session's refresh
 * timer, which modules that merely import this one (and their unit tests) should not pay for.
 */
export function getSupabase(): AppSupabaseClient {
  client ??= createSupabaseClient(env.supabaseUrl, env.supabaseAnonKey, serverClock);
  return client;
}
