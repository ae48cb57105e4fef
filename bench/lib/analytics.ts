/**
 * What the daily presence_analytics rollup costs with a month of audit history: one reader in
 * `share` online twice a day for 30 days (four transitions a day), then one day rolled up for every
 * reader, `repeats` times (each run replaces the day's rows, as a re-run does).
 */
import type pg from 'pg';

export interface RollupMeasure {
  readers: number;
  /** Rows in the audit log when the rollup ran. */
  auditRows: number;
  day: string;
  /** Readers online that day: the rows each run wrote. */
  readersOnline: number;
  ms: { median: number; min: number; max: number };
}

const DAYS = 30;

/** A month of sessions for one reader in `every`, written with the log's triggers off (no pushes, counters or notifications for the past). */
export async function addAuditHistory(db: pg.Client, every = 10): Promise<void> {
  await db.query('alter table public.presence_audit_log disable trigger user');
  try {
    // Online at a time of day of their own, for three hours, twice a day.
    await db.query(
      `insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
       select u.id,
              case when k % 2 = 0 then 'offline' else 'available' end::public.presence_status,
              case when k % 2 = 0 then 'available' else 'offline' end::public.presence_status,
              date_trunc('day', now()) - make_interval(days => d) + make_interval(mins => ((u.n * 37) % 600)::int) + k * interval '3 hours',
              'heartbeat'
       from (select id, row_number() over (order by id) as n from public.users where is_reader) u
       cross join generate_series(1, $2::int) as d
       cross join generate_series(0, 3) as k
       where u.n % $1 = 0`,
      [every, DAYS],
    );
  } finally {
    await db.query('alter table public.presence_audit_log enable trigger user');
  }
  await db.query('analyze public.presence_audit_log');
}

export async function measureRollup(db: pg.Client, repeats = 3): Promise<RollupMeasure> {
  const {
    rows: [facts],
  } = await db.query<{ readers: number; audit_rows: number; day: string }>(
    `select (select count(*) from public.users where is_reader)::int as readers,
            (select count(*) from public.presence_audit_log)::int as audit_rows,
            ((now() at time zone 'UTC')::date - ${DAYS / 2})::text as day`,
  );
  const runs: Array<{ ms: number; written: number }> = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const started = performance.now();
    const {
      rows: [run],
    } = await db.query<{ written: number }>('select private.rollup_presence_analytics($1::date) as written', [facts!.day]);
    runs.push({ ms: performance.now() - started, written: run!.written });
  }
  runs.sort((a, b) => a.ms - b.ms);
  const middle = runs[Math.floor(runs.length / 2)]!;
  return {
    readers: facts!.readers,
    auditRows: facts!.audit_rows,
    day: facts!.day,
    readersOnline: middle.written,
    ms: { median: middle.ms, min: runs[0]!.ms, max: runs.at(-1)!.ms },
  };
}
