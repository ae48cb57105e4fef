import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { fetchMaintenanceJobs } from '@/features/ops/api/fetch-maintenance-jobs';
import { fetchPresenceAlerts, type PresenceAlert } from '@/features/ops/api/fetch-presence-alerts';
import { fetchPresenceNow } from '@/features/ops/api/fetch-presence-now';
import { opsKeys } from '@/features/ops/api/query-keys';
import type { PeriodRows } from '@/features/ops/hooks/use-ops-series';
import type { OpsPeriod } from '@/features/ops/utils/periods';

/** Readers by status now and the last minute's presence traffic, read again every refreshIntervalMs (VITE_OPS_REFRESH_INTERVAL_MS). */
export function usePresenceNow(client: AppSupabaseClient, adminId: string, refreshIntervalMs: number) {
  return useQuery({ queryKey: opsKeys.now(adminId), queryFn: () => fetchPresenceNow(client), refetchInterval: refreshIntervalMs });
}

/** Each maintenance job's last run and its day. */
export function useMaintenanceJobs(client: AppSupabaseClient, adminId: string, refreshIntervalMs: number) {
  return useQuery({ queryKey: opsKeys.jobs(adminId), queryFn: () => fetchMaintenanceJobs(client), refetchInterval: refreshIntervalMs });
}

/** The alerts active now (the banner) and those fired in the period (the history): an alert that clears leaves the banner on the next read. */
export function usePresenceAlerts(client: AppSupabaseClient, adminId: string, period: OpsPeriod, refreshIntervalMs: number) {
  return useQuery({
    queryKey: opsKeys.alerts(adminId, period),
    queryFn: async (): Promise<PeriodRows<PresenceAlert>> => ({ period, rows: await fetchPresenceAlerts(client, period) }),
    refetchInterval: refreshIntervalMs,
    // Active alerts are in every period's answer: the banner stays while another period's history loads.
    placeholderData: keepPreviousData,
  });
}
