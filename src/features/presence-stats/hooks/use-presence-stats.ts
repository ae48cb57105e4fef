import { useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { fetchPresenceStats, type PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { presenceStatsKeys } from '@/features/presence-stats/api/query-keys';
import { dayOf } from '@/features/presence-stats/utils/format-stats';

// The statistics are computed once a day: a read every few minutes at most, when the page is opened or comes back into view.
export const PRESENCE_STATS_STALE_MS = 10 * 60_000;

export interface PresenceStats {
  days: PresenceDay[];
  /** The browser's today (UTC) when they were read: the period's last day. */
  readOn: string;
}

/** A reader's days online in the last 30: the viewer's own when `readerId` is null. */
export function usePresenceStats(client: AppSupabaseClient, viewerId: string, readerId: string | null) {
  return useQuery({
    queryKey: presenceStatsKeys.days(viewerId, readerId),
    queryFn: async (): Promise<PresenceStats> => ({ days: await fetchPresenceStats(client, readerId), readOn: dayOf(Date.now()) }),
    staleTime: PRESENCE_STATS_STALE_MS,
  });
}
