import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount, toNumber } from '@/lib/numeric';

/** The days the statistics cover, the last of them today (UTC). */
export const STATS_DAYS = 30;

/** A reader's presence on one of their local days (their hours' time zone, UTC without one). */
export interface PresenceDay {
  /** The local date, YYYY-MM-DD. */
  day: string;
  onlineMinutes: number;
  sessions: number;
  longestSessionMinutes: number;
  /** The local hour (0 to 23) with the most minutes online. */
  peakHour: number | null;
}

interface PresenceDayRow {
  day: string;
  online_minutes: unknown;
  sessions: unknown;
  longest_session_minutes: unknown;
  peak_hour: unknown;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * reader_presence_stats: the days a reader was online in the last 30, newest first. The viewer's
 * own when `readerId` is null; any reader's for an admin (42501 for anyone else).
 */
export async function fetchPresenceStats(client: AppSupabaseClient, readerId: string | null): Promise<PresenceDay[]> {
  const args = readerId === null ? { days: STATS_DAYS } : { reader_id: readerId, days: STATS_DAYS };
  const answer: ApiAnswer<PresenceDayRow[]> = await client.rpc('reader_presence_stats', args);
  return (unwrap(answer) ?? []).flatMap((row) => {
    if (typeof row.day !== 'string' || !DATE.test(row.day)) return [];
    return [
      {
        day: row.day,
        onlineMinutes: toCount(row.online_minutes),
        sessions: toCount(row.sessions),
        longestSessionMinutes: toCount(row.longest_session_minutes),
        peakHour: toNumber(row.peak_hour),
      },
    ];
  });
}
