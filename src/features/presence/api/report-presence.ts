import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** What the database answers a presence call with; its server time corrects the browser's clock. */
export interface PresenceReport {
  isOnline: boolean;
  lastSeenAt: string | null;
  serverTime: string;
}

export class PresenceRequestError extends Error {
  override name = 'PresenceRequestError';

  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** True for 401/403: the session ended or the user is no longer a reader; retrying cannot help. */
export function isSessionEnded(error: unknown): boolean {
  return error instanceof PresenceRequestError && (error.status === 401 || error.status === 403);
}

export interface PresenceApi {
  /** "Still here": the database stamps its own time; the browser never sends one. */
  heartbeat(): Promise<PresenceReport>;
  /** Resolves null, sending nothing, when there is no session to go offline with. */
  goOffline(): Promise<PresenceReport | null>;
  /** Fire and forget, for a page that is closing: the request outlives the page. */
  goOfflineOnUnload(): void;
}

interface PresenceRow {
  is_online: boolean;
  last_seen_at: string | null;
  server_time: string;
}

export function createPresenceApi(client: AppSupabaseClient, options: { supabaseUrl: string; anonKey: string; fetch?: typeof fetch }): PresenceApi {
  const goOfflineUrl = `${options.supabaseUrl.replace(/\/+$/, '')}/rest/v1/rpc/reader_go_offline`;
  // A closing page cannot wait for supabase-js to look the session up, so the token is kept at hand.
  let accessToken: string | null = null;
  client.auth.onAuthStateChange((_event, session) => {
    accessToken = session?.access_token ?? null;
  });

  async function call(fn: 'reader_heartbeat' | 'reader_go_offline'): Promise<PresenceReport> {
    const { data, error, status } = await client.rpc(fn);
    if (error) throw new PresenceRequestError(error.message, status, error.code);
    const row = (data as PresenceRow[] | null)?.[0];
    if (!row) throw new PresenceRequestError(`${fn}() returned no row`, status);
    return { isOnline: row.is_online, lastSeenAt: row.last_seen_at, serverTime: row.server_time };
  }

  return {
    heartbeat: () => call('reader_heartbeat'),
    goOffline: async () => (accessToken ? call('reader_go_offline') : null),
    goOfflineOnUnload: () => {
      if (!accessToken) return;
      const send = options.fetch ?? globalThis.fetch;
      send(goOfflineUrl, {
        method: 'POST',
        keepalive: true,
        headers: { apikey: options.anonKey, Authorization: `Bearer ${accessToken}`, 'Content-Type': 'application/json' },
        body: '{}',
      }).catch(() => {
        // The page is gone; the five-minute rule covers a request that did not make it.
      });
    },
  };
}
