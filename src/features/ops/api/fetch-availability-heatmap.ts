import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount, toNumber } from '@/lib/numeric';

/** Readers online on average in one weekday and hour of the viewer's time zone, over 30 days. */
export interface HeatmapCell {
  /** ISO weekday: 1 Monday to 7 Sunday. */
  weekday: number;
  /** 0 to 23. */
  hour: number;
  onlineAvg: number | null;
  minutesSeen: number;
}

interface HeatmapRow {
  weekday: unknown;
  hour: unknown;
  online_avg: unknown;
  minutes_seen: unknown;
}

/** ops_availability_heatmap(time_zone) for an IANA zone (22023 for an unknown one); admins only. */
export async function fetchAvailabilityHeatmap(client: AppSupabaseClient, timeZone: string): Promise<HeatmapCell[]> {
  const answer: ApiAnswer<HeatmapRow[]> = await client.rpc('ops_availability_heatmap', { time_zone: timeZone });
  return (unwrap(answer) ?? []).flatMap((row) => {
    const weekday = toNumber(row.weekday);
    const hour = toNumber(row.hour);
    if (weekday === null || hour === null) return [];
    return [{ weekday, hour, onlineAvg: toNumber(row.online_avg), minutesSeen: toCount(row.minutes_seen) }];
  });
}
