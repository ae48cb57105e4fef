import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount, toInstant, toNumber } from '@/lib/numeric';
import type { OpsPeriod } from '@/features/ops/utils/periods';

/** Presence over one chart bucket (10 minutes, an hour or 6 hours). */
export interface PresencePoint {
  /** The bucket's start, epoch milliseconds. */
  at: number;
  /** Readers online (available, busy or away), averaged over the bucket's minutes. */
  onlineAvg: number | null;
  onlinePeak: number | null;
  availableAvg: number | null;
  heartbeats: number;
  failures: number;
  /** Failures per update attempted (0 to 1); null when none was attempted. */
  failureRate: number | null;
  onlineStalePeak: number | null;
  minutesSeen: number;
}

interface PresencePointRow {
  bucket_start: string;
  online_avg: unknown;
  online_peak: unknown;
  available_avg: unknown;
  heartbeats: unknown;
  failures: unknown;
  failure_rate: unknown;
  online_stale_peak: unknown;
  minutes_seen: unknown;
}

/** ops_presence_series(period), oldest bucket first; admins only. */
export async function fetchPresenceSeries(client: AppSupabaseClient, period: OpsPeriod): Promise<PresencePoint[]> {
  const answer: ApiAnswer<PresencePointRow[]> = await client.rpc('ops_presence_series', { period });
  return (unwrap(answer) ?? []).flatMap((row) => {
    const at = toInstant(row.bucket_start);
    if (at === null) return [];
    return [
      {
        at,
        onlineAvg: toNumber(row.online_avg),
        onlinePeak: toNumber(row.online_peak),
        availableAvg: toNumber(row.available_avg),
        heartbeats: toCount(row.heartbeats),
        failures: toCount(row.failures),
        failureRate: toNumber(row.failure_rate),
        onlineStalePeak: toNumber(row.online_stale_peak),
        minutesSeen: toCount(row.minutes_seen),
      },
    ];
  });
}
