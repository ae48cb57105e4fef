import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { toCount, toInstant, toNumber } from '@/lib/numeric';
import type { OpsPeriod } from '@/features/ops/utils/periods';

/** One job's runs in one chart bucket. */
export interface MaintenancePoint {
  at: number;
  jobName: string;
  runs: number;
  failures: number;
  durationMsAvg: number | null;
  durationMsMax: number | null;
  rowsChanged: number;
}

interface MaintenanceRow {
  bucket_start: string;
  job_name: string;
  runs: unknown;
  failures: unknown;
  duration_ms_avg: unknown;
  duration_ms_max: unknown;
  rows_changed: unknown;
}

/** ops_maintenance_series(period), by bucket then job; admins only. */
export async function fetchMaintenanceSeries(client: AppSupabaseClient, period: OpsPeriod): Promise<MaintenancePoint[]> {
  const answer: ApiAnswer<MaintenanceRow[]> = await client.rpc('ops_maintenance_series', { period });
  return (unwrap(answer) ?? []).flatMap((row) => {
    const at = toInstant(row.bucket_start);
    if (at === null) return [];
    return [
      {
        at,
        jobName: row.job_name,
        runs: toCount(row.runs),
        failures: toCount(row.failures),
        durationMsAvg: toNumber(row.duration_ms_avg),
        durationMsMax: toNumber(row.duration_ms_max),
        rowsChanged: toCount(row.rows_changed),
      },
    ];
  });
}
