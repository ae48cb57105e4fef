import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { fetchMaintenanceJobs } from '@/features/ops/api/fetch-maintenance-jobs';
import { fetchPresenceAlerts, type PresenceAlert } from '@/features/ops/api/fetch-presence-alerts';
import { fetchPresenceNow } from '@/features/ops/api/fetch-presence-now';
import { opsKeys } from '@/features/ops/api/query-keys';
import type { PeriodRows } from '@/features/ops/hooks/use-ops-series';
import type { OpsPeriod } from '@/features/ops/utils/periods';

// The database records the counts and evaluates the alerts every minute: reading twice a minute
// shows a change within half a minute of it, without a reload.
export const NOW_REFRESH_MS = 30_000;

/** Readers by status now and the last minute's presence traffic. */
export function usePresenceNow(client: AppSupabaseClient, adminId: string) {
  return useQuery({ queryKey: opsKeys.now(adminId), queryFn: () => fetchPresenceNow(client), refetchInterval: NOW_REFRESH_MS });
}

/** Each maintenance job's last run and its day. */
export function useMaintenanceJobs(client: AppSupabaseClient, adminId: string) {
  return useQuery({ queryKey: opsKeys.jobs(adminId), queryFn: () => fetchMaintenanceJobs(client), refetchInterval: NOW_REFRESH_MS });
}

/** The alerts active now (the banner) and those fired in the period (the history): an alert that clears leaves the banner on the next read. */
export function usePresenceAlerts(client: AppSupabaseClient, adminId: string, period: OpsPeriod) {
  return useQuery({
    queryKey: opsKeys.alerts(adminId, period),
    queryFn: async (): Promise<PeriodRows<PresenceAlert>> => ({ period, rows: await fetchPresenceAlerts(client, period) }),
    refetchInterval: NOW_REFRESH_MS,
    // Active alerts are in every period's answer: the banner stays while another period's history loads.
    placeholderData: keepPreviousData,
  });
}
