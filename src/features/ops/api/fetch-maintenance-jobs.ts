import { unwrap, type ApiAnswer } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { serverTimeFrom, type ServerTime } from '@/lib/server-time';
import { toCount, toNumber } from '@/lib/numeric';

/** A maintenance job with its last run (none yet: every `last` field null) and its day. */
export interface MaintenanceJob {
  jobName: string;
  /** Its cron schedule, "* * * * *". */
  schedule: string;
  lastStartedAt: string | null;
  lastDurationMs: number | null;
  /** What the run changed, for the jobs that count it. */
  lastRowsChanged: number | null;
  /** SQLSTATE and message when the last run failed. */
  lastError: string | null;
  runs24h: number;
  failures24h: number;
}

export interface MaintenanceJobs {
  jobs: MaintenanceJob[];
  /** The server's clock when it answered (none when no job is listed). */
  serverTime: ServerTime | undefined;
}

interface MaintenanceJobRow {
  job_name: string;
  schedule: string;
  last_started_at: string | null;
  last_duration_ms: unknown;
  last_rows_changed: unknown;
  last_error: string | null;
  runs_24h: unknown;
  failures_24h: unknown;
  server_time: string;
}

/** ops_maintenance_jobs(): admins only. */
export async function fetchMaintenanceJobs(client: AppSupabaseClient): Promise<MaintenanceJobs> {
  const answer: ApiAnswer<MaintenanceJobRow[]> = await client.rpc('ops_maintenance_jobs');
  const rows = unwrap(answer) ?? [];
  return {
    jobs: rows.map((row) => ({
      jobName: row.job_name,
      schedule: row.schedule,
      lastStartedAt: row.last_started_at,
      lastDurationMs: toNumber(row.last_duration_ms),
      lastRowsChanged: toNumber(row.last_rows_changed),
      lastError: row.last_error,
      runs24h: toCount(row.runs_24h),
      failures24h: toCount(row.failures_24h),
    })),
    serverTime: rows[0] && serverTimeFrom(rows[0].server_time),
  };
}
