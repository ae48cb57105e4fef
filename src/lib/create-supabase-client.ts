import { createClient } from '@supabase/supabase-js';
import { REQUEST_TIMEOUT_MS } from '@/lib/api-error';

/**
 * A fetch that gives up after `timeoutMs`: one hung request must not hold up a page's refresh, a
 * heartbeat or the offline call queued behind it. supabase-js then answers with status 0.
 */
export function fetchWithTimeout(timeoutMs: number, baseFetch?: typeof fetch): typeof fetch {
  return (input, init) => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    return (baseFetch ?? globalThis.fetch)(input, { ...init, signal });
  };
}

/** The app's Supabase client. */
export function createSupabaseClient(url: string, anonKey: string, options: { persistSession?: boolean; fetch?: typeof fetch } = {}) {
  return createClient(url, anonKey, {
    auth: { persistSession: options.persistSession ?? true, autoRefreshToken: options.persistSession ?? true },
    global: { fetch: fetchWithTimeout(REQUEST_TIMEOUT_MS, options.fetch) },
  });
}

export type AppSupabaseClient = ReturnType<typeof createSupabaseClient>;

/** What a service needs of the client to join and leave Realtime channels. */
export type RealtimeClient = Pick<AppSupabaseClient, 'channel' | 'removeChannel'>;
