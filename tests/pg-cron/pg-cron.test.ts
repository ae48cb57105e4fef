import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../local-stack/config.ts';
import { pushMigrations, runSupabaseCli } from '../../local-stack/migrations.ts';
import { startStack, type RunningStack } from '../../local-stack/stack.ts';
import { auditOf, giveDevice, recordStatus, resetPresence, type PresenceQuery } from '../support/presence-fixtures.ts';
import { dbOf, DEMO_IDS, sql, testStackConfig } from '../support/test-stack.ts';

// Run by `scripts/with-pg15-cron.sh npx vitest run --project pg-cron`, which provides a server
// with pg_cron preloaded and the database it runs jobs in.
const cronDatabaseUrl = process.env.PG_CRON_DATABASE_URL;

let stack: RunningStack;
let db: PresenceQuery;
const logged: string[] = [];

beforeAll(async () => {
  if (!cronDatabaseUrl) throw new Error('PG_CRON_DATABASE_URL is not set: run this suite through scripts/with-pg15-cron.sh');
  stack = await startStack(await testStackConfig({ databaseUrl: cronDatabaseUrl, ephemeral: false }), (line) => logged.push(line));
  db = dbOf(stack);
});

afterAll(async () => {
  await stack?.stop();
});

interface CronJob {
  jobname: string;
  schedule: string;
  command: string;
}

const scheduledJobs = () => sql<CronJob>(stack, 'select jobname, schedule, command from cron.job order by jobname');
const listedJobs = async (): Promise<CronJob[]> =>
  (
    await sql<{ job_name: string; schedule: string; command: string }>(
      stack,
      'select job_name, schedule, command from private.presence_maintenance_jobs() order by job_name',
    )
  ).map((job) => ({
    jobname: job.job_name,
    schedule: job.schedule,
    command: job.command,
  }));

test("the schedule migration created pg_cron's jobs from the job list, and the local scheduler stood aside", async () => {
  expect(await scheduledJobs()).toEqual(await listedJobs());
  expect((await scheduledJobs()).map((job) => job.jobname)).toEqual([
    'cleanup-reader-presence',
    'end-overdue-readings',
    'evaluate-presence-alerts',
    'mark-inactive-readers-offline',
    'purge-availability-notifications',
    'purge-presence-audit-log',
    'purge-presence-observability',
    'record-presence-minute',
    'refresh-reader-next-windows',
    'rollup-presence-analytics',
  ]);
  expect(logged).toContain('scheduler: pg_cron runs the presence jobs on this server');
});

/** Waits for pg_cron's next successful run of a job that started after `since`. */
async function nextSuccessfulRun(jobName: string, since: Date): Promise<void> {
  const deadline = Date.now() + 150_000;
  let runs: Array<{ status: string; return_message: string }> = [];
  while (Date.now() < deadline) {
    runs = await sql(
      stack,
      `
      select d.status, d.return_message from cron.job_run_details d join cron.job j using (jobid)
      where j.jobname = $1 and d.start_time >= $2`,
      [jobName, since],
    );
    if (runs.some((run) => run.status === 'succeeded')) return;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  throw new Error(`pg_cron did not run ${jobName} successfully in time: ${JSON.stringify(runs)}`);
}

test('pg_cron really runs the minute jobs: a silent reader goes offline by itself, the counts are recorded, a request nobody answered expires', async () => {
  await resetPresence(db);
  // Seven minutes: past the five-minute rule, short of the ten-minute cleanup, so only the minute job may act.
  await giveDevice(db, DEMO_IDS.orion, { heardAgo: '7 minutes' });
  await recordStatus(db, DEMO_IDS.orion, 'available');
  await giveDevice(db, DEMO_IDS.luna);
  await recordStatus(db, DEMO_IDS.luna, 'available');
  // The demo client's request to Selene has rung for 61 seconds with nobody answering.
  const [ringing] = await sql<{ id: string }>(
    stack,
    "insert into public.readings (client_id, reader_id, price_per_minute, requested_at) values ($1, $2, 5.99, now() - interval '61 seconds') returning id",
    [DEMO_IDS.client, DEMO_IDS.selene],
  );
  const startedAt = (await sql<{ now: Date }>(stack, 'select now()'))[0]!.now;

  await nextSuccessfulRun('mark-inactive-readers-offline', startedAt);
  expect(await auditOf(db, DEMO_IDS.orion)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
  expect(await sql(stack, 'select recorded_status::text as status from public.users where id = $1', [DEMO_IDS.orion])).toEqual([{ status: 'offline' }]);
  expect(await auditOf(db, DEMO_IDS.luna)).toEqual([]);

  await nextSuccessfulRun('record-presence-minute', startedAt);
  expect(await sql(stack, 'select available::int, computed_at >= $1 as fresh from private.reader_directory_stats', [startedAt])).toEqual([
    { available: 1, fresh: true },
  ]);
  await nextSuccessfulRun('end-overdue-readings', startedAt);
  expect(await sql(stack, 'select state::text from public.readings where id = $1', [ringing!.id])).toEqual([{ state: 'expired' }]);
  // The runs are in the run log, as the local scheduler's would be: pg_cron ran the logged command.
  expect(
    await sql(
      stack,
      `select job_name, bool_and(error is null) as ok from private.maintenance_runs
       where started_at >= $1 and job_name in ('mark-inactive-readers-offline', 'record-presence-minute', 'end-overdue-readings')
       group by job_name order by job_name`,
      [startedAt],
    ),
  ).toEqual([
    { job_name: 'end-overdue-readings', ok: true },
    { job_name: 'mark-inactive-readers-offline', ok: true },
    { job_name: 'record-presence-minute', ok: true },
  ]);
}, 180_000);

test('rolling back unschedules the jobs; applying again schedules each once', async () => {
  await runSupabaseCli(PROJECT_DIR, ['db', 'query', '--db-url', stack.dbUrl, '-f', 'supabase/rollback/presence.sql']);
  expect(await scheduledJobs()).toEqual([]);
  await pushMigrations(stack.dbUrl, PROJECT_DIR, false);
  expect(await scheduledJobs()).toEqual(await listedJobs());
});
