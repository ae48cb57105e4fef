/**
 * Without pg_cron (the embedded PostgreSQL), the local stack's scheduler (local-stack/scheduler.ts)
 * runs the jobs the schedule migration lists in private.presence_maintenance_jobs(), on their
 * schedules, and they really do their work.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startPresenceScheduler, type PresenceScheduler } from '../../../local-stack/scheduler.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { auditOf, giveDevice, recordStatus, resetPresence, setChoice } from '../../support/presence-fixtures.ts';
import { dbOf, DEMO_IDS, sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;
let scheduler: PresenceScheduler;
const logged: string[] = [];

beforeAll(async () => {
  // The stack's own scheduler stays off: the one under test is the only one running jobs.
  stack = await startTestStack({ presenceJobs: false });
  scheduler = await startPresenceScheduler(stack.dbUrl, (line) => logged.push(line));
});

afterAll(async () => {
  await scheduler?.stop();
  await stack?.stop();
});

test('it runs the listed jobs on their schedules', async () => {
  const listed = await sql<{ job_name: string }>(stack, 'select job_name from private.presence_maintenance_jobs()');
  expect(listed.map((job) => job.job_name)).toHaveLength(10);
  const everyMinute = [
    'mark-inactive-readers-offline',
    'record-presence-minute',
    'refresh-reader-next-windows',
    'evaluate-presence-alerts',
    'end-overdue-readings',
  ];
  expect(await scheduler.runDue(new Date('2026-11-25T13:41:00Z'))).toEqual(everyMinute);
  expect(await scheduler.runDue(new Date('2026-11-25T13:50:00Z'))).toEqual([everyMinute[0], 'cleanup-reader-presence', ...everyMinute.slice(1)]);
  expect(await scheduler.runDue(new Date('2026-11-25T03:17:00Z'))).toEqual([everyMinute[0], 'purge-presence-audit-log', ...everyMinute.slice(1)]);
  expect(await scheduler.runDue(new Date('2026-11-25T03:23:00Z'))).toEqual([
    ...everyMinute.slice(0, 2),
    'purge-availability-notifications',
    ...everyMinute.slice(2),
  ]);
  expect(await scheduler.runDue(new Date('2026-11-25T03:29:00Z'))).toEqual([
    ...everyMinute.slice(0, 4),
    'purge-presence-observability',
    ...everyMinute.slice(4),
  ]);
  expect(await scheduler.runDue(new Date('2026-11-25T12:41:00Z'))).toEqual([...everyMinute.slice(0, 4), 'rollup-presence-analytics', ...everyMinute.slice(4)]);
  expect(logged.filter((line) => line.includes('failed'))).toEqual([]);
});

test('the every-minute jobs really record what time changed, and the directory counts', async () => {
  const db = dbOf(stack);
  await resetPresence(db);
  // Orion went silent 20 minutes ago; Selene's busy ended a second ago; both still recorded as before.
  await giveDevice(db, DEMO_IDS.orion, { heardAgo: '20 minutes' });
  await recordStatus(db, DEMO_IDS.orion, 'available');
  await giveDevice(db, DEMO_IDS.selene);
  await setChoice(db, DEMO_IDS.selene, 'busy', { expiresIn: '-1 second' });
  await recordStatus(db, DEMO_IDS.selene, 'busy');
  // The demo client's request to Luna has rung for 61 seconds with nobody answering.
  const [ringing] = await sql<{ id: string }>(
    stack,
    "insert into public.readings (client_id, reader_id, price_per_minute, requested_at) values ($1, $2, 5.99, now() - interval '61 seconds') returning id",
    [DEMO_IDS.client, DEMO_IDS.luna],
  );

  await scheduler.runDue(new Date('2026-11-25T13:42:00Z'));
  expect(await auditOf(db, DEMO_IDS.orion)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
  expect(await auditOf(db, DEMO_IDS.selene)).toEqual([{ old_status: 'busy', new_status: 'available', cause: 'expiry' }]);
  // (The scheduler's own minute timer may have run the job a moment before runDue: the audit rows
  // above are the same either way, and so is the log line, whichever run wrote it.)
  expect(logged.some((line) => /^scheduler: mark-inactive-readers-offline changed [12] rows$/.test(line))).toBe(true);
  expect(await sql(stack, 'select state::text from public.readings where id = $1', [ringing!.id])).toEqual([{ state: 'expired' }]);
  expect(logged).toContain('scheduler: end-overdue-readings changed 1 rows');
  expect(await sql(stack, "select available::int, busy::int, computed_at > now() - interval '1 minute' as fresh from private.reader_directory_stats")).toEqual([
    { available: 1, busy: 0, fresh: true },
  ]);
});
