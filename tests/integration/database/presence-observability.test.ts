/**
 * Presence observability (20251125001000_presence_observability.sql), by actor: every maintenance
 * job's run is logged, failures included; heartbeats written and absorbed, failures readers report
 * and transitions by cause are counted as they happen and folded into one row per minute, a late
 * counter added rather than lost; readers report failures within bounds and once a minute; only
 * admins read the dashboard's functions; retention removes only what is old enough.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { createReader, giveDevice, recordStatus, resetPresence } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, DEMO_IDS, signedInAs, sql, startTestStack } from '../../support/test-stack.ts';
import { heartbeat, signUpReader, type Reader } from './presence-clients.ts';

let stack: RunningStack;
let anon: SupabaseClient;
let admin: SupabaseClient;
let client: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
  anon = clientFor(stack);
  admin = (await signedInAs(stack, 'admin@demo.test')).client;
  client = (await signedInAs(stack, 'client@demo.test')).client;
});

afterAll(async () => {
  await stack?.stop();
});

/** This minute's counters, summed over shards. */
async function tallied(): Promise<Record<string, number>> {
  const rows = await sql<{ metric: string; total: number }>(
    stack,
    `select metric, sum(count)::int as total from private.presence_tally where minute = date_trunc('minute', now()) group by metric`,
  );
  return Object.fromEntries(rows.map((row) => [row.metric, row.total]));
}

describe('the maintenance run log', () => {
  test('a run is logged with its start, duration and rows changed, whoever runs the command', async () => {
    const db = dbOf(stack);
    await resetPresence(db);
    // Orion silent for seven minutes, still recorded available: the minute job changes one reader.
    await giveDevice(db, DEMO_IDS.orion, { heardAgo: '7 minutes' });
    await recordStatus(db, DEMO_IDS.orion, 'available');
    const [{ changed }] = (await sql<{ changed: number }>(stack, `select private.run_maintenance_job('mark-inactive-readers-offline') as changed`)) as [
      { changed: number },
    ];
    expect(changed).toBe(1);
    const [run] = await sql(
      stack,
      `select job_name, rows_changed, error, duration_ms >= 0 as timed, started_at > now() - interval '1 minute' as recent
       from private.maintenance_runs order by id desc limit 1`,
    );
    expect(run).toEqual({ job_name: 'mark-inactive-readers-offline', rows_changed: 1, error: null, timed: true, recent: true });
  });

  test('a failing job is logged with its error and warns instead of raising; its work is rolled back, the log row kept', async () => {
    const connection = new pg.Client({ connectionString: stack.dbUrl });
    const warnings: string[] = [];
    connection.on('notice', (notice) => warnings.push(notice.message ?? ''));
    await connection.connect();
    try {
      await connection.query('begin');
      // The job's function gone for this transaction only: its work fails as a missing function would.
      await connection.query('alter function public.purge_presence_audit_log(interval) rename to purge_presence_audit_log_away');
      const result = await connection.query(`select private.run_maintenance_job('purge-presence-audit-log') as changed`);
      expect(result.rows).toEqual([{ changed: null }]);
      const logged = await connection.query(`select job_name, rows_changed, error from private.maintenance_runs order by id desc limit 1`);
      const missingFunction: unknown = expect.stringMatching(/^42883: function public\.purge_presence_audit_log\(\) does not exist/);
      expect(logged.rows).toEqual([{ job_name: 'purge-presence-audit-log', rows_changed: null, error: missingFunction }]);
      expect(warnings).toEqual([expect.stringMatching(/^maintenance job purge-presence-audit-log failed: 42883: /)]);
    } finally {
      await connection.query('rollback');
      await connection.end();
    }
  });

  test('an unknown job is refused, and nothing is logged', async () => {
    const before = await sql<{ count: number }>(stack, 'select count(*)::int as count from private.maintenance_runs');
    await expect(sql(stack, `select private.run_maintenance_job('drop-everything')`)).rejects.toMatchObject({
      code: '22023',
      message: 'no maintenance job is named drop-everything',
    });
    expect(await sql(stack, 'select count(*)::int as count from private.maintenance_runs')).toEqual(before);
  });

  test('API roles cannot run jobs or read the log', async () => {
    for (const caller of [anon, client, admin]) {
      const run = await caller.rpc('run_maintenance_job' as never, { job: 'purge-presence-audit-log' } as never);
      expect(run.error?.code).toBe('PGRST202');
      // Not exposed at all: PostgREST 12 answers 42P01, 13 PGRST205.
      const read = await caller.from('maintenance_runs' as never).select('*');
      expect([read.status, read.error?.code]).toEqual([404, expect.stringMatching(/^(42P01|PGRST205)$/)]);
    }
  });
});

