import type { ChartData } from '@/components/charts/chart-data';
import { formatCount } from '@/lib/format-number';
import type { MaintenancePoint } from '@/features/ops/api/fetch-maintenance-series';
import type { PresencePoint } from '@/features/ops/api/fetch-presence-series';
import { CLEANUP_JOBS } from '@/features/ops/utils/chart-data';
import { formatBucketTime, formatDurationMs, formatFailureRate } from '@/features/ops/utils/format-ops';
import type { HeatmapGrid } from '@/features/ops/utils/heatmap-grid';
import { bucketWords, periodWords, type OpsPeriod } from '@/features/ops/utils/periods';

// One sentence or two per chart, for everyone: what the chart would tell at a glance.

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** The item with the largest value (the first of equals), or undefined when none has one. */
function largest<T>(items: readonly T[], value: (item: T) => number | null): { item: T; value: number } | undefined {
  let best: { item: T; value: number } | undefined;
  for (const item of items) {
    const v = value(item);
    if (v !== null && (best === undefined || v > best.value)) best = { item, value: v };
  }
  return best;
}

const listWords = (parts: string[]) => (parts.length <= 1 ? parts.join('') : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`);

/** "Readers online averaged 12, peaking at 20 at 14:00." */
export function summarizeOnline(points: readonly PresencePoint[], period: OpsPeriod, timeZone?: string): string {
  const seen = points.filter((point) => point.onlineAvg !== null && point.minutesSeen > 0);
  if (seen.length === 0) return `No presence minutes were recorded in ${periodWords(period)}.`;
  const minutes = sum(seen.map((point) => point.minutesSeen));
  const average = sum(seen.map((point) => (point.onlineAvg ?? 0) * point.minutesSeen)) / minutes;
  const peak = largest(seen, (point) => point.onlinePeak);
  const peakWords = peak ? `, peaking at ${formatCount(peak.value)} at ${formatBucketTime(peak.item.at, period, timeZone)}` : '';
  return `Readers online averaged ${formatCount(Math.round(average * 10) / 10)} over ${periodWords(period)}${peakWords}.`;
}

/** "12 of 1,010 presence updates failed over the last 24 hours (1.19%); the worst 10 minutes began at 14:00, with 3.2%." */
export function summarizeFailureRate(points: readonly PresencePoint[], period: OpsPeriod, timeZone?: string): string {
  const failures = sum(points.map((point) => point.failures));
  const attempts = sum(points.map((point) => point.heartbeats)) + failures;
  if (attempts === 0) return `No presence update was attempted in ${periodWords(period)}.`;
  if (failures === 0) return `None of ${formatCount(attempts)} presence updates failed in ${periodWords(period)}.`;
  const worst = largest(points, (point) => point.failureRate);
  const worstWords = worst
    ? `; the worst ${bucketWords(period)} began at ${formatBucketTime(worst.item.at, period, timeZone)}, with ${formatFailureRate(worst.value)}`
    : '';
  return `${formatCount(failures)} of ${formatCount(attempts)} presence updates failed in ${periodWords(period)} (${formatFailureRate(failures / attempts)})${worstWords}.`;
}

/** "1,234 status changes in the last 24 hours: Heartbeat 800, Inactivity 300 and Sign-out 134. The busiest 10 minutes began at 14:00, with 40." */
export function summarizeTransitions(data: ChartData, period: OpsPeriod, timeZone?: string): string {
  const byCause = data.series.map((series) => ({ label: series.label, total: sum(series.values.map((value) => value ?? 0)) }));
  const total = sum(byCause.map((cause) => cause.total));
  if (total === 0) return `No reader's status changed in ${periodWords(period)}.`;
  const causes = listWords(byCause.filter((cause) => cause.total > 0).map((cause) => `${cause.label} ${formatCount(cause.total)}`));
  const perBucket = data.x.map((at, i) => ({ at, total: sum(data.series.map((series) => series.values[i] ?? 0)) }));
  const busiest = largest(perBucket, (bucket) => bucket.total);
  const busiestWords = busiest
    ? ` The busiest ${bucketWords(period)} began at ${formatBucketTime(busiest.item.at, period, timeZone)}, with ${formatCount(busiest.value)}.`
    : '';
  return `${formatCount(total)} status ${total === 1 ? 'change' : 'changes'} in ${periodWords(period)}: ${causes}.${busiestWords}`;
}

const cleanupRuns = (rows: readonly MaintenancePoint[], job: string) => rows.filter((row) => row.jobName === job);

/** Per cleanup job: how often it ran, its average time and its slowest bucket. */
export function summarizeCleanupDuration(rows: readonly MaintenancePoint[], period: OpsPeriod, timeZone?: string): string {
  const parts = CLEANUP_JOBS.map((job) => {
    const runs = cleanupRuns(rows, job);
    const count = sum(runs.map((row) => row.runs));
    if (count === 0) return `${job} did not run`;
    const timed = runs.filter((row) => row.durationMsAvg !== null);
    const average = sum(timed.map((row) => (row.durationMsAvg ?? 0) * row.runs)) / Math.max(1, sum(timed.map((row) => row.runs)));
    const slowest = largest(runs, (row) => row.durationMsMax);
    const slowestWords = slowest ? ` and ${formatDurationMs(slowest.value)} at most (${formatBucketTime(slowest.item.at, period, timeZone)})` : '';
    return `${job} ran ${formatCount(count)} ${count === 1 ? 'time' : 'times'}, taking ${formatDurationMs(average)} on average${slowestWords}`;
  });
  return `In ${periodWords(period)}, ${parts.join('; ')}.`;
}

/** "The cleanups changed 40 rows in the last 24 hours: mark-inactive-readers-offline 38 and cleanup-reader-presence 2." */
export function summarizeCleanupRows(rows: readonly MaintenancePoint[], period: OpsPeriod): string {
  const byJob = CLEANUP_JOBS.map((job) => ({ job, rows: sum(cleanupRuns(rows, job).map((row) => row.rowsChanged)) }));
  const total = sum(byJob.map((job) => job.rows));
  if (total === 0) return `The cleanups changed no rows in ${periodWords(period)}.`;
  return `The cleanups changed ${formatCount(total)} ${total === 1 ? 'row' : 'rows'} in ${periodWords(period)}: ${listWords(byJob.map((job) => `${job.job} ${formatCount(job.rows)}`))}.`;
}

/** "Most readers are usually online on Tuesday at 20:00 (12 on average), fewest on Monday at 04:00 (0.5)." */
export function summarizeHeatmap(grid: HeatmapGrid): string {
  const cells = grid.rows.flatMap((row) => row.cells.filter((cell) => cell.onlineAvg !== null).map((cell) => ({ ...cell, day: row.name })));
  if (cells.length === 0) return 'No presence minutes were recorded in the last 30 days.';
  const most = largest(cells, (cell) => cell.onlineAvg)!;
  const fewest = largest(cells, (cell) => (cell.onlineAvg === null ? null : -cell.onlineAvg))!;
  const at = (cell: (typeof cells)[number]) => `${cell.day} at ${cell.hourLabel}`;
  const coverage = cells.length < 7 * 24 ? ` ${cells.length} of the week's 168 hours have data so far.` : '';
  return `Most readers are usually online on ${at(most.item)} (${formatCount(most.value)} on average), fewest on ${at(fewest.item)} (${formatCount(-fewest.value)}).${coverage}`;
}
