import { useMemo, useState, type ReactNode } from 'react';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { useServerNow } from '@/hooks/use-server-now';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { formatCount } from '@/lib/format-number';
import { ActiveAlertsBanner } from '@/features/ops/components/active-alerts-banner';
import { AlertHistory } from '@/features/ops/components/alert-history';
import { AvailabilityHeatmap } from '@/features/ops/components/availability-heatmap';
import { MaintenanceJobsTable } from '@/features/ops/components/maintenance-jobs-table';
import { OpsChartCard } from '@/features/ops/components/ops-chart-card';
import { OpsAdminsOnlyNotice, OpsFrame } from '@/features/ops/components/ops-frame';
import { PeriodSelector } from '@/features/ops/components/period-selector';
import { PresenceNowPanel } from '@/features/ops/components/presence-now-panel';
import { useMaintenanceJobs, usePresenceAlerts, usePresenceNow } from '@/features/ops/hooks/use-ops-now';
import { useAvailabilityHeatmap, useMaintenanceSeries, usePresenceSeries, useTransitionSeries } from '@/features/ops/hooks/use-ops-series';
import { cleanupDurationChartData, cleanupRowsChartData, failureRateChartData, onlineChartData, transitionsChartData } from '@/features/ops/utils/chart-data';
import { formatDurationMs, formatEvery, formatFailureRate } from '@/features/ops/utils/format-ops';
import { heatmapGrid } from '@/features/ops/utils/heatmap-grid';
import { DEFAULT_OPS_PERIOD, type OpsPeriod } from '@/features/ops/utils/periods';
import {
  summarizeCleanupDuration,
  summarizeCleanupRows,
  summarizeFailureRate,
  summarizeHeatmap,
  summarizeOnline,
  summarizeTransitions,
} from '@/features/ops/utils/summaries';

interface LoadState {
  error: Error | null;
  isFetching: boolean;
  refetch: () => unknown;
}

const refusedAsNonAdmin = (error: Error | null) => error instanceof ApiError && error.code === '42501';

/** Nothing while it loads; the error with a retry when nothing came; the figures, with a note when a refresh failed. */
function Loaded<T>({ what, data, query, children }: { what: string; data: T | undefined; query: LoadState; children: (data: T) => ReactNode }) {
  const reason = query.error instanceof ApiError ? query.error.message : 'Please try again.';
  if (data === undefined) {
    if (!query.error) {
      return (
        <p role="status" className="text-sm text-mist-300">
          Loading {what}…
        </p>
      );
    }
    return (
      <StatusMessage tone="error" role="alert" action={<RetryButton onClick={() => void query.refetch()} busy={query.isFetching} />}>
        The {what} could not be loaded. {reason}
      </StatusMessage>
    );
  }
  return (
    <>
      {query.error && (
        <p role="status" className="text-sm text-rose-300">
          The {what} could not be refreshed, so they may be out of date. {reason} It will try again by itself.
        </p>
      )}
      {children(data)}
    </>
  );
}

function Section({ id, title, children, aside }: { id: string; title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-4">
        <h2 id={id} className="font-display text-2xl text-gold-300">
          {title}
        </h2>
        {aside}
      </div>
      {children}
    </section>
  );
}

interface OpsDashboardPageProps {
  client: AppSupabaseClient;
  adminId: string;
  /** The viewer's IANA time zone, in which every time shows (tests pass one). */
  timeZone?: string;
  /** Any reader's own statistics, for the admin to look up (the app brings them from the feature that shows readers theirs). */
  readerStatistics?: ReactNode;
  /** How often presence now, the jobs and the alerts are read again (the app's VITE_OPS_REFRESH_INTERVAL_MS). */
  refreshIntervalMs: number;
}