describe('counted as it happens, folded per minute', () => {
  let reader: Reader;

  beforeAll(async () => {
    reader = await signUpReader(stack, 'tallied');
  });

  beforeEach(async () => {
    await sql(stack, 'delete from private.presence_tally');
    await sql(stack, 'delete from private.presence_minutes');
    await sql(stack, 'delete from private.presence_minute_transitions');
  });

  test('a heartbeat that writes, one that is absorbed, and the transition the first recorded', async () => {
    await heartbeat(reader.client);
    await heartbeat(reader.client);
    expect(await tallied()).toEqual({ heartbeat_written: 1, heartbeat_absorbed: 1, 'transition:heartbeat': 1 });
  });

  test('the minute job records the minute that ended and folds past counters into their minute; a late counter is added, not lost', async () => {
    const db = dbOf(stack);
    await resetPresence(db);
    await giveDevice(db, DEMO_IDS.luna);
    await recordStatus(db, DEMO_IDS.luna, 'available');
    // Orion recorded available, silent for seven minutes: offline by the rule, not yet recorded so.
    await giveDevice(db, DEMO_IDS.orion, { heardAgo: '7 minutes' });
    await recordStatus(db, DEMO_IDS.orion, 'available');
    // Only the counters below: the reset above recorded transitions of its own.
    await sql(stack, 'delete from private.presence_tally');
    // Counters of two minutes ago (the clock moved in SQL) and of this minute.
    await sql(
      stack,
      `insert into private.presence_tally (minute, metric, shard, count) values
         (date_trunc('minute', now()) - interval '2 minutes', 'heartbeat_written', 1, 40),
         (date_trunc('minute', now()) - interval '2 minutes', 'heartbeat_written', 2, 2),
         (date_trunc('minute', now()) - interval '2 minutes', 'heartbeat_absorbed', 1, 5),
         (date_trunc('minute', now()) - interval '2 minutes', 'failures_reported', 3, 7),
         (date_trunc('minute', now()) - interval '2 minutes', 'transition:inactivity', 1, 3),
         (date_trunc('minute', now()), 'heartbeat_written', 1, 11)`,
    );
    const [{ folded }] = (await sql<{ folded: number }>(stack, 'select private.record_presence_minute() as folded')) as [{ folded: number }];
    expect(folded).toBe(5);
    const minutes = await sql(
      stack,
      `select extract(epoch from date_trunc('minute', now()) - minute)::int / 60 as minutes_ago, readers > 0 as counted, available, busy, away,
              online_stale, heartbeats_written, heartbeats_absorbed, failures_reported
       from private.presence_minutes order by minute`,
    );
    expect(minutes).toEqual([
      // Two minutes ago: the job did not see it end, so no counts; its counters are all there.
      {
        minutes_ago: 2,
        counted: null,
        available: null,
        busy: null,
        away: null,
        online_stale: null,
        heartbeats_written: 42,
        heartbeats_absorbed: 5,
        failures_reported: 7,
      },
      // The minute that just ended: the counts at its end (Luna available; Orion stale), no counters yet.
      { minutes_ago: 1, counted: true, available: 1, busy: 0, away: 0, online_stale: 1, heartbeats_written: 0, heartbeats_absorbed: 0, failures_reported: 0 },
    ]);
    expect(await sql(stack, `select cause, transitions from private.presence_minute_transitions`)).toEqual([{ cause: 'inactivity', transitions: 3 }]);
    // This minute's counter stays for a later run.
    expect(await tallied()).toEqual({ heartbeat_written: 11 });

    // A counter of two minutes ago committed after that minute was folded: added to its row.
    await sql(
      stack,
      `insert into private.presence_tally (minute, metric, shard, count) values
         (date_trunc('minute', now()) - interval '2 minutes', 'heartbeat_written', 4, 3),
         (date_trunc('minute', now()) - interval '2 minutes', 'transition:inactivity', 4, 1)`,
    );
    await sql(stack, 'select private.record_presence_minute()');
    expect(
      await sql(stack, `select heartbeats_written from private.presence_minutes where minute = date_trunc('minute', now()) - interval '2 minutes'`),
    ).toEqual([{ heartbeats_written: 45 }]);
    expect(await sql(stack, `select cause, transitions from private.presence_minute_transitions`)).toEqual([{ cause: 'inactivity', transitions: 4 }]);
    await resetPresence(db);
  });
});

