import type { ChartData } from '@/components/charts/chart-data';
import type { MaintenancePoint } from '@/features/ops/api/fetch-maintenance-series';
import type { PresencePoint } from '@/features/ops/api/fetch-presence-series';
import type { TransitionCount } from '@/features/ops/api/fetch-transition-series';

/** The jobs whose duration and rows changed the dashboard charts: the two that record silent readers offline. */
export const CLEANUP_JOBS = ['mark-inactive-readers-offline', 'cleanup-reader-presence'] as const;

const CAUSE_LABELS: Record<string, string> = {
  heartbeat: 'Heartbeat',
  sign_out: 'Sign-out',
  inactivity: 'Inactivity',
  cleanup: 'Cleanup',
  reader_choice: "Reader's choice",
  auto_away: 'Auto-away',
  expiry: 'Choice ended',
};

/** A transition cause in words; an unknown one as the database names it. */
export const causeLabel = (cause: string) => CAUSE_LABELS[cause] ?? cause;

const sortedUnique = (values: Iterable<number>) => [...new Set(values)].sort((a, b) => a - b);

/** Readers online per bucket: the average of its minutes and the peak. */
export function onlineChartData(points: readonly PresencePoint[]): ChartData {
  return {
    x: points.map((point) => point.at),
    series: [
      { key: 'online-avg', label: 'Online (average)', values: points.map((point) => point.onlineAvg) },
      { key: 'online-peak', label: 'Online (peak)', values: points.map((point) => point.onlinePeak) },
    ],
  };
}

/** The share of presence updates that failed per bucket (a gap where none was attempted). */
export function failureRateChartData(points: readonly PresencePoint[]): ChartData {
  return {
    x: points.map((point) => point.at),
    series: [{ key: 'failure-rate', label: 'Failed updates', values: points.map((point) => point.failureRate) }],
  };
}

/**
 * Transitions pivoted by cause: one series per cause (most frequent first, so the biggest layer is
 * at the bottom of the stack), a 0 for a bucket where that cause had none.
 */
export function transitionsChartData(rows: readonly TransitionCount[]): ChartData {
  const x = sortedUnique(rows.map((row) => row.at));
  const index = new Map(x.map((at, i) => [at, i]));
  const byCause = new Map<string, number[]>();
  for (const row of rows) {
    const values = byCause.get(row.cause) ?? x.map(() => 0);
    byCause.set(row.cause, values);
    const i = index.get(row.at) ?? 0;
    values[i] = (values[i] ?? 0) + row.transitions;
  }
  const total = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
  const series = [...byCause.entries()]
    .sort(([causeA, a], [causeB, b]) => total(b) - total(a) || causeA.localeCompare(causeB))
    .map(([cause, values]) => ({ key: cause, label: causeLabel(cause), values }));
  return { x, series };
}

/** One series per cleanup job, from a value of its runs in a bucket (a gap, or `missing`, where it did not run). */
function cleanupChartData(
  rows: readonly MaintenancePoint[],
  value: (point: MaintenancePoint) => number | null,
  label: (job: string) => string,
  missing: number | null,
): ChartData {
  const cleanups = rows.filter((row) => (CLEANUP_JOBS as readonly string[]).includes(row.jobName));
  const x = sortedUnique(cleanups.map((row) => row.at));
  const series = CLEANUP_JOBS.map((job) => {
    const byAt = new Map(cleanups.filter((row) => row.jobName === job).map((row) => [row.at, value(row)]));
    return { key: job, label: label(job), values: x.map((at) => byAt.get(at) ?? missing) };
  });
  return { x, series };
}

/** The cleanup jobs' average run time per bucket, in milliseconds. */
export function cleanupDurationChartData(rows: readonly MaintenancePoint[]): ChartData {
  return cleanupChartData(
    rows,
    (row) => row.durationMsAvg,
    (job) => `${job} (average ms)`,
    null,
  );
}

/** The rows the cleanup jobs changed per bucket (readers they recorded offline). */
export function cleanupRowsChartData(rows: readonly MaintenancePoint[]): ChartData {
  return cleanupChartData(
    rows,
    (row) => row.rowsChanged,
    (job) => job,
    0,
  );
}
