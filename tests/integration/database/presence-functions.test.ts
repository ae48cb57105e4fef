/**
 * The presence jobs and ops functions, as ops and the schedulers call them (SQL as the database
 * owner): what each records and returns, that running one twice changes nothing more, the
 * directory counts, audit retention, deleting users, the job list, and the query plans at 100,000
 * readers. Readers' states are set with the fixtures (tests/support/presence-fixtures.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { runSupabaseCli } from '../../../local-stack/migrations.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import {
  auditOf,
  FIXTURE_SESSION_TAG,
  createReader,
  giveDevice,
  presenceNow,
  recordAsIs,
  recordStatus,
  resetPresence,
  setChoice,
  type PresenceQuery,
} from '../../support/presence-fixtures.ts';
import { loadBulkReaders } from '../../support/bulk-readers.ts';
import { autoExplained } from '../../support/auto-explain.ts';
import { dbOf, DEMO_IDS, sql, startTestStack } from '../../support/test-stack.ts';

const { luna: LUNA, orion: ORION, selene: SELENE, rowan: ROWAN } = DEMO_IDS;

let stack: RunningStack;
let db: PresenceQuery;
/** The seed as loaded, and what the first minute job made of it, before any test resets presence. */
let seeded: { cards: unknown[]; firstJob: number; orionAudit: unknown[] };

beforeAll(async () => {
  // No scheduler: only the tests run the jobs, so every count below is theirs.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  const cards = await sql(stack, 'select id, status::text, recorded_status::text, status_message from public.reader_cards order by id');
  const firstJob = await run('public.mark_inactive_readers_offline()');
  seeded = { cards, firstJob, orionAudit: await auditOf(db, ORION) };
});

afterAll(async () => {
  await stack?.stop();
});

/** Each test of a describe that calls this starts with no devices, choices or audit rows. */
const fromACleanSlate = () => beforeEach(async () => resetPresence(db));

async function run(fn: string): Promise<number> {
  const [row] = await sql<{ changed: number }>(stack, `select ${fn} as changed`);
  return row!.changed;
}

describe('the seed', () => {
  test('puts readers on both sides of the rule, and the first minute job records the silent one', () => {
    expect(seeded.cards).toEqual([
      { id: LUNA, status: 'available', recorded_status: 'available', status_message: null },
      // Silent for 20 minutes but still recorded available, as after a crashed browser.
      { id: ORION, status: 'offline', recorded_status: 'available', status_message: null },
      { id: SELENE, status: 'busy', recorded_status: 'busy', status_message: 'In a moon-cycle reading' },
      { id: ROWAN, status: 'offline', recorded_status: 'offline', status_message: null },
    ]);
    expect(seeded.firstJob).toBe(1);
    expect(seeded.orionAudit).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
  });
});