describe('failures a reader reports', () => {
  let reader: Reader;
  const report = (as: SupabaseClient, args: Record<string, unknown>) => as.rpc('report_presence_failures', args as never);
  const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  const reportsOf = (readerId: string) =>
    sql<{ failures: number }>(stack, 'select failures from private.presence_failure_reports where reader_id = $1 order by id', [readerId]);

  beforeAll(async () => {
    reader = await signUpReader(stack, 'failing');
  });

  test('are stored and counted; a second report within a minute is refused (429) and stores nothing', async () => {
    await sql(stack, 'delete from private.presence_tally');
    const first = await report(reader.client, { failures: 4, first_failed_at: minutesAgo(6), last_failed_at: minutesAgo(1) });
    expect(first.error).toBeNull();
    expect(await reportsOf(reader.userId)).toEqual([{ failures: 4 }]);
    expect(await tallied()).toEqual({ failures_reported: 4 });

    const again = await report(reader.client, { failures: 1, first_failed_at: minutesAgo(1), last_failed_at: minutesAgo(0) });
    expect([again.status, again.error?.code, again.error?.message]).toEqual([
      429,
      'PT429',
      'presence failures were reported less than a minute ago: add these to the next report',
    ]);
    expect(await reportsOf(reader.userId)).toEqual([{ failures: 4 }]);
    expect(await tallied()).toEqual({ failures_reported: 4 });
  });

  test.each([
    ['no failures', { failures: 0 }, /^failures must be between 1 and 10000, got 0$/],
    ['too many', { failures: 10_001 }, /^failures must be between 1 and 10000, got 10001$/],
    ['a null count', { failures: null }, /^failures must be between 1 and 10000, got null$/],
    ['first after last', { first_failed_at: minutesAgo(1), last_failed_at: minutesAgo(2) }, /^first_failed_at and last_failed_at are required/],
    ['a missing time', { last_failed_at: null }, /^first_failed_at and last_failed_at are required/],
    ['older than a day', { first_failed_at: minutesAgo(25 * 60) }, /^failures are reported within a day/],
    ['in the future', { last_failed_at: new Date(Date.now() + 3_600_000).toISOString() }, /^failures are reported within a day/],
  ])('with %s are refused (22023) and store nothing', async (name, change, message) => {
    const other = await signUpReader(stack, `bad-report-${name.replaceAll(' ', '-')}`);
    const answer = await report(other.client, { failures: 3, first_failed_at: minutesAgo(3), last_failed_at: minutesAgo(2), ...change });
    expect([answer.status, answer.error?.code]).toEqual([400, '22023']);
    expect(answer.error?.message).toMatch(message);
    expect(await reportsOf(other.userId)).toEqual([]);
  });

  test('that are not numbers or times, or name a reader, are refused', async () => {
    const notNumber = await report(reader.client, { failures: 'many', first_failed_at: minutesAgo(3), last_failed_at: minutesAgo(2) });
    expect(notNumber.error?.code).toBe('22P02');
    const notTime = await report(reader.client, { failures: 1, first_failed_at: 'yesterday-ish', last_failed_at: minutesAgo(2) });
    expect(notTime.error?.code).toBe('22007');
    const forAnother = await report(reader.client, { failures: 1, first_failed_at: minutesAgo(3), last_failed_at: minutesAgo(2), reader_id: DEMO_IDS.luna });
    expect(forAnother.error?.code).toBe('PGRST202');
  });

  test('come from readers only: a client, an admin and anon are refused', async () => {
    const args = { failures: 1, first_failed_at: minutesAgo(3), last_failed_at: minutesAgo(2) };
    for (const [caller, status] of [
      [client, 403],
      [admin, 403],
      [anon, 401],
    ] as const) {
      const answer = await report(caller, args);
      expect([answer.status, answer.error?.code]).toEqual([status, '42501']);
    }
    expect(await sql(stack, 'select reader_id from private.presence_failure_reports where reader_id = any ($1)', [[DEMO_IDS.client, DEMO_IDS.admin]])).toEqual(
      [],
    );
  });
});

