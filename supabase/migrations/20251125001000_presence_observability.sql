-- Presence observability: what the maintenance jobs did (a run log written by every job, whether
-- pg_cron or the local scheduler runs it), presence minute by minute (counts by status, heartbeats
-- written and absorbed, failures browsers reported, transitions by cause), the failure reports
-- themselves, their retention, and the admin-only functions the /ops dashboard reads.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Admins only
-- ============================================================================================

create function private.require_admin(action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins %', action using errcode = '42501';
  end if;
end;
$$;
comment on function private.require_admin(text) is 'Refuses (42501, "only admins <action>") a caller who is not an admin.';

-- ============================================================================================
-- The maintenance run log
-- ============================================================================================

create table private.maintenance_runs (
  id bigint generated always as identity primary key,
  job_name text not null,
  started_at timestamptz not null,
  duration_ms double precision not null,
  -- What the job's function returned when it counts what it changed; null for the others.
  rows_changed integer,
  -- SQLSTATE and message when the job failed; its work was then rolled back.
  error text
);
comment on table private.maintenance_runs is
  'One row per maintenance job run, written by private.run_maintenance_job() whoever schedules it.';
-- "When did each job last run": the newest of one job's range. Charts and retention read ranges of
-- time in a log appended in time order: a BRIN summary, which also cannot tempt the planner into
-- walking every job's runs backwards in time to find the last one of a job that never ran.
create index maintenance_runs_job_idx on private.maintenance_runs (job_name, started_at desc);
create index maintenance_runs_started_at_idx on private.maintenance_runs using brin (started_at);

-- The job list gains the work each job does; its command is now the logged run of that work, so
-- pg_cron and the local scheduler (which run `command`) both write the run log.
drop function private.presence_maintenance_jobs();
create function private.presence_maintenance_jobs()
returns table (job_name text, schedule text, command text, work text)
language sql
immutable
set search_path = ''
as $$
  select j.job_name, j.schedule, format('select private.run_maintenance_job(%L)', j.job_name), j.work
  from (
    values
      ('mark-inactive-readers-offline', '* * * * *', 'select public.mark_inactive_readers_offline()'),
      ('cleanup-reader-presence', '*/10 * * * *', 'select public.cleanup_reader_presence()'),
      ('purge-presence-audit-log', '17 3 * * *', 'select public.purge_presence_audit_log()'),
      -- Records the directory counts (what refresh-reader-directory-stats did) and the minute's row.
      ('record-presence-minute', '* * * * *', 'select private.record_presence_minute()'),
      ('purge-availability-notifications', '23 3 * * *', 'select public.purge_availability_notifications()'),
      ('refresh-reader-next-windows', '* * * * *', 'select private.refresh_reader_next_windows()'),
      ('purge-presence-observability', '29 3 * * *', 'select public.purge_presence_observability()')
  ) as j(job_name, schedule, work)
$$;
comment on function private.presence_maintenance_jobs() is
  'Presence maintenance jobs: their cron schedules, the logged command pg_cron or the local stack runs, and the work it does.';

-- A failed job is logged and reported as a warning rather than an error, so that its log row is
-- kept: pg_cron then records the run as succeeded, and the run log is where failures are read.
create function private.run_maintenance_job(job text)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  job_work text;
  started timestamptz := clock_timestamp();
  result text;
  changed integer;
  failure text;
begin
  select j.work into job_work from private.presence_maintenance_jobs() j where j.job_name = job;
  if job_work is null then
    raise exception 'no maintenance job is named %', job using errcode = '22023';
  end if;
  begin
    execute job_work into result;
    changed := case when result ~ '^\d{1,9}$' then result::integer end;
  exception when others then
    failure := sqlstate || ': ' || sqlerrm;
  end;
  insert into private.maintenance_runs (job_name, started_at, duration_ms, rows_changed, error)
  values (job, started, extract(epoch from clock_timestamp() - started) * 1000, changed, failure);
  if failure is not null then
    raise warning 'maintenance job % failed: %', job, failure;
  end if;
  return changed;
end;
$$;
comment on function private.run_maintenance_job(text) is
  'Runs a maintenance job''s work and logs the run (start, duration, rows changed, error); returns the rows changed.';

-- ============================================================================================
-- Counting as it happens: heartbeats, failures, transitions
-- ============================================================================================

-- Counters of the current minute, kept per backend shard so that concurrent heartbeats do not
-- queue on one row. Unlogged: no WAL for the heartbeat's count, and a crash loses at most the
-- minute not yet folded into presence_minutes.
create unlogged table private.presence_tally (
  minute timestamptz not null,
  metric text not null check (metric in ('heartbeat_written', 'heartbeat_absorbed', 'failures_reported')
                              or metric ~ '^transition:[a-z_]{1,32}$'),
  shard smallint not null,
  count integer not null,
  primary key (minute, metric, shard)
);
comment on table private.presence_tally is
  'This minute''s presence counters by backend shard; the minute job folds past minutes into presence_minutes.';

create function private.tally_presence(metric text, amount integer default 1)
returns void
language sql
set search_path = ''
as $$
  insert into private.presence_tally as t (minute, metric, shard, count)
  values (date_trunc('minute', now()), metric, pg_backend_pid() % 16, amount)
  on conflict (minute, metric, shard) do update set count = t.count + excluded.count;
$$;
comment on function private.tally_presence(text, integer) is 'Adds to one of this minute''s presence counters.';

create function private.tally_recorded_transitions()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.tally_presence('transition:' || r.cause, r.transitions::integer)
  from (select t.cause, count(*) as transitions from recorded t group by t.cause) r;
  return null;
end;
$$;
comment on function private.tally_recorded_transitions() is 'Counts the transitions a statement recorded, by cause.';

create trigger tally_recorded_transitions
  after insert on public.presence_audit_log
  referencing new table as recorded
  for each statement execute function private.tally_recorded_transitions();

-- The heartbeat as in 20251125000200, counting what it wrote and what it absorbed.
create or replace function public.reader_heartbeat(idle_seconds integer default 0)
returns public.own_presence
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller record := private.presence_caller(verify => false);
  input_at timestamptz := now() - make_interval(secs => least(greatest(coalesce(idle_seconds, 0), 0), 86400));
  recorded public.presence_status;
begin
  perform set_config('synchronous_commit', 'off', true);

  update private.reader_devices d
  set last_seen_at = now(), last_input_at = input_at
  where d.session_id = caller.session
    and d.reader_id = caller.reader
    and private.device_is_live(d.last_seen_at, now())
    and (d.last_seen_at < now() - private.presence_heartbeat_min_interval()
         or d.last_input_at < input_at - private.presence_heartbeat_min_interval());
  if found then
    perform private.tally_presence('heartbeat_written');
    -- Live before and after: only input can have changed the status (away to available).
    return private.settle_presence(caller.reader, 'heartbeat');
  end if;

  -- Not a live device of this reader: now the caller must prove to be a reader with an active session.
  perform private.presence_caller();
  -- Transitions of one reader one at a time: the row lock orders concurrent devices.
  select u.recorded_status into recorded from public.users u where u.id = caller.reader for update;

  if exists (select from private.reader_devices d
             where d.session_id = caller.session and private.device_is_live(d.last_seen_at, now()))
     -- Too many transitions this minute: the next heartbeat brings the reader back.
     or (recorded = 'offline' and not private.presence_transition_allowed(caller.reader)) then
    -- Heard less than 15 seconds ago, or over the limit: absorbed, nothing written.
    perform private.tally_presence('heartbeat_absorbed');
    return (select private.own_presence(n) from private.reader_presence_now n where n.reader_id = caller.reader);
  end if;

  insert into private.reader_devices as d (session_id, reader_id, last_seen_at, last_input_at)
  values (caller.session, caller.reader, now(), input_at)
  on conflict (session_id) do update set last_seen_at = excluded.last_seen_at, last_input_at = excluded.last_input_at;
  perform private.tally_presence('heartbeat_written');
  return private.settle_presence(caller.reader, 'heartbeat');
end;
$$;

-- ============================================================================================
-- Failures browsers saw
-- ============================================================================================

-- A presence request that fails never reaches the database, so the browser counts its failures
-- and reports them once it is heard again.
create table private.presence_failure_reports (
  id bigint generated always as identity primary key,
  reader_id uuid not null references public.users (id) on delete cascade,
  reported_at timestamptz not null default now(),
  failures integer not null check (failures between 1 and 10000),
  first_failed_at timestamptz not null,
  last_failed_at timestamptz not null,
  check (first_failed_at <= last_failed_at)
);
comment on table private.presence_failure_reports is
  'Presence requests a reader''s browser saw fail (how many, first and last), reported after it reconnected.';
-- The per-reader limit and a reader's own history; retention by time, in a table appended in time order.
create index presence_failure_reports_reader_idx on private.presence_failure_reports (reader_id, reported_at desc);
create index presence_failure_reports_reported_at_idx on private.presence_failure_reports using brin (reported_at);

create function public.report_presence_failures(failures integer, first_failed_at timestamptz, last_failed_at timestamptz)
returns void
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller record := private.presence_caller();
begin
  if failures is null or failures not between 1 and 10000 then
    raise exception 'failures must be between 1 and 10000, got %', coalesce(failures::text, 'null') using errcode = '22023';
  end if;
  if first_failed_at is null or last_failed_at is null or first_failed_at > last_failed_at then
    raise exception 'first_failed_at and last_failed_at are required, first not after last' using errcode = '22023';
  end if;
  -- A browser's clock may be a little ahead; a report is of the last day, not of the future.
  if first_failed_at < now() - interval '1 day' or last_failed_at > now() + interval '5 minutes' then
    raise exception 'failures are reported within a day, got % to %', first_failed_at, last_failed_at using errcode = '22023';
  end if;
  -- One report a minute per reader; the row lock makes two concurrent reports take turns.
  perform from public.users u where u.id = caller.reader for update;
  if exists (select from private.presence_failure_reports r
             where r.reader_id = caller.reader and r.reported_at > now() - interval '1 minute') then
    raise exception 'presence failures were reported less than a minute ago: add these to the next report'
      using errcode = 'PT429';
  end if;
  insert into private.presence_failure_reports (reader_id, failures, first_failed_at, last_failed_at)
  values (caller.reader, failures, first_failed_at, last_failed_at);
  perform private.tally_presence('failures_reported', failures);
end;
$$;
comment on function public.report_presence_failures(integer, timestamptz, timestamptz) is
  'A signed-in reader''s browser reports presence requests that failed (1 to 10000, within the last day); one report a minute (429 otherwise).';

-- ============================================================================================
-- Presence minute by minute
-- ============================================================================================

create table private.presence_minutes (
  minute timestamptz primary key,
  -- The directory counts at the end of the minute; null for a minute the job did not see end.
  readers integer,
  available integer,
  busy integer,
  away integer,
  -- Readers recorded online whom the rule already says are offline: what the minute job clears.
  online_stale integer,
  heartbeats_written integer not null default 0,
  heartbeats_absorbed integer not null default 0,
  failures_reported integer not null default 0
);
comment on table private.presence_minutes is
  'Presence per minute: counts by status at its end, heartbeats written and absorbed and failures reported during it.';

create table private.presence_minute_transitions (
  minute timestamptz not null,
  cause text not null,
  transitions integer not null,
  primary key (minute, cause)
);
comment on table private.presence_minute_transitions is 'Transitions recorded per minute, by cause.';

-- The every-minute job: the directory counts (for the readers page) and the minute that just
-- ended; the counters of every past minute, added to their minute's row, so a counter committed
-- after its minute was folded is added in the next run.
create function private.record_presence_minute()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  this_minute timestamptz := date_trunc('minute', now());
  folded integer;
begin
  perform private.refresh_reader_directory_stats();
  insert into private.presence_minutes as m (minute, readers, available, busy, away, online_stale)
  select this_minute - interval '1 minute', s.readers, s.available, s.busy, s.away,
         -- A range of users_directory_idx: the enum orders offline last.
         (select count(*) from private.reader_presence_now n where n.recorded_status < 'offline' and n.status = 'offline')
  from private.reader_directory_stats s
  on conflict (minute) do update
  set readers = excluded.readers, available = excluded.available, busy = excluded.busy, away = excluded.away,
      online_stale = excluded.online_stale;

  with past as (
    delete from private.presence_tally t where t.minute < this_minute
    returning t.minute, t.metric, t.count
  ),
  counters as (
    insert into private.presence_minutes as m (minute, heartbeats_written, heartbeats_absorbed, failures_reported)
    select p.minute,
           coalesce(sum(p.count) filter (where p.metric = 'heartbeat_written'), 0),
           coalesce(sum(p.count) filter (where p.metric = 'heartbeat_absorbed'), 0),
           coalesce(sum(p.count) filter (where p.metric = 'failures_reported'), 0)
    from past p
    group by p.minute
    on conflict (minute) do update
    set heartbeats_written = m.heartbeats_written + excluded.heartbeats_written,
        heartbeats_absorbed = m.heartbeats_absorbed + excluded.heartbeats_absorbed,
        failures_reported = m.failures_reported + excluded.failures_reported
  ),
  transitions as (
    insert into private.presence_minute_transitions as m (minute, cause, transitions)
    select p.minute, substr(p.metric, length('transition:') + 1), sum(p.count)
    from past p
    where p.metric like 'transition:%'
    group by p.minute, p.metric
    on conflict (minute, cause) do update set transitions = m.transitions + excluded.transitions
  )
  select count(*) into folded from past;
  return folded;
end;
$$;
comment on function private.record_presence_minute() is
  'The every-minute job: records the directory counts and the minute that ended, and folds past counters; returns the counter rows folded.';

-- ============================================================================================
-- Retention
-- ============================================================================================

create function public.purge_presence_observability(older_than interval default interval '35 days')
returns integer
language plpgsql
set search_path = ''
as $$
declare
  cutoff timestamptz := now() - older_than;
  removed integer := 0;
  more integer;
begin
  if older_than < interval '1 day' then
    raise exception 'refusing to purge presence history younger than a day (asked for %)', older_than using errcode = '22023';
  end if;
  delete from private.presence_minutes where minute < cutoff;
  get diagnostics more = row_count;
  removed := removed + more;
  delete from private.presence_minute_transitions where minute < cutoff;
  get diagnostics more = row_count;
  removed := removed + more;
  delete from private.maintenance_runs where started_at < cutoff;
  get diagnostics more = row_count;
  removed := removed + more;
  delete from private.presence_failure_reports where reported_at < cutoff;
  get diagnostics more = row_count;
  removed := removed + more;
  raise log 'presence observability retention: removed % rows older than %', removed, older_than;
  return removed;
end;
$$;
comment on function public.purge_presence_observability(interval) is
  'Removes presence minutes, transitions per minute, maintenance runs and failure reports older than the given age (default 35 days: the dashboard shows 30); returns how many.';
grant execute on function public.purge_presence_observability(interval) to service_role;

-- ============================================================================================
-- What the /ops dashboard reads (admins only)
-- ============================================================================================

-- Now: the directory's counts, live; the last full minute's heartbeats and failures; each job's last run.
create function public.ops_presence_now()
returns table (
  readers bigint, available bigint, busy bigint, away bigint, online_stale bigint, offline bigint,
  minute timestamptz, heartbeats_written integer, heartbeats_absorbed integer, failures_reported integer,
  server_time timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_admin('see the presence dashboard');
  return query
    select c.readers, c.available, c.busy, c.away,
           (select count(*) from private.reader_presence_now n where n.recorded_status < 'offline' and n.status = 'offline'),
           c.readers - c.available - c.busy - c.away,
           m.minute, coalesce(m.heartbeats_written, 0), coalesce(m.heartbeats_absorbed, 0), coalesce(m.failures_reported, 0),
           now()
    from private.count_reader_directory() c
    left join lateral (
      select * from private.presence_minutes pm
      where pm.minute = date_trunc('minute', now()) - interval '1 minute'
    ) m on true;
end;
$$;
comment on function public.ops_presence_now() is
  'Admins: readers by status now (and recorded online but already offline), and the last full minute''s heartbeats and failures.';

create function public.ops_maintenance_jobs()
returns table (
  job_name text, schedule text, last_started_at timestamptz, last_duration_ms double precision,
  last_rows_changed integer, last_error text, runs_24h bigint, failures_24h bigint, server_time timestamptz
)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_admin('see the presence dashboard');
  return query
    select j.job_name, j.schedule, l.started_at, l.duration_ms, l.rows_changed, l.error,
           d.runs, d.failures, now()
    from private.presence_maintenance_jobs() j
    left join lateral (
      select r.started_at, r.duration_ms, r.rows_changed, r.error
      from private.maintenance_runs r
      where r.job_name = j.job_name
      order by r.started_at desc
      limit 1
    ) l on true
    cross join lateral (
      select count(*) as runs, count(r.error) as failures
      from private.maintenance_runs r
      where r.job_name = j.job_name and r.started_at > now() - interval '24 hours'
    ) d;
end;
$$;
comment on function public.ops_maintenance_jobs() is
  'Admins: every maintenance job with its schedule, its last run (start, duration, rows changed, error) and its runs and failures in 24 hours.';

-- The periods the dashboard charts, each with the bucket that gives it about 150 points.
create function private.ops_period_bucket(period text)
returns interval
language plpgsql
immutable
set search_path = ''
as $$
begin
  return case period
    when '24 hours' then interval '10 minutes'
    when '7 days' then interval '1 hour'
    when '30 days' then interval '6 hours'
  end;
end;
$$;
comment on function private.ops_period_bucket(text) is 'The chart bucket of a dashboard period (24 hours, 7 days, 30 days); null for any other.';

create function private.ops_series_bounds(period text, out since timestamptz, out bucket interval)
language plpgsql
stable
set search_path = ''
as $$
begin
  perform private.require_admin('see the presence dashboard');
  bucket := private.ops_period_bucket(period);
  if bucket is null then
    raise exception 'period must be ''24 hours'', ''7 days'' or ''30 days'', got %', coalesce(period, 'null') using errcode = '22023';
  end if;
  since := date_bin(bucket, now() - period::interval, timestamptz '2000-01-01');
end;
$$;
comment on function private.ops_series_bounds(text) is 'Checks an admin''s chart period and gives its first bucket''s start and its bucket.';

-- Per bucket: readers online (average and peak of the minutes), heartbeats, failures and the
-- failure rate (failures reported per heartbeat attempted), and the minutes seen.
create function public.ops_presence_series(period text)
returns table (
  bucket_start timestamptz, online_avg numeric, online_peak integer, available_avg numeric,
  heartbeats bigint, failures bigint, failure_rate numeric, online_stale_peak integer, minutes_seen bigint
)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  bounds record := private.ops_series_bounds(period);
begin
  return query
    select date_bin(bounds.bucket, m.minute, timestamptz '2000-01-01'),
           round(avg(m.available + m.busy + m.away), 1),
           max(m.available + m.busy + m.away),
           round(avg(m.available), 1),
           sum(m.heartbeats_written + m.heartbeats_absorbed),
           sum(m.failures_reported),
           round(sum(m.failures_reported)::numeric / nullif(sum(m.heartbeats_written + m.heartbeats_absorbed + m.failures_reported), 0), 4),
           max(m.online_stale),
           count(m.readers)
    from private.presence_minutes m
    where m.minute >= bounds.since
    group by 1
    order by 1;
end;
$$;
comment on function public.ops_presence_series(text) is
  'Admins: presence per chart bucket over 24 hours, 7 days or 30 days: readers online, heartbeats, failures and their rate.';

create function public.ops_transition_series(period text)
returns table (bucket_start timestamptz, cause text, transitions bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  bounds record := private.ops_series_bounds(period);
begin
  return query
    select date_bin(bounds.bucket, t.minute, timestamptz '2000-01-01'), t.cause, sum(t.transitions)::bigint
    from private.presence_minute_transitions t
    where t.minute >= bounds.since
    group by 1, 2
    order by 1, 2;
end;
$$;
comment on function public.ops_transition_series(text) is 'Admins: transitions recorded per chart bucket and cause over 24 hours, 7 days or 30 days.';

create function public.ops_maintenance_series(period text)
returns table (bucket_start timestamptz, job_name text, runs bigint, failures bigint, duration_ms_avg double precision,
               duration_ms_max double precision, rows_changed bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  bounds record := private.ops_series_bounds(period);
begin
  return query
    select date_bin(bounds.bucket, r.started_at, timestamptz '2000-01-01'), r.job_name, count(*), count(r.error),
           avg(r.duration_ms), max(r.duration_ms), coalesce(sum(r.rows_changed), 0)::bigint
    from private.maintenance_runs r
    where r.started_at >= bounds.since
    group by 1, 2
    order by 1, 2;
end;
$$;
comment on function public.ops_maintenance_series(text) is
  'Admins: maintenance runs per chart bucket and job over 24 hours, 7 days or 30 days: runs, failures, duration and rows changed.';

-- ============================================================================================
-- Privileges and pg_cron
-- ============================================================================================

revoke execute on function private.require_admin(text), private.run_maintenance_job(text),
  private.tally_presence(text, integer), private.tally_recorded_transitions(), private.record_presence_minute(),
  private.ops_period_bucket(text), private.ops_series_bounds(text) from public;
revoke execute on function public.purge_presence_observability(interval) from public, anon, authenticated;
revoke execute on function public.report_presence_failures(integer, timestamptz, timestamptz) from public, anon;
grant execute on function public.report_presence_failures(integer, timestamptz, timestamptz) to authenticated;
revoke execute on function public.ops_presence_now(), public.ops_maintenance_jobs(), public.ops_presence_series(text),
  public.ops_transition_series(text), public.ops_maintenance_series(text) from public, anon;
grant execute on function public.ops_presence_now(), public.ops_maintenance_jobs(), public.ops_presence_series(text),
  public.ops_transition_series(text), public.ops_maintenance_series(text) to authenticated;

-- Where 20251125000500 scheduled the jobs with pg_cron: the same names now run their logged
-- command, the minute's recording replaces the directory counts' job, and the new purge is added.
do $$
declare
  job record;
begin
  if to_regnamespace('cron') is null then
    return;
  end if;
  perform cron.unschedule(c.jobname) from cron.job c where c.jobname = 'refresh-reader-directory-stats';
  for job in select * from private.presence_maintenance_jobs() loop
    perform cron.schedule(job.job_name, job.schedule, job.command);
  end loop;
end;
$$;
