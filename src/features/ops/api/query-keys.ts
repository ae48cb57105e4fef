import type { OpsPeriod } from '@/features/ops/utils/periods';

/**
 * Every cache key of the presence dashboard. Each includes the signed-in admin's id, so what one
 * admin read never shows for the next person who signs in on this browser.
 */
export const opsKeys = {
  all: ['ops'] as const,
  now: (adminId: string) => [...opsKeys.all, 'now', adminId] as const,
  jobs: (adminId: string) => [...opsKeys.all, 'jobs', adminId] as const,
  alerts: (adminId: string, period: OpsPeriod) => [...opsKeys.all, 'alerts', adminId, period] as const,
  presenceSeries: (adminId: string, period: OpsPeriod) => [...opsKeys.all, 'presence-series', adminId, period] as const,
  transitionSeries: (adminId: string, period: OpsPeriod) => [...opsKeys.all, 'transition-series', adminId, period] as const,
  maintenanceSeries: (adminId: string, period: OpsPeriod) => [...opsKeys.all, 'maintenance-series', adminId, period] as const,
  heatmap: (adminId: string, timeZone: string) => [...opsKeys.all, 'heatmap', adminId, timeZone] as const,
};
