import type { FailureReport } from '@/features/presence/utils/failure-report';
import { ApiError, apiError, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { PresenceStatus } from '@/lib/presence-status';
import { serverTimeFrom, type ServerTime } from '@/lib/server-time';

/** A reader's own presence as the database answers every presence call (public.own_presence). */
export interface OwnPresence {
  /** What others see now. */
  status: PresenceStatus;
  /** The reader's choice in force ('available' when none). */
  chosenStatus: PresenceStatus;
  statusMessage: string | null;
  /** When the choice ends by itself; null when it does not. */
  expiresAt: string | null;
  /** Signed in and appearing offline by choice. */
  hidden: boolean;
  /** How many of the reader's devices are live. */
  devices: number;
  serverTime: ServerTime;
}

/** What a reader chooses from the header. */
export interface StatusChoice {
  status: PresenceStatus;
  /** Blank for none. */
  message: string;
  /** ISO time the choice ends, or null for "until I change it" (busy still ends after 2 hours). */
  expiresAt: string | null;
}

/** True for 401/403: the session ended or the user is not a reader; retrying cannot help. */
export function isSessionEnded(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 401 || error.status === 403);
}

export interface PresenceApi {
  /** "Still here", with how long ago this browser last had input; the database stamps its own time. */
  heartbeat(idleSeconds: number): Promise<OwnPresence>;
  /** Resolves null, sending nothing, when there is no session to go offline with. */
  goOffline(): Promise<OwnPresence | null>;
  /** Fire and forget, for a page that is closing: the request outlives the page. */
  goOfflineOnUnload(): void;
  setStatus(choice: StatusChoice): Promise<OwnPresence>;
  /** Heartbeats that failed, told once the database hears this browser again (their requests never reached it). */
  reportFailures(report: FailureReport): Promise<void>;
}

interface OwnPresenceRow {
  status: PresenceStatus;
  chosen_status: PresenceStatus;
  status_message: string | null;
  expires_at: string | null;
  hidden: boolean;
  devices: number;
  server_time: string;
}

function toOwnPresence(answer: ApiAnswer<OwnPresenceRow>, fn: string): OwnPresence {
  if (answer.error) throw apiError(answer.status, answer.error);
  const row = answer.data;
  if (!row?.status) throw apiError(answer.status, { message: `${fn}() answered without a status` });
  return {
    status: row.status,
    chosenStatus: row.chosen_status,
    statusMessage: row.status_message,
    expiresAt: row.expires_at,
    hidden: row.hidden,
    devices: row.devices,
    serverTime: serverTimeFrom(row.server_time),
  };
}

export function createPresenceApi(client: AppSupabaseClient, options: { supabaseUrl: string; anonKey: string; fetch?: typeof fetch }): PresenceApi {
  const goOfflineUrl = `${options.supabaseUrl.replace(/\/+$/, '')}/rest/v1/rpc/reader_go_offline`;
  // A closing page cannot wait for supabase-js to look the session up, so the token is kept at hand.
  let accessToken: string | null = null;
  client.auth.onAuthStateChange((_event, session) => {
    accessToken = session?.access_token ?? null;
  });

  return {
    heartbeat: async (idleSeconds) => toOwnPresence(await client.rpc('reader_heartbeat', { idle_seconds: idleSeconds }), 'reader_heartbeat'),
    goOffline: async () => (accessToken ? toOwnPresence(await client.rpc('reader_go_offline'), 'reader_go_offline') : null),
    setStatus: async ({ status, message, expiresAt }) =>
      toOwnPresence(await client.rpc('set_reader_status', { status, message: message.trim() || null, expires_at: expiresAt }), 'set_reader_status'),
    reportFailures: async ({ failures, firstFailedAt, lastFailedAt }) => {
      const answer = await client.rpc('report_presence_failures', { failures, first_failed_at: firstFailedAt, last_failed_at: lastFailedAt });
      if (answer.error) throw apiError(answer.status, answer.error);
    },
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