describe('mark_inactive_readers_offline()', () => {
  fromACleanSlate();

  test('records every transition time brought about, each with its cause, returns how many, and is idempotent', async () => {
    await giveDevice(db, LUNA, { heardAgo: '6 minutes' });
    await giveDevice(db, ORION, { heardAgo: '30 seconds', inputAgo: '11 minutes' });
    await giveDevice(db, SELENE);
    await setChoice(db, SELENE, 'busy', { message: 'Reading', expiresIn: '-1 second', chosenAgo: '2 hours' });
    await giveDevice(db, ROWAN, { heardAgo: '30 seconds' });
    for (const id of [LUNA, ORION, ROWAN]) await recordStatus(db, id, 'available');
    await recordStatus(db, SELENE, 'busy');

    expect(await run('public.mark_inactive_readers_offline()')).toBe(3);
    expect(await auditOf(db, LUNA)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
    expect(await auditOf(db, ORION)).toEqual([{ old_status: 'available', new_status: 'away', cause: 'auto_away' }]);
    expect(await auditOf(db, SELENE)).toEqual([{ old_status: 'busy', new_status: 'available', cause: 'expiry' }]);
    expect(await auditOf(db, ROWAN)).toEqual([]);

    expect(await run('public.mark_inactive_readers_offline()')).toBe(0);
    expect(await sql(stack, 'select count(*)::int as n from public.presence_audit_log')).toEqual([{ n: 3 }]);
  });

  test('a reader recorded online with no device left at all is recorded offline', async () => {
    // As after a crash between a device's deletion and its recording: the record says available.
    await recordStatus(db, LUNA, 'available');
    expect(await run('public.mark_inactive_readers_offline()')).toBe(1);
    expect(await auditOf(db, LUNA)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
  });

  test('readers recorded as they are cost no write: the rows keep their versions', async () => {
    await giveDevice(db, LUNA);
    await giveDevice(db, SELENE, { heardAgo: '20 minutes' });
    await recordAsIs(db);
    const versions = async () => sql(stack, 'select id, xmin::text as version from public.users where is_reader order by id');
    const before = await versions();
    expect(await run('public.mark_inactive_readers_offline()')).toBe(0);
    expect(await run('public.cleanup_reader_presence()')).toBe(0);
    expect(await versions()).toEqual(before);
  });

  test("a hidden reader's live device keeps them recorded offline, with nothing to record", async () => {
    await giveDevice(db, LUNA);
    await setChoice(db, LUNA, 'offline');
    await recordAsIs(db, [LUNA]);
    expect(await run('public.mark_inactive_readers_offline()')).toBe(0);
    expect(await presenceNow(db, LUNA)).toMatchObject({ status: 'offline', recorded_status: 'offline', live_devices: 1 });
  });
});

describe('cleanup_reader_presence()', () => {
  fromACleanSlate();

  test('records readers silent for ten minutes as cleanup, leaves shorter silences to the minute job, and is idempotent', async () => {
    await giveDevice(db, LUNA, { heardAgo: '10 minutes 1 second' });
    await giveDevice(db, ORION, { heardAgo: '9 minutes 59 seconds' });
    for (const id of [LUNA, ORION]) await recordStatus(db, id, 'available');
    expect(await run('public.cleanup_reader_presence()')).toBe(1);
    expect(await auditOf(db, LUNA)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'cleanup' }]);
    expect(await auditOf(db, ORION)).toEqual([]);
    expect(await run('public.cleanup_reader_presence()')).toBe(0);
    // The minute job takes the shorter silence.
    expect(await run('public.mark_inactive_readers_offline()')).toBe(1);
    expect(await auditOf(db, ORION)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
  });

  test("forgets devices silent for a day, keeping their last heartbeat as the reader's last seen", async () => {
    const old = await giveDevice(db, ROWAN, { heardAgo: '1 day 1 minute' });
    const recent = await giveDevice(db, LUNA, { heardAgo: '23 hours' });
    const [{ heard }] = (await sql(stack, 'select last_seen_at as heard from private.reader_devices where session_id = $1', [old])) as [{ heard: Date }];
    expect(await run('public.cleanup_reader_presence()')).toBe(0);

    expect(await sql(stack, 'select session_id from private.reader_devices where reader_id = any ($1)', [[ROWAN, LUNA]])).toEqual([{ session_id: recent }]);
    const [card] = await sql<{ last_seen_at: Date; status: string }>(stack, 'select last_seen_at, status::text from public.reader_cards where id = $1', [
      ROWAN,
    ]);
    expect(card).toEqual({ last_seen_at: heard, status: 'offline' });
    // Forgetting an offline reader's device is no transition; the auth session is Auth's business.
    expect(await auditOf(db, ROWAN)).toEqual([]);
    expect(await sql(stack, 'select count(*)::int as n from auth.sessions where id = $1', [old])).toEqual([{ n: 1 }]);
  });
});

describe('the directory counts', () => {
  fromACleanSlate();

  const summary = async () =>
    (await sql(stack, 'select readers::int, available::int, busy::int, away::int, online::int from public.reader_directory_summary()'))[0];
  const readerCount = async () => (await sql<{ n: number }>(stack, 'select count(*)::int as n from public.users where is_reader'))[0]!.n;

  test('the minute job records them by the rule, and the summary serves them while under two minutes old', async () => {
    await giveDevice(db, LUNA);
    await giveDevice(db, ORION, { heardAgo: '6 minutes' });
    await giveDevice(db, SELENE);
    await setChoice(db, SELENE, 'busy', { expiresIn: '1 hour' });
    await sql(stack, 'select private.refresh_reader_directory_stats()');
    const readers = await readerCount();
    expect(await summary()).toEqual({ readers, available: 1, busy: 1, away: 0, online: 2 });

    // Recorded a minute ago: a reader who came online since is not counted until the next run.
    await sql(stack, "update private.reader_directory_stats set computed_at = now() - interval '1 minute'");
    await giveDevice(db, ROWAN, { inputAgo: '11 minutes' });
    expect(await summary()).toEqual({ readers, available: 1, busy: 1, away: 0, online: 2 });
    await sql(stack, 'select private.refresh_reader_directory_stats()');
    expect(await summary()).toEqual({ readers, available: 1, busy: 1, away: 1, online: 3 });
  });

  test('are counted live when the job has not recorded them for two minutes, or never', async () => {
    await giveDevice(db, LUNA);
    await giveDevice(db, SELENE);
    await sql(stack, 'select private.refresh_reader_directory_stats()');
    await sql(stack, "update private.reader_directory_stats set computed_at = now() - interval '2 minutes 1 second', available = 99");
    const readers = await readerCount();
    expect(await summary()).toEqual({ readers, available: 2, busy: 0, away: 0, online: 2 });
    await sql(stack, 'delete from private.reader_directory_stats');
    expect(await summary()).toEqual({ readers, available: 2, busy: 0, away: 0, online: 2 });
  });

  test('the stats table holds one row, however often the job runs', async () => {
    for (let i = 0; i < 3; i += 1) await sql(stack, 'select private.refresh_reader_directory_stats()');
    expect(await sql(stack, 'select count(*)::int as n from private.reader_directory_stats')).toEqual([{ n: 1 }]);
    await expect(sql(stack, 'insert into private.reader_directory_stats values (false, 0, 0, 0, 0, now())')).rejects.toThrow(/check/);
  });
});

describe('purge_presence_audit_log()', () => {
  fromACleanSlate();

  test('removes rows older than the given age (30 days by default), returns how many, and keeps the rest', async () => {
    await sql(
      stack,
      `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause) values
      ($1, 'offline', 'available', now() - interval '40 days', 'heartbeat'),
      ($1, 'available', 'offline', now() - interval '20 days', 'sign_out'),
      ($1, 'offline', 'busy', now() - interval '1 day', 'heartbeat')`,
      [LUNA],
    );
    expect(await run('public.purge_presence_audit_log()')).toBe(1);
    expect(await run("public.purge_presence_audit_log(interval '7 days')")).toBe(1);
    expect(await run("public.purge_presence_audit_log(interval '7 days')")).toBe(0);
    expect(await auditOf(db, LUNA)).toEqual([{ old_status: 'offline', new_status: 'busy', cause: 'heartbeat' }]);
  });

  test('refuses an age under an hour: the transition limit counts the last minute of the log', async () => {
    await expect(sql(stack, "select public.purge_presence_audit_log(interval '5 minutes')")).rejects.toThrow(/refusing to purge/);
  });

  test('the log refuses rows that are no transition or have an unknown cause', async () => {
    const insert = (oldStatus: string, newStatus: string, cause: string) =>
      sql(stack, 'insert into public.presence_audit_log (user_id, old_status, new_status, cause) values ($1, $2, $3, $4)', [LUNA, oldStatus, newStatus, cause]);
    await expect(insert('busy', 'busy', 'reader_choice')).rejects.toThrow(/check/);
    await expect(insert('busy', 'available', 'direct_update')).rejects.toThrow(/check/);
    await expect(insert('busy', 'sleeping', 'expiry')).rejects.toThrow(/invalid input value for enum/);
  });
});

describe('deleting a user', () => {
  fromACleanSlate();

  test('takes their devices, choice and audit rows with them, and records nothing', async () => {
    const reader = await createReader(db, 'Leaving');
    await giveDevice(db, reader);
    await setChoice(db, reader, 'busy', { message: 'Bye', expiresIn: '1 hour' });
    await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, cause) values ($1, 'offline', 'busy', 'heartbeat')`, [reader]);
    await giveDevice(db, LUNA);
    await sql(stack, `insert into public.presence_audit_log (user_id, old_status, new_status, cause) values ($1, 'offline', 'available', 'heartbeat')`, [LUNA]);

    await sql(stack, 'delete from auth.users where id = $1', [reader]);
    const [left] = await sql(
      stack,
      `
      select (select count(*) from private.reader_devices where reader_id = $1)::int as devices,
             (select count(*) from private.reader_presence where reader_id = $1)::int as choices,
             (select count(*) from public.presence_audit_log where user_id = $1)::int as audit`,
      [reader],
    );
    expect(left).toEqual({ devices: 0, choices: 0, audit: 0 });
    expect(await auditOf(db, LUNA)).toHaveLength(1);
  });
});

describe('the job list', () => {
  test('private.presence_maintenance_jobs() lists the ten jobs, each run through the run log; without pg_cron the migration scheduled nothing', async () => {
    expect(await sql(stack, "select to_regnamespace('cron') is null as absent")).toEqual([{ absent: true }]);
    const logged = (name: string) => `select private.run_maintenance_job('${name}')`;
    expect(await sql(stack, 'select job_name, schedule, command, work from private.presence_maintenance_jobs() order by job_name')).toEqual([
      {
        job_name: 'cleanup-reader-presence',
        schedule: '*/10 * * * *',
        command: logged('cleanup-reader-presence'),
        work: 'select public.cleanup_reader_presence()',
      },
      {
        job_name: 'end-overdue-readings',
        schedule: '* * * * *',
        command: logged('end-overdue-readings'),
        work: 'select private.end_overdue_readings()',
      },
      {
        job_name: 'evaluate-presence-alerts',
        schedule: '* * * * *',
        command: logged('evaluate-presence-alerts'),
        work: 'select private.evaluate_presence_alerts()',
      },
      {
        job_name: 'mark-inactive-readers-offline',
        schedule: '* * * * *',
        command: logged('mark-inactive-readers-offline'),
        work: 'select public.mark_inactive_readers_offline()',
      },
      {
        job_name: 'purge-availability-notifications',
        schedule: '23 3 * * *',
        command: logged('purge-availability-notifications'),
        work: 'select public.purge_availability_notifications()',
      },
      {
        job_name: 'purge-presence-audit-log',
        schedule: '17 3 * * *',
        command: logged('purge-presence-audit-log'),
        work: 'select public.purge_presence_audit_log()',
      },
      {
        job_name: 'purge-presence-observability',
        schedule: '29 3 * * *',
        command: logged('purge-presence-observability'),
        work: 'select public.purge_presence_observability()',
      },
      { job_name: 'record-presence-minute', schedule: '* * * * *', command: logged('record-presence-minute'), work: 'select private.record_presence_minute()' },
      {
        job_name: 'refresh-reader-next-windows',
        schedule: '* * * * *',
        command: logged('refresh-reader-next-windows'),
        work: 'select private.refresh_reader_next_windows()',
      },
      {
        job_name: 'rollup-presence-analytics',
        schedule: '41 12 * * *',
        command: logged('rollup-presence-analytics'),
        work: "select private.rollup_presence_analytics((now() at time zone 'UTC')::date - 1)",
      },
    ]);
  });

  test('every listed command and its work run as they are written, and each run is logged without error', async () => {
    const jobs = await sql<{ job_name: string; command: string; work: string }>(
      stack,
      'select job_name, command, work from private.presence_maintenance_jobs()',
    );
    const [{ since }] = (await sql<{ since: Date }>(stack, 'select clock_timestamp() as since')) as [{ since: Date }];
    for (const { command, work } of jobs) {
      await expect(sql(stack, work), work).resolves.toBeDefined();
      await expect(sql(stack, command), command).resolves.toBeDefined();
    }
    const runs = await sql<{ job_name: string; error: string | null }>(
      stack,
      'select job_name, error from private.maintenance_runs where started_at >= $1 order by job_name',
      [since],
    );
    expect(runs).toEqual(jobs.map((job) => ({ job_name: job.job_name, error: null })).sort((a, b) => a.job_name.localeCompare(b.job_name)));
  });
});

describe('at 100,000 readers the presence reads are index-served', () => {
  beforeAll(async () => {
    await loadBulkReaders(stack);
    await sql(
      stack,
      `
      -- Readers who signed out once have a presence row (their last seen).
      insert into private.reader_presence (reader_id, last_seen_at)
      select id, now() - interval '3 days' from public.users where display_name like 'Bulk 2%';
      -- A tenth keep hours (two windows on five weekdays); the zone is checked once, being of the domain already.
      with zone as materialized (select 'Europe/London'::public.time_zone_name as name)
      insert into public.reader_schedules (reader_id, time_zone)
      select u.id, zone.name from public.users u, zone where u.display_name like 'Bulk 3%';
      analyze public.reader_schedules;
      insert into public.reader_hours (reader_id, weekday, starts, ends)
      select s.reader_id, d, make_time(w, 0, 0), make_time(w, 0, 0) + interval '90 minutes'
      from public.reader_schedules s
      cross join generate_series(1, 5) as d
      cross join lateral (values ((hashtext(s.reader_id::text) & 2147483647) % 11), (12 + (hashtext(s.reader_id::text || d) & 2147483647) % 10)) as v (w);
      analyze;
    `,
    );
  }, 240_000);

  async function plan(query: string, values: unknown[] = []): Promise<string> {
    const rows = await sql<{ 'QUERY PLAN': string }>(stack, `explain ${query}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  test('a page of the readers list, in directory order, reads the directory index in order with no sort', async () => {
    const order = 'order by recorded_status, average_rating desc, id limit 24';
    for (const page of [
      `select * from public.reader_cards ${order}`,
      `select * from public.reader_cards ${order} offset 2400`,
      `select * from public.reader_cards where recorded_status <> 'offline' ${order} offset 48`,
    ]) {
      const shown = await plan(page);
      expect(shown, page).toMatch(/Index Scan using users_directory_idx/);
      expect(shown, page).not.toMatch(/Sort|Seq Scan on users/);
    }
  });

  test("many readers' statuses, a heartbeat and a reader's own presence find their rows by key", async () => {
    const ids = (await sql<{ id: string }>(stack, "select id from public.users where display_name in ('Bulk 12345', 'Bulk 54321')")).map((r) => r.id);
    const many = await plan('select c.id, c.is_online from public.reader_cards c where c.id = any ($1)', [ids]);
    expect(many).toMatch(/Index (Only )?Scan using users_pkey/);
    expect(many).not.toMatch(/Seq Scan on users/);
    const beat = await plan('update private.reader_devices set last_seen_at = now() where session_id = $1 and reader_id = $2', [crypto.randomUUID(), ids[0]]);
    // Either key finds the one row: the session, or the reader's few devices.
    expect(beat).toMatch(/Index Scan using reader_devices_(pkey|reader_id_idx)/);
    const own = await plan('select * from private.reader_presence_now where reader_id = $1', [ids[0]]);
    expect(own).toMatch(/Index Scan using users_pkey/);
    expect(own).toMatch(/reader_devices_reader_id_idx/);
  });

  test("the dashboard's queries read a month of history by index, as an admin calls them", async () => {
    const month = `generate_series(date_trunc('minute', now()) - interval '30 days', date_trunc('minute', now()) - interval '1 minute', interval '1 minute') as m`;
    await sql(
      stack,
      `insert into private.presence_minutes (minute, readers, available, busy, away, online_stale, heartbeats_written, heartbeats_absorbed)
       select m, 100000, 8000, 1000, 1000, 0, 9000, 1000 from ${month} on conflict do nothing;
       insert into private.presence_minute_transitions (minute, cause, transitions)
       select m, c, 50 from ${month}, unnest(array['heartbeat', 'inactivity', 'reader_choice']) as c on conflict do nothing;
       insert into private.maintenance_runs (job_name, started_at, duration_ms, rows_changed)
       select j, m, 12.5, 3 from ${month}, unnest(array['mark-inactive-readers-offline', 'record-presence-minute', 'refresh-reader-next-windows']) as j;
       insert into private.presence_failure_reports (reader_id, reported_at, failures, first_failed_at, last_failed_at)
       select u.id, now() - (n % 43000) * interval '1 minute', 2, now() - (n % 43000 + 5) * interval '1 minute', now() - (n % 43000) * interval '1 minute'
       from (select id, row_number() over () as n from public.users where is_reader limit 20000) u;
       insert into private.presence_analytics (reader_id, day, online_minutes, sessions, longest_session_minutes, peak_hour)
       select u.id, (now() at time zone 'UTC')::date - d, 90, 2, 60, 20
       from (select id from public.users where is_reader limit 3000) u cross join generate_series(1, 30) as d;
       analyze private.presence_minutes, private.presence_minute_transitions, private.maintenance_runs, private.presence_failure_reports,
               private.presence_analytics;`,
    );
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    let plans: string[];
    try {
      plans = await autoExplained(db, async () => {
        await db.query('begin');
        await db.query(`select set_config('request.jwt.claims', $1, true)`, [
          JSON.stringify({ sub: DEMO_IDS.admin, role: 'authenticated', app_metadata: { role: 'admin' } }),
        ]);
        await db.query('set local role authenticated');
        await db.query('select * from public.ops_presence_now()');
        await db.query('select * from public.ops_maintenance_jobs()');
        for (const series of ['ops_presence_series', 'ops_transition_series', 'ops_maintenance_series']) {
          for (const period of ['24 hours', '7 days', '30 days']) await db.query(`select * from public.${series}($1)`, [period]);
        }
        await db.query('commit');
      });
    } finally {
      await db.end();
    }
    const planOf = (statement: RegExp) => plans.filter((plan) => statement.test(plan)).join('\n');
    // Each job's last run: the newest of its range of (job_name, started_at desc), never a walk back
    // through every job's runs; its runs of the last day, a range of either index.
    const jobs = planOf(/from private\.presence_maintenance_jobs\(\) j/);
    expect(jobs).toMatch(/Index Scan using maintenance_runs_job_idx on maintenance_runs r /);
    expect(jobs).not.toMatch(/Index Scan Backward using maintenance_runs_started_at_idx/);
    expect(jobs).toMatch(/Aggregate[\s\S]*(Index|Bitmap Index) (Only )?Scan (using|on) maintenance_runs_(job|started_at)_idx/);
    // A day of minutes, and a week, read as ranges of their keys (a day of runs by its start): a
    // month is what retention keeps (35 days), so its charts read nearly everything there is.
    const chartPlans = (table: string) => plans.filter((plan) => plan.includes(`from private.${table}`) && plan.includes('date_bin'));
    for (const [table, index] of [
      ['presence_minutes', 'presence_minutes_pkey'],
      ['presence_minute_transitions', 'presence_minute_transitions_pkey'],
      ['maintenance_runs', 'maintenance_runs_started_at_idx'],
    ]) {
      const [day, week] = chartPlans(table!);
      expect(day, `${table} over 24 hours`).toMatch(new RegExp(`(Index|Bitmap Index) Scan (Backward )?(using|on) ${index}`));
      if (table !== 'maintenance_runs') expect(week, `${table} over 7 days`).toMatch(new RegExp(`(Index|Bitmap Index) Scan (Backward )?(using|on) ${index}`));
    }
    // The per-reader limit on failure reports by index; retention by the BRIN summaries.
    const limit = await plan(`select from private.presence_failure_reports r where r.reader_id = $1 and r.reported_at > now() - interval '1 minute'`, [
      DEMO_IDS.luna,
    ]);
    expect(limit).toMatch(/Index (Only )?Scan using presence_failure_reports_reader_idx/);
    // A reader's month of days (reader_presence_stats): a range of the key.
    const days = await plan(
      `select a.day, a.online_minutes from private.presence_analytics a
       where a.reader_id = $1 and a.day > (now() at time zone 'UTC')::date - 30 order by a.day desc`,
      [DEMO_IDS.luna],
    );
    expect(days).toMatch(/(Index Scan (Backward )?using|Bitmap Index Scan on) presence_analytics_pkey/);
    // The minute's alerts (the active one found by its partial index) and a day's rollup (replacing the day's rows).
    await sql(stack, 'select private.evaluate_presence_alerts()');
    await sql(stack, `select private.rollup_presence_analytics((now() at time zone 'UTC')::date - 1)`);
    await sql(stack, `select public.purge_presence_observability(interval '29 days')`);
    expect(await sql(stack, `select count(*)::int as old from private.presence_failure_reports where reported_at < now() - interval '29 days'`)).toEqual([
      { old: 0 },
    ]);
  });

  test("a reading from request to end, the participants' reads and the minute job find their rows by index among 100,000 readings", async () => {
    // A ninth of the readers were clients of nine past readings each; a thousand requests ring now.
    await sql(
      stack,
      `alter table public.readings disable trigger push_reading;
       insert into public.readings (client_id, reader_id, price_per_minute, state, requested_at, answered_at, started_at, ended_at, ended_by,
                                    end_reason, client_heard_at, reader_heard_at)
       select c.id, r.id, 1.99, 'ended', t.at, t.at, t.at, t.at + interval '10 minutes', c.id, 'hung_up', t.at + interval '10 minutes', t.at + interval '10 minutes'
       from (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 3%') c
       join (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 4%') r on r.n = c.n
       cross join generate_series(1, 9) as k
       cross join lateral (select now() - (k * 3 + c.n % 3) * interval '1 day' as at) t;
       insert into public.readings (client_id, reader_id, price_per_minute)
       select c.id, r.id, 1.99
       from (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 5%' limit 1000) c
       join (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 6%') r on r.n = c.n;
       alter table public.readings enable trigger push_reading;
       analyze public.readings;`,
    );
    const [pair] = await sql<{ client: string; reader: string }>(
      stack,
      `select (select id from public.users where display_name = 'Bulk 31234') as client,
              (select n.reader_id from private.reader_presence_now n join public.users u on u.id = n.reader_id
               where u.display_name like 'Bulk 1%' and n.status = 'available'
                 and not exists (select from public.readings r where r.state in ('ringing', 'live') and n.reader_id in (r.client_id, r.reader_id))
               limit 1) as reader`,
    );
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    // Each participant signed in: a session of their own, which reading calls check.
    const sessionOf = new Map<string, string>();
    for (const userId of [pair!.client, pair!.reader]) {
      const [session] = await sql<{ id: string }>(
        stack,
        `insert into auth.sessions (id, user_id, created_at, updated_at, aal, tag)
         values (gen_random_uuid(), $1, now(), now(), 'aal1', $2) returning id`,
        [userId, FIXTURE_SESSION_TAG],
      );
      sessionOf.set(userId, session!.id);
    }
    /** Runs a statement as the signed-in user, as PostgREST would. */
    const as = async (userId: string, statement: string, values: unknown[] = []) => {
      await db.query('begin');
      const claims = { sub: userId, role: 'authenticated', session_id: sessionOf.get(userId) };
      await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(claims)]);
      await db.query('set local role authenticated');
      const { rows } = await db.query<Record<string, unknown>>(statement, values);
      await db.query('commit');
      return rows;
    };
    let plans: string[];
    try {
      plans = await autoExplained(db, async () => {
        const [asked] = await as(pair!.client, 'select (public.request_reading($1)).id', [pair!.reader]);
        const readingId = asked!.id as string;
        await as(pair!.reader, 'select public.answer_reading($1, true)', [readingId]);
        await as(pair!.client, 'select public.reading_heartbeat($1)', [readingId]);
        await as(pair!.reader, 'select public.current_reading()');
        await as(pair!.client, 'select id from public.readings where id = $1', [readingId]);
        expect((await as(pair!.reader, 'select (public.end_reading($1)).state', [readingId]))[0]).toEqual({ state: 'ended' });
        expect(await as(pair!.client, 'select id from public.my_readings(20)')).toHaveLength(10);
        await db.query('select private.end_overdue_readings()');
      });
    } finally {
      await db.end();
    }
    const everything = plans.join('\n');
    expect(everything).not.toMatch(/Seq Scan on (readings|users)\b/);
    // A participant's reading under way: the open readings of either role, by the two partial indexes.
    expect(everything).toMatch(/Index (Only )?Scan (using|on) readings_one_open_per_reader/);
    expect(everything).toMatch(/Index (Only )?Scan (using|on) readings_one_open_per_client/);
    // The request limit and the history: a short range of one user's readings.
    expect(everything).toMatch(/(Index|Bitmap Index) (Only )?Scan (using|on) readings_client_history_idx/);
    expect(everything).toMatch(/(Index|Bitmap Index) (Only )?Scan (using|on) readings_reader_history_idx/);
  }, 60_000);

  test("after the app's and the jobs' queries have run, every index was used and Supabase's advisors report nothing for our schemas but the accepted findings", async () => {
    const [reader] = await sql<{ id: string }>(stack, "select id from public.users where display_name = 'Bulk 12345'");
    await sql(stack, 'select * from public.reader_cards order by recorded_status, average_rating desc, id limit 24');
    await sql(stack, 'select * from public.get_readers_online_status($1)', [[reader!.id]]);
    await sql(stack, 'select public.mark_inactive_readers_offline(), public.cleanup_reader_presence(), private.refresh_reader_directory_stats()');
    await sql(stack, 'select * from public.reader_directory_summary()');
    // Reader hours: the minute job, and "Available later today".
    await sql(stack, 'select private.refresh_reader_next_windows()');
    await sql(
      stack,
      `select * from public.reader_cards
      where next_window_starts_at > now() and next_window_starts_at < now() + interval '12 hours'
        and recorded_status <> 'available' and status <> 'available'
      order by next_window_starts_at, average_rating desc, id limit 24`,
    );
    await sql(stack, 'select * from public.presence_audit_log where user_id = $1 order by changed_at', [reader!.id]);
    // Retention reads the BRIN summary once the log holds weeks of history (and autovacuum's statistics).
    await sql(
      stack,
      `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
      select $1, case when n % 2 = 0 then 'offline' else 'available' end::public.presence_status,
             case when n % 2 = 0 then 'available' else 'offline' end::public.presence_status,
             now() - interval '60 days' + n * interval '1 minute', 'inactivity'
      from generate_series(1, 86400) as n`,
      [reader!.id],
    );
    await sql(stack, 'analyze public.presence_audit_log');
    await sql(stack, 'select public.purge_presence_audit_log()');
    // Favourites: 10 clients follow each of 1,000 readers, who all become available in one statement
    // (the fan-out); one of them again after the cooldown (their followers and each one's last
    // notification found by index); a client reads their notifications; deleting the reader's
    // account removes what refers to it through the foreign keys' indexes.
    await sql(
      stack,
      `insert into public.favourites (client_id, reader_id, notify)
       select c.id, r.id, true
       from (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 3%' limit 10000) c
       join (select id, row_number() over (order by id) as n from public.users where display_name like 'Bulk 4%' limit 1000) r on r.n = c.n % 1000 + 1;
       analyze public.favourites;
       insert into public.presence_audit_log (user_id, old_status, new_status, cause)
       select distinct f.reader_id, 'offline'::public.presence_status, 'available'::public.presence_status, 'heartbeat' from public.favourites f;
       analyze public.availability_notifications;`,
    );
    const [followed] = await sql<{ client_id: string; reader_id: string }>(
      stack,
      'select client_id, reader_id from public.favourites order by reader_id limit 1',
    );
    await sql(stack, "update public.availability_notifications set available_at = available_at - interval '11 minutes' where reader_id = $1", [
      followed!.reader_id,
    ]);
    await sql(stack, "insert into public.presence_audit_log (user_id, old_status, new_status, cause) values ($1, 'away', 'available', 'reader_choice')", [
      followed!.reader_id,
    ]);
    await sql(stack, 'select * from public.availability_notifications where client_id = $1 order by available_at desc, id desc limit 50', [
      followed!.client_id,
    ]);
    await sql(stack, 'delete from auth.users where id = $1', [followed!.reader_id]);
    // The admins' queue of pending applications, oldest first (fetchPendingApplications).
    await sql(stack, "select applicant_id, submitted_at from public.reader_applications where status = 'pending' order by submitted_at, applicant_id limit 50");
    // Removing a level checks that no reader still has it: the foreign-key index serves that.
    await sql(stack, "insert into public.reader_levels (name, color_theme, icon, base_price_per_minute) values ('Retired', 'gray', 'archive', 0)");
    await sql(stack, "delete from public.reader_levels where name = 'Retired'");

    const deadline = Date.now() + 15_000;
    let unused: Array<{ indexrelname: string }>;
    do {
      unused = await sql<{ indexrelname: string }>(
        stack,
        `select indexrelname from pg_stat_user_indexes
        where schemaname in ('public', 'private') and idx_scan = 0 and indexrelname not like '%_pkey' and indexrelname not like '%_key'`,
      );
      if (unused.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    } while (Date.now() < deadline);
    expect(unused).toEqual([]);

    const report = JSON.parse(await runSupabaseCli(PROJECT_DIR, ['db', 'advisors', '--db-url', stack.dbUrl, '--level', 'info', '--output-format', 'json'])) as {
      results: Array<{ name: string; detail: string; metadata?: { schema?: string } }>;
    };
    const ours = report.results
      .filter((finding) => ['public', 'private'].includes(finding.metadata?.schema ?? ''))
      .map((finding) => `${finding.name}: ${finding.detail}`);
    // The accepted findings, each on purpose. reader_cards runs with its owner's rights so that
    // visitors read the effective status without any right on the private tables; it shows readers
    // only, their card fields, and a message only with a visible status
    // (20251125000400_reader_directory.sql). The rule's functions have SQL-standard bodies, bound
    // when created, and no SET clause so that PostgreSQL inlines them (20251125000200_reader_presence.sql).
    // Anything else the advisors find fails here.
    const INLINED_RULE_FUNCTIONS = [
      'presence_online_threshold',
      'presence_heartbeat_min_interval',
      'presence_auto_away_after',
      'presence_busy_limit',
      'presence_choice_max_duration',
      'presence_transitions_per_minute',
      'device_is_live',
      'choice_in_force',
      'presence_status_at',
      'public_last_seen_at',
      'own_presence',
      'time_transition_cause',
      // The readings' timings, their duration and amount (generated columns), the overdue rule and
      // the signalling topic's reading (20251125001100_video_readings.sql).
      'reading_ring_timeout',
      'reading_silence_limit',
      'reading_heartbeat_min_interval',
      'reading_seconds',
      'reading_minutes',
      'reading_amount',
      'reading_is_overdue',
      'reading_of_topic',
      // How long a TURN credential lasts (20251125001200_reading_ice_servers.sql).
      'reading_turn_credential_ttl',
    ];
    expect(ours.sort()).toEqual(
      [
        'security_definer_view: View `public.reader_cards` is defined with the SECURITY DEFINER property',
        ...INLINED_RULE_FUNCTIONS.map((name) => `function_search_path_mutable: Function \`private.${name}\` has a role mutable search_path`),
      ].sort(),
    );
    // Bound when created: each has a parsed SQL-standard body, which no search_path can redirect.
    const unbound = await sql(
      stack,
      `select proname from pg_proc
      where pronamespace = 'private'::regnamespace and proname = any ($1) and prosqlbody is null`,
      [INLINED_RULE_FUNCTIONS],
    );
    expect(unbound).toEqual([]);
  }, 90_000);
});
