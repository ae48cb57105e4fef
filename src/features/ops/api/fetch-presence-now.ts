import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount } from '@/lib/numeric';
import { serverTimeFrom, type ServerTime } from '@/lib/server-time';

/** Readers by status now, and the presence traffic of the last full minute. */
export interface PresenceNow {
  readers: number;
  available: number;
  busy: number;
  away: number;
  /** Recorded online, but already offline by the status rule (the minute job has not caught up). */
  onlineStale: number;
  offline: number;
  /** The minute the traffic counts are for; null when the database recorded none. */
  minute: string | null;
  heartbeatsWritten: number;
  heartbeatsAbsorbed: number;
  failuresReported: number;
  serverTime: ServerTime;
}

interface PresenceNowRow {
  readers: unknown;
  available: unknown;
  busy: unknown;
  away: unknown;
  online_stale: unknown;
  offline: unknown;
  minute: string | null;
  heartbeats_written: unknown;
  heartbeats_absorbed: unknown;
  failures_reported: unknown;
  server_time: string;
}

/** ops_presence_now(): admins only (42501 for anyone else). */
export async function fetchPresenceNow(client: AppSupabaseClient): Promise<PresenceNow> {
  const answer: ApiAnswer<PresenceNowRow> = await client.rpc('ops_presence_now').single();
  const row = unwrap(answer);
  return {
    readers: toCount(row.readers),
    available: toCount(row.available),
    busy: toCount(row.busy),
    away: toCount(row.away),
    onlineStale: toCount(row.online_stale),
    offline: toCount(row.offline),
    minute: row.minute,
    heartbeatsWritten: toCount(row.heartbeats_written),
    heartbeatsAbsorbed: toCount(row.heartbeats_absorbed),
    failuresReported: toCount(row.failures_reported),
    serverTime: serverTimeFrom(row.server_time),
  };
}