describe('the dashboard functions', () => {
  const periods = ['24 hours', '7 days', '30 days'] as const;
  const seriesFunctions = ['ops_presence_series', 'ops_transition_series', 'ops_maintenance_series'] as const;

  beforeAll(async () => {
    await sql(stack, 'delete from private.presence_minutes');
    await sql(stack, 'delete from private.presence_minute_transitions');
    // Two days of minutes: ten readers online, 100 heartbeats and one failure a minute.
    await sql(
      stack,
      `insert into private.presence_minutes (minute, readers, available, busy, away, online_stale, heartbeats_written, heartbeats_absorbed, failures_reported)
       select m, 20, 6, 2, 2, 0, 90, 10, 1
       from generate_series(date_trunc('minute', now()) - interval '2 days', date_trunc('minute', now()) - interval '1 minute', interval '1 minute') m`,
    );
    await sql(
      stack,
      `insert into private.presence_minute_transitions (minute, cause, transitions)
       select m, c, 2 from generate_series(date_trunc('minute', now()) - interval '2 days', date_trunc('minute', now()) - interval '1 minute', interval '1 minute') m,
       unnest(array['heartbeat', 'inactivity']) c`,
    );
  });

  test('give admins the state now, each job with its last run, and every chart over each period', async () => {
    const anyNumber: unknown = expect.any(Number);
    const now = await admin.rpc('ops_presence_now');
    expect(now.error).toBeNull();
    expect(now.data).toEqual([expect.objectContaining({ readers: anyNumber, heartbeats_written: 90, heartbeats_absorbed: 10, failures_reported: 1 })]);
    const jobs = await admin.rpc('ops_maintenance_jobs');
    expect(jobs.error).toBeNull();
    expect((jobs.data as Array<{ job_name: string }>).map((job) => job.job_name).sort()).toEqual(
      (await sql<{ job_name: string }>(stack, 'select job_name from private.presence_maintenance_jobs() order by job_name')).map((job) => job.job_name),
    );

    const day = await admin.rpc('ops_presence_series', { period: '24 hours' });
    expect(day.error).toBeNull();
    const buckets = day.data as Array<{ online_avg: number; heartbeats: number; failure_rate: number; minutes_seen: number }>;
    // Ten-minute buckets over a day: 144, or 145 when the first is cut by the period's start.
    expect(buckets.length).toBeGreaterThanOrEqual(144);
    expect(buckets.length).toBeLessThanOrEqual(145);
    const full = buckets.find((bucket) => bucket.minutes_seen === 10)!;
    // Ten failures of 1,010 attempts.
    expect(full).toMatchObject({ online_avg: 10, heartbeats: 1000, failures: 10, failure_rate: 0.0099 });
    for (const period of periods) {
      for (const name of seriesFunctions) {
        const answer = await admin.rpc(name, { period });
        expect(answer.error, `${name}(${period})`).toBeNull();
      }
    }
    const week = await admin.rpc('ops_transition_series', { period: '7 days' });
    // Hourly buckets: two transitions of each cause a minute make 120 an hour.
    expect((week.data as Array<{ cause: string; transitions: number }>).filter((row) => row.transitions === 120)).not.toHaveLength(0);
  });

  test("the availability heatmap: weekday and hour in the viewer's time zone; an unknown zone is refused", async () => {
    const sydney = await admin.rpc('ops_availability_heatmap', { time_zone: 'Australia/Sydney' });
    expect(sydney.error).toBeNull();
    const cells = sydney.data as Array<{ weekday: number; hour: number; online_avg: number; minutes_seen: number }>;
    // Two days of minutes fill 48 cells of 60 minutes (the ends of the two days may split an hour).
    expect(cells.length).toBeGreaterThanOrEqual(48);
    expect(cells.length).toBeLessThanOrEqual(49);
    expect(cells.every((cell) => cell.online_avg === 10 && cell.weekday >= 1 && cell.weekday <= 7 && cell.hour >= 0 && cell.hour <= 23)).toBe(true);
    // The same minutes in any zone; the last one in the cell of Sydney's weekday and hour then.
    const utc = await admin.rpc('ops_availability_heatmap', { time_zone: 'UTC' });
    const minutes = (list: typeof cells) => list.reduce((sum, cell) => sum + cell.minutes_seen, 0);
    expect(minutes(utc.data as typeof cells)).toBe(minutes(cells));
    const lastMinute = new Date(Date.now() - 60_000);
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'Australia/Sydney', weekday: 'short', hour: '2-digit', hourCycle: 'h23' }).formatToParts(
      lastMinute,
    );
    const weekday = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(parts.find((part) => part.type === 'weekday')!.value) + 1;
    const hour = Number(parts.find((part) => part.type === 'hour')!.value);
    expect(cells).toContainEqual(expect.objectContaining({ weekday, hour }));
    for (const zone of ['Mars/Olympus_Mons', "UTC'; drop table users; --", '', null]) {
      const answer = await admin.rpc('ops_availability_heatmap', { time_zone: zone } as never);
      expect([answer.status, answer.error?.code], String(zone)).toEqual([400, '22023']);
    }
  });

  test('refuse a period they do not chart', async () => {
    for (const period of ['1 year', '24 hours; drop table users', '', null]) {
      const answer = await admin.rpc('ops_presence_series', { period } as never);
      expect([answer.status, answer.error?.code], String(period)).toEqual([400, '22023']);
    }
  });

  test('give a client, a reader and anon nothing', async () => {
    const reader = (await signedInAs(stack, 'luna@demo.test')).client;
    for (const [caller, status] of [
      [client, 403],
      [reader, 403],
      [anon, 401],
    ] as const) {
      for (const [name, args] of [
        ['ops_presence_now', {}],
        ['ops_maintenance_jobs', {}],
        ['ops_availability_heatmap', { time_zone: 'UTC' }],
        ['ops_presence_alerts', { period: '24 hours' }],
        ...seriesFunctions.map((series) => [series, { period: '24 hours' }] as const),
      ] as const) {
        const answer = await caller.rpc(name, args as never);
        expect([answer.status, answer.error?.code, answer.data], name).toEqual([status, '42501', null]);
      }
    }
  });
});

