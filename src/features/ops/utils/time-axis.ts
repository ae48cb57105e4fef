import type { TimeAxis } from '@/components/charts/chart-data';
import { formatBucketTime, formatTick } from '@/features/ops/utils/format-ops';
import { BUCKET_MS, bucketWords, periodWords, type OpsPeriod } from '@/features/ops/utils/periods';

/** A dashboard chart's time axis: the period's buckets, worded in the viewer's time zone. */
export function opsTimeAxis(period: OpsPeriod, timeZone?: string): TimeAxis {
  return {
    bucketMs: BUCKET_MS[period],
    heading: period === '24 hours' ? 'Time' : 'From',
    formatTick: (at) => formatTick(at, period, timeZone),
    formatPoint: (at) => formatBucketTime(at, period, timeZone),
  };
}

/** "Readers online, the last 24 hours, per 10 minutes": a chart's accessible name and its table's caption. */
export const opsChartCaption = (title: string, period: OpsPeriod) => `${title}, ${periodWords(period)}, per ${bucketWords(period)}`;