/** The admins' presence dashboard: now, the maintenance jobs, alerts, and charts over 24 hours, 7 days or 30 days. */
export function OpsDashboardPage({
  client,
  adminId,
  timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone,
  readerStatistics,
  refreshIntervalMs,
}: OpsDashboardPageProps) {
  const [period, setPeriod] = useState<OpsPeriod>(DEFAULT_OPS_PERIOD);
  const now = usePresenceNow(client, adminId, refreshIntervalMs);
  const jobs = useMaintenanceJobs(client, adminId, refreshIntervalMs);
  const alerts = usePresenceAlerts(client, adminId, period, refreshIntervalMs);
  const presence = usePresenceSeries(client, adminId, period);
  const transitions = useTransitionSeries(client, adminId, period);
  const maintenance = useMaintenanceSeries(client, adminId, period);
  const heatmap = useAvailabilityHeatmap(client, adminId, timeZone);
  const serverNow = useServerNow(now.data?.serverTime ?? jobs.data?.serverTime);
  const grid = useMemo(() => heatmap.data && heatmapGrid(heatmap.data), [heatmap.data]);

  // A token that still says admin for an account that no longer is: the database says no.
  if ([now.error, jobs.error].some(refusedAsNonAdmin)) return <OpsAdminsOnlyNotice />;

  return (
    <OpsFrame>
      <p className="text-mist-300">
        Presence as the database sees it. The figures refresh by themselves (now, jobs and alerts {formatEvery(refreshIntervalMs)}, charts every minute); times
        are in your time zone, {timeZone}.
      </p>

      <Section id="ops-alerts-heading" title="Alerts">
        <Loaded what="alerts" data={alerts.data} query={alerts}>
          {({ rows }) => <ActiveAlertsBanner alerts={rows} serverNow={serverNow} timeZone={timeZone} />}
        </Loaded>
      </Section>

      <Section id="ops-now-heading" title="Now">
        <Loaded what="current figures" data={now.data} query={now}>
          {(figures) => <PresenceNowPanel now={figures} serverNow={serverNow} timeZone={timeZone} />}
        </Loaded>
      </Section>

      <Section id="ops-jobs-heading" title="Maintenance jobs">
        <Loaded what="maintenance jobs" data={jobs.data} query={jobs}>
          {({ jobs: list }) => <MaintenanceJobsTable jobs={list} serverNow={serverNow} timeZone={timeZone} />}
        </Loaded>
      </Section>

      <Section id="ops-charts-heading" title="Over time" aside={<PeriodSelector period={period} onChange={setPeriod} />}>
        <div className="grid gap-4 lg:grid-cols-2">
          <Loaded what="presence series" data={presence.data} query={presence}>
            {(series) => (
              <>
                <OpsChartCard
                  title="Readers online"
                  summary={summarizeOnline(series.rows, series.period, timeZone)}
                  data={onlineChartData(series.rows)}
                  kind="line"
                  period={series.period}
                  timeZone={timeZone}
                  formatValue={formatCount}
                  updating={presence.isPlaceholderData}
                />
                <OpsChartCard
                  title="Failed presence updates"
                  summary={summarizeFailureRate(series.rows, series.period, timeZone)}
                  data={failureRateChartData(series.rows)}
                  kind="line"
                  period={series.period}
                  timeZone={timeZone}
                  formatValue={formatFailureRate}
                  updating={presence.isPlaceholderData}
                />
              </>
            )}
          </Loaded>
          <Loaded what="status changes" data={transitions.data} query={transitions}>
            {(series) => {
              const data = transitionsChartData(series.rows);
              return (
                <OpsChartCard
                  title="Status changes by cause"
                  summary={summarizeTransitions(data, series.period, timeZone)}
                  data={data}
                  kind="bar"
                  period={series.period}
                  timeZone={timeZone}
                  formatValue={formatCount}
                  updating={transitions.isPlaceholderData}
                />
              );
            }}
          </Loaded>
          <Loaded what="cleanup runs" data={maintenance.data} query={maintenance}>
            {(series) => (
              <>
                <OpsChartCard
                  title="Cleanup duration"
                  summary={summarizeCleanupDuration(series.rows, series.period, timeZone)}
                  data={cleanupDurationChartData(series.rows)}
                  kind="line"
                  period={series.period}
                  timeZone={timeZone}
                  formatValue={formatDurationMs}
                  updating={maintenance.isPlaceholderData}
                />
                <OpsChartCard
                  title="Rows changed by the cleanups"
                  summary={summarizeCleanupRows(series.rows, series.period)}
                  data={cleanupRowsChartData(series.rows)}
                  kind="bar"
                  period={series.period}
                  timeZone={timeZone}
                  formatValue={formatCount}
                  updating={maintenance.isPlaceholderData}
                />
              </>
            )}
          </Loaded>
        </div>
      </Section>

      <Section id="ops-heatmap-heading" title="When readers are usually online">
        <Loaded what="availability heatmap" data={grid} query={heatmap}>
          {(cells) => (
            <div className="space-y-3">
              <p className="text-sm text-mist-100">{summarizeHeatmap(cells)}</p>
              <AvailabilityHeatmap grid={cells} caption={`Readers online on average by weekday and hour (${timeZone}), last 30 days`} />
            </div>
          )}
        </Loaded>
      </Section>

      <Section id="ops-history-heading" title="Alert history">
        {/* A failure to load them is told once, under Alerts. */}
        {alerts.data && <AlertHistory alerts={alerts.data.rows} period={alerts.data.period} serverNow={serverNow} timeZone={timeZone} />}
      </Section>

      {readerStatistics && (
        <Section id="ops-reader-stats-heading" title="Reader statistics">
          {readerStatistics}
        </Section>
      )}
    </OpsFrame>
  );
}