describe('alerts', () => {
  const evaluate = async () => (await sql<{ changed: number }>(stack, 'select private.evaluate_presence_alerts() as changed'))[0]!.changed;
  const active = async () =>
    (await sql<{ rule: string }>(stack, 'select rule from private.presence_alerts where cleared_at is null order by rule')).map((alert) => alert.rule);
  const history = (rule: string) =>
    sql<{ cleared: boolean }>(stack, 'select cleared_at is not null as cleared from private.presence_alerts where rule = $1 order by id', [rule]);
  const minuteAgo = (columns: string, values: string) =>
    sql(stack, `insert into private.presence_minutes (minute, ${columns}) values (date_trunc('minute', now()) - interval '1 minute', ${values})`);

  beforeEach(async () => {
    await resetPresence(dbOf(stack));
    for (const table of ['presence_alerts', 'maintenance_runs', 'presence_minutes', 'presence_tally']) await sql(stack, `delete from private.${table}`);
  });

  test('a quiet system raises none, and evaluating again changes nothing', async () => {
    expect(await evaluate()).toBe(0);
    expect(await active()).toEqual([]);
  });

  test('presence down: readers recorded online and no heartbeat for 3 minutes; clears when one arrives, told on the presence_alerts channel', async () => {
    const listener = new pg.Client({ connectionString: stack.dbUrl });
    const told: unknown[] = [];
    listener.on('notification', (message) => told.push(JSON.parse(message.payload ?? 'null')));
    await listener.connect();
    try {
      await listener.query('listen presence_alerts');
      await recordStatus(dbOf(stack), DEMO_IDS.luna, 'available');
      // Heartbeats four minutes ago are not enough.
      await sql(stack, `insert into private.presence_minutes (minute, heartbeats_written) values (date_trunc('minute', now()) - interval '4 minutes', 30)`);
      expect(await evaluate()).toBe(1);
      expect(await active()).toEqual(['presence_down']);
      expect(await evaluate()).toBe(0);

      // A heartbeat this minute, not yet folded.
      await sql(stack, `insert into private.presence_tally (minute, metric, shard, count) values (date_trunc('minute', now()), 'heartbeat_written', 0, 1)`);
      expect(await evaluate()).toBe(1);
      expect(await active()).toEqual([]);
      expect(await history('presence_down')).toEqual([{ cleared: true }]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(told).toEqual([
        { rule: 'presence_down', state: 'fired', at: expect.any(String) as unknown, detail: '1 readers recorded online, no heartbeat for 3 minutes' },
        { rule: 'presence_down', state: 'cleared', at: expect.any(String) as unknown, detail: '1 readers recorded online, no heartbeat for 3 minutes' },
      ]);
    } finally {
      await listener.end();
    }
  });

  test('failure rate: over 5% of updates failing in 5 minutes (10 at least); clears when it falls', async () => {
    await minuteAgo('heartbeats_written, failures_reported', '100, 20');
    await evaluate();
    expect(await active()).toEqual(['failure_rate']);
    await sql(stack, 'update private.presence_minutes set failures_reported = 9');
    await evaluate();
    expect(await active()).toEqual([]);
    expect(await history('failure_rate')).toEqual([{ cleared: true }]);
  });

  test('cleanup not running: no successful minute job for 3 minutes once the jobs have run; clears when it runs', async () => {
    const run = (job: string, ago: string, error: string | null = null) =>
      sql(stack, `insert into private.maintenance_runs (job_name, started_at, duration_ms, error) values ($1, now() - $2::interval, 1, $3)`, [job, ago, error]);
    await evaluate();
    expect(await active()).toEqual([]);
    await run('mark-inactive-readers-offline', '10 minutes');
    await run('refresh-reader-next-windows', '1 minute');
    await evaluate();
    expect(await active()).toEqual(['cleanup_not_running']);
    await run('mark-inactive-readers-offline', '0 seconds');
    await evaluate();
    expect(await active()).toEqual([]);
  });

  test('cleanup failing: the latest run of a cleanup job failed; clears when it succeeds again', async () => {
    const run = (job: string, ago: string, error: string | null = null) =>
      sql(stack, `insert into private.maintenance_runs (job_name, started_at, duration_ms, error) values ($1, now() - $2::interval, 1, $3)`, [job, ago, error]);
    await run('mark-inactive-readers-offline', '30 seconds');
    await run('cleanup-reader-presence', '2 minutes', '57014: canceling statement due to statement timeout');
    await evaluate();
    expect(await active()).toEqual(['cleanup_failing']);
    expect(await sql(stack, `select detail from private.presence_alerts where cleared_at is null`)).toEqual([
      { detail: 'cleanup-reader-presence failed: 57014: canceling statement due to statement timeout' },
    ]);
    await run('cleanup-reader-presence', '10 seconds');
    await evaluate();
    expect(await active()).toEqual([]);
  });

  test('stale online: more readers recorded online but offline by the rule than the threshold, which ops may change', async () => {
    await minuteAgo('online_stale', '150');
    await evaluate();
    expect(await active()).toEqual(['stale_online']);
    await sql(stack, `update private.presence_alert_rules set threshold = 200 where rule = 'stale_online'`);
    try {
      await evaluate();
      expect(await active()).toEqual([]);
    } finally {
      await sql(stack, `update private.presence_alert_rules set threshold = 100 where rule = 'stale_online'`);
    }
  });

  test('admins read the active ones and the history with since-when; nobody else does', async () => {
    await minuteAgo('online_stale', '150');
    await evaluate();
    const alerts = await admin.rpc('ops_presence_alerts', { period: '24 hours' });
    expect(alerts.error).toBeNull();
    expect(alerts.data).toEqual([
      expect.objectContaining({
        rule: 'stale_online',
        cleared_at: null,
        detail: '150 readers recorded online are offline by the rule',
        description: expect.stringMatching(/^More than/) as unknown,
      }),
    ]);
    expect(Date.parse((alerts.data as Array<{ fired_at: string }>)[0]!.fired_at)).toBeGreaterThan(Date.now() - 60_000);
    for (const [caller, status] of [
      [client, 403],
      [anon, 401],
    ] as const) {
      const answer = await caller.rpc('ops_presence_alerts', { period: '24 hours' });
      expect([answer.status, answer.error?.code]).toEqual([status, '42501']);
    }
  });
});

describe("each reader's day (presence_analytics)", () => {
  type Status = 'available' | 'busy' | 'away' | 'offline';
  /** Transitions at these UTC times, in order, from offline; each written as the presence functions write them. */
  async function transitions(readerId: string, steps: Array<[string, Status]>) {
    let previous: Status = 'offline';
    for (const [at, status] of steps) {
      await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause) values ($1, $2, $3, $4, 'reader_choice')`, [
        readerId,
        previous,
        status,
        at,
      ]);
      previous = status;
    }
  }
  const inZone = (readerId: string, zone: string) => sql(stack, 'insert into public.reader_schedules (reader_id, time_zone) values ($1, $2)', [readerId, zone]);
  const rollup = async (day: string) => (await sql<{ written: number }>(stack, 'select private.rollup_presence_analytics($1) as written', [day]))[0]!.written;
  const dayOf = (readerId: string, day: string) =>
    sql<{ online_minutes: string; sessions: number; longest_session_minutes: string; peak_hour: number }>(
      stack,
      'select online_minutes, sessions, longest_session_minutes, peak_hour from private.presence_analytics where reader_id = $1 and day = $2',
      [readerId, day],
    );
  // Two sessions on 20 November (UTC): 09:00 to 10:15 (busy from 09:30), and one from 23:30 over midnight to 00:30.
  const NOVEMBER_DAY: Array<[string, Status]> = [
    ['2026-11-20T09:00:00Z', 'available'],
    ['2026-11-20T09:30:00Z', 'busy'],
    ['2026-11-20T10:15:00Z', 'offline'],
    ['2026-11-20T23:30:00Z', 'available'],
    ['2026-11-21T00:30:00Z', 'offline'],
  ];
  let utcReader: Reader;
  let newYorker: string;

  beforeAll(async () => {
    utcReader = await signUpReader(stack, 'analytics-utc');
    await transitions(utcReader.userId, NOVEMBER_DAY);
    newYorker = await createReader(dbOf(stack));
    await inZone(newYorker, 'America/New_York');
    await transitions(newYorker, NOVEMBER_DAY);
  });

  test('a day of a reader without hours, in UTC: minutes, sessions, the longest, the peak hour; the session over midnight counts on both days', async () => {
    expect(await rollup('2026-11-20')).toBeGreaterThanOrEqual(2);
    await rollup('2026-11-21');
    expect(await dayOf(utcReader.userId, '2026-11-20')).toEqual([{ online_minutes: '105.0', sessions: 2, longest_session_minutes: '75.0', peak_hour: 9 }]);
    expect(await dayOf(utcReader.userId, '2026-11-21')).toEqual([{ online_minutes: '30.0', sessions: 1, longest_session_minutes: '30.0', peak_hour: 0 }]);
  });

  test("the same transitions are another day in the reader's own time zone", async () => {
    await rollup('2026-11-20');
    await rollup('2026-11-21');
    // In New York (UTC-5): 04:00 to 05:15, and 18:30 to 19:30 the same evening; nothing on the 21st.
    expect(await dayOf(newYorker, '2026-11-20')).toEqual([{ online_minutes: '135.0', sessions: 2, longest_session_minutes: '75.0', peak_hour: 4 }]);
    expect(await dayOf(newYorker, '2026-11-21')).toEqual([]);
  });

  test('re-running a day gives the same numbers and counts nothing twice', async () => {
    const first = await rollup('2026-11-20');
    const before = await sql(stack, `select reader_id, online_minutes, sessions from private.presence_analytics where day = '2026-11-20' order by reader_id`);
    expect(await rollup('2026-11-20')).toBe(first);
    expect(await sql(stack, `select reader_id, online_minutes, sessions from private.presence_analytics where day = '2026-11-20' order by reader_id`)).toEqual(
      before,
    );
  });

  test('a day the clocks change has 23 or 25 hours; a reader online through it has them all, in one session', async () => {
    const londoner = await createReader(dbOf(stack));
    await inZone(londoner, 'Europe/London');
    await transitions(londoner, [['2026-03-27T12:00:00Z', 'available']]);
    await sql(
      stack,
      `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause) values ($1, 'available', 'offline', '2026-10-27T12:00:00Z', 'inactivity')`,
      [londoner],
    );
    for (const day of ['2026-03-29', '2026-10-25', '2026-06-01']) await rollup(day);
    expect(await dayOf(londoner, '2026-03-29')).toEqual([{ online_minutes: '1380.0', sessions: 1, longest_session_minutes: '1380.0', peak_hour: 0 }]);
    expect(await dayOf(londoner, '2026-10-25')).toEqual([{ online_minutes: '1500.0', sessions: 1, longest_session_minutes: '1500.0', peak_hour: 1 }]);
    expect(await dayOf(londoner, '2026-06-01')).toEqual([{ online_minutes: '1440.0', sessions: 1, longest_session_minutes: '1440.0', peak_hour: 0 }]);
  });

  test('a day not yet begun, or none, is refused', async () => {
    await expect(sql(stack, `select private.rollup_presence_analytics((now() at time zone 'UTC')::date + 2)`)).rejects.toMatchObject({ code: '22023' });
    await expect(sql(stack, 'select private.rollup_presence_analytics(null)')).rejects.toMatchObject({ code: '22023' });
  });

  test("a reader reads their own days, an admin anyone's; another reader, a client and anon none", async () => {
    await rollup('2026-11-20');
    await rollup('2026-11-21');
    const own = await utcReader.client.rpc('reader_presence_stats');
    expect(own.error).toBeNull();
    expect(own.data).toEqual([
      { day: '2026-11-21', online_minutes: 30, sessions: 1, longest_session_minutes: 30, peak_hour: 0 },
      { day: '2026-11-20', online_minutes: 105, sessions: 2, longest_session_minutes: 75, peak_hour: 9 },
    ]);
    const byAdmin = await admin.rpc('reader_presence_stats', { reader_id: utcReader.userId, days: 30 });
    expect(byAdmin.data).toEqual(own.data);
    const luna = (await signedInAs(stack, 'luna@demo.test')).client;
    for (const [caller, status] of [
      [luna, 403],
      [client, 403],
      [anon, 401],
    ] as const) {
      const answer = await caller.rpc('reader_presence_stats', { reader_id: utcReader.userId });
      expect([answer.status, answer.error?.code, answer.data]).toEqual([status, '42501', null]);
    }
    for (const days of [0, 91, null]) {
      const answer = await utcReader.client.rpc('reader_presence_stats', { days } as never);
      expect([answer.status, answer.error?.code], String(days)).toEqual([400, '22023']);
    }
  });
});

describe('retention', () => {
  test('removes history older than the age asked for (35 days by default) and keeps the rest; refuses under a day', async () => {
    await sql(stack, 'delete from private.presence_minutes');
    await sql(
      stack,
      `insert into private.presence_minutes (minute) values (date_trunc('minute', now()) - interval '36 days'), (date_trunc('minute', now()) - interval '34 days')`,
    );
    await sql(
      stack,
      `insert into private.maintenance_runs (job_name, started_at, duration_ms) values
         ('cleanup-reader-presence', now() - interval '40 days', 1), ('cleanup-reader-presence', now() - interval '1 day', 1)`,
    );
    const [{ removed }] = (await sql<{ removed: number }>(stack, 'select public.purge_presence_observability() as removed')) as [{ removed: number }];
    expect(removed).toBeGreaterThanOrEqual(2);
    expect(await sql(stack, `select count(*)::int as left from private.presence_minutes`)).toEqual([{ left: 1 }]);
    expect(await sql(stack, `select count(*)::int as old from private.maintenance_runs where started_at < now() - interval '35 days'`)).toEqual([{ old: 0 }]);
    expect(await sql(stack, `select count(*)::int as recent from private.maintenance_runs where started_at > now() - interval '2 days'`)).not.toEqual([
      { recent: 0 },
    ]);
    await expect(sql(stack, `select public.purge_presence_observability(interval '2 hours')`)).rejects.toMatchObject({ code: '22023' });
  });

  test('is for the service role and ops, not for API users', async () => {
    for (const caller of [anon, client, admin]) {
      const answer = await caller.rpc('purge_presence_observability');
      expect(answer.error?.code, JSON.stringify(answer.error)).toMatch(/^(42501|PGRST202)$/);
    }
  });
});
