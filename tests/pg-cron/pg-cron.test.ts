import { afterAll, beforeAll, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../local-stack/config.ts';
import { pushMigrations, runSupabaseCli } from '../../local-stack/migrations.ts';
import { startStack, type RunningStack } from '../../local-stack/stack.ts';
import { sql, testStackConfig } from '../support/test-stack.ts';

// Run by `scripts/with-pg15-cron.sh npx vitest run --project pg-cron`, which provides a server
// with pg_cron preloaded and the database it runs jobs in.
const cronDatabaseUrl = process.env.PG_CRON_DATABASE_URL;
const ORION = '22222222-2222-4222-8222-222222222222';

let stack: RunningStack;
const logged: string[] = [];

beforeAll(async () => {
  if (!cronDatabaseUrl) throw new Error('PG_CRON_DATABASE_URL is not set: run this suite through scripts/with-pg15-cron.sh');
  stack = await startStack(await testStackConfig({ databaseUrl: cronDatabaseUrl, ephemeral: false }), (line) => logged.push(line));
});

afterAll(async () => {
  await stack?.stop();
});

const scheduledJobs = () => sql(stack, 'select jobname, schedule, command from cron.job order by jobname');
const listedJobs = async () =>
  (await sql(stack, 'select job_name, schedule, command from public.presence_maintenance_jobs() order by job_name')).map((job) => ({
    jobname: job.job_name,
    schedule: job.schedule,
    command: job.command,
  }));

test('the schedule migration created pg_cron\'s jobs from the job list, and the local scheduler stood aside', async () => {
  expect(await scheduledJobs()).toEqual(await listedJobs());
  expect((await scheduledJobs()).map((job) => job.jobname)).toEqual([
    'cleanup-reader-presence',
    'mark-inactive-readers-offline',
    'purge-presence-audit-log',
    'refresh-reader-directory-stats',
  ]);
  expect(logged).toContain('scheduler: pg_cron runs the presence jobs on this server');
});

test('pg_cron really runs mark_inactive_readers_offline(): a stale reader goes offline by itself', async () => {
  await sql(stack, 'update public.users set is_online = true where id = $1', [ORION]);
  // Seven minutes: past the five-minute rule, short of the ten-minute cleanup, so only this job may act.
  await sql(stack, "update public.users set last_seen_at = now() - interval '7 minutes' where id = $1", [ORION]);
  const startedAt = new Date();

  const deadline = Date.now() + 150_000;
  let runs: Array<{ status: string }> = [];
  while (Date.now() < deadline) {
    runs = await sql(stack, `
      select d.status from cron.job_run_details d join cron.job j using (jobid)
      where j.jobname = 'mark-inactive-readers-offline' and d.start_time >= $1`, [startedAt]);
    if (runs.some((run) => run.status === 'succeeded')) break;
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  expect(runs).toContainEqual({ status: 'succeeded' });
  expect(await sql(stack, 'select is_online from public.users where id = $1', [ORION])).toEqual([{ is_online: false }]);
  const [audit] = await sql(stack, 'select new_status, cause from public.presence_audit_log where user_id = $1 order by id desc limit 1', [ORION]);
  expect(audit).toEqual({ new_status: false, cause: 'inactivity' });
}, 180_000);

test('rolling back unschedules the jobs; applying again schedules each once', async () => {
  await runSupabaseCli(PROJECT_DIR, ['db', 'query', '--db-url', stack.dbUrl, '-f', 'supabase/rollback/presence.sql']);
  expect(await scheduledJobs()).toEqual([]);
  await pushMigrations(stack.dbUrl, PROJECT_DIR, false);
  expect(await scheduledJobs()).toEqual(await listedJobs());
});
