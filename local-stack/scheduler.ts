import pg from 'pg';
import { cronMatches } from './cron.ts';

interface MaintenanceJob {
  job_name: string;
  schedule: string;
  command: string;
}

export interface PresenceScheduler {
  /** Runs the jobs due in the minute of `at`; returns the names of those that ran. */
  runDue(at: Date): Promise<string[]>;
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;

/**
 * pg_cron's part where the server has no pg_cron (the embedded PostgreSQL): the jobs the schedule
 * migration lists in `presence_maintenance_jobs()`, run at the start of each minute they are due.
 * Where pg_cron is installed it owns the jobs and this does nothing.
 */
export async function startPresenceScheduler(databaseUrl: string, log: (line: string) => void): Promise<PresenceScheduler> {
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', (error) => log(`scheduler: database connection lost (${error.message})`));
  // A job that fails is logged in private.maintenance_runs and raises a warning rather than an error.
  client.on('notice', (notice) => log(`scheduler: ${notice.message}`));
  await client.connect();
  const { rows } = await client.query<{ has_cron: boolean; has_jobs: boolean }>(
    "select to_regnamespace('cron') is not null as has_cron, to_regprocedure('private.presence_maintenance_jobs()') is not null as has_jobs",
  );
  const jobs =
    rows[0]?.has_cron || !rows[0]?.has_jobs
      ? []
      : (await client.query<MaintenanceJob>('select job_name, schedule, command from private.presence_maintenance_jobs()')).rows;
  if (rows[0]?.has_cron) log('scheduler: pg_cron runs the presence jobs on this server');

  let running: Promise<string[]> = Promise.resolve([]);
  const runDue = (at: Date) => {
    running = running.then(async () => {
      const ran: string[] = [];
      for (const job of jobs.filter((candidate) => cronMatches(candidate.schedule, at))) {
        try {
          // One row, one column: the job function's integer count of what it changed, or its void ('').
          const result = await client.query<Record<string, number | string | null>>(job.command);
          const changed = Object.values(result.rows[0] ?? {})[0];
          if (changed) log(`scheduler: ${job.job_name} changed ${changed} rows`);
          ran.push(job.job_name);
        } catch (error) {
          log(`scheduler: ${job.job_name} failed: ${(error as Error).message}`);
        }
      }
      return ran;
    });
    return running;
  };

  let timer: NodeJS.Timeout | undefined;
  const scheduleNextMinute = () => {
    if (jobs.length === 0) return;
    timer = setTimeout(
      () => {
        void runDue(new Date());
        scheduleNextMinute();
      },
      MINUTE_MS - (Date.now() % MINUTE_MS),
    );
  };
  scheduleNextMinute();

  return {
    runDue,
    async stop() {
      clearTimeout(timer);
      await running;
      await client.end();
    },
  };
}
