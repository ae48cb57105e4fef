import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { fetchAvailabilityHeatmap } from '@/features/ops/api/fetch-availability-heatmap';
import { fetchMaintenanceSeries } from '@/features/ops/api/fetch-maintenance-series';
import { fetchPresenceSeries } from '@/features/ops/api/fetch-presence-series';
import { fetchTransitionSeries } from '@/features/ops/api/fetch-transition-series';
import { opsKeys } from '@/features/ops/api/query-keys';
import type { OpsPeriod } from '@/features/ops/utils/periods';

// A chart's newest point is at most 10 minutes wide and grows minute by minute.
export const SERIES_REFRESH_MS = 60_000;
// The heatmap averages 30 days: a few more minutes change nothing you could see.
export const HEATMAP_REFRESH_MS = 10 * 60_000;

/** A series with the period it covers: the one on screen may be the previous period while the next loads. */
export interface PeriodRows<T> {
  period: OpsPeriod;
  rows: T[];
}

function useSeries<T>(queryKey: readonly unknown[], period: OpsPeriod, fetchRows: (period: OpsPeriod) => Promise<T[]>) {
  return useQuery({
    queryKey,
    queryFn: async (): Promise<PeriodRows<T>> => ({ period, rows: await fetchRows(period) }),
    refetchInterval: SERIES_REFRESH_MS,
    // Each chart keeps the period on screen while the next one loads, instead of blinking empty.
    placeholderData: keepPreviousData,
  });
}

/** Readers online, heartbeats and failures per bucket of the period. */
export function usePresenceSeries(client: AppSupabaseClient, adminId: string, period: OpsPeriod) {
  return useSeries(opsKeys.presenceSeries(adminId, period), period, (wanted) => fetchPresenceSeries(client, wanted));
}

/** Status changes per bucket and cause. */
export function useTransitionSeries(client: AppSupabaseClient, adminId: string, period: OpsPeriod) {
  return useSeries(opsKeys.transitionSeries(adminId, period), period, (wanted) => fetchTransitionSeries(client, wanted));
}

/** Maintenance runs per bucket and job. */
export function useMaintenanceSeries(client: AppSupabaseClient, adminId: string, period: OpsPeriod) {
  return useSeries(opsKeys.maintenanceSeries(adminId, period), period, (wanted) => fetchMaintenanceSeries(client, wanted));
}

/** Readers usually online by weekday and hour in the viewer's time zone. */
export function useAvailabilityHeatmap(client: AppSupabaseClient, adminId: string, timeZone: string) {
  return useQuery({
    queryKey: opsKeys.heatmap(adminId, timeZone),
    queryFn: () => fetchAvailabilityHeatmap(client, timeZone),
    refetchInterval: HEATMAP_REFRESH_MS,
  });
}
