-- Presence observability: what the maintenance jobs did (a run log written by every job, whether
-- pg_cron or the local scheduler runs it), presence minute by minute (counts by status, heartbeats
-- written and absorbed, failures browsers reported, transitions by cause), the failure reports
-- themselves, alerts fired and cleared by rules the every-minute job evaluates, each reader's day
-- rolled up from the audit log (presence_analytics), retention, and the functions the /ops
-- dashboard (admins) and a reader's own statistics read.
-- Rollback: supabase/rollback/presence.sql

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
      ('evaluate-presence-alerts', '* * * * *', 'select private.evaluate_presence_alerts()'),
      -- At 12:41 UTC yesterday has ended in every time zone (UTC-12 to UTC+14).
      ('rollup-presence-analytics', '41 12 * * *', 'select private.rollup_presence_analytics((now() at time zone ''UTC'')::date - 1)'),
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

-- Readers recorded online whom the rule already says are offline: what the minute job records
-- offline next. A range of users_directory_idx (the enum orders offline last).
create function private.count_online_stale()
returns bigint
language sql
stable
set search_path = ''
as $$
  select count(*) from private.reader_presence_now n where n.recorded_status < 'offline' and n.status = 'offline';
$$;
comment on function private.count_online_stale() is 'How many readers are recorded online but offline by the rule now.';

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
         private.count_online_stale()
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
-- Presence analytics: each reader's day
-- ============================================================================================

-- A reader's day in their own time zone (their hours' zone, UTC without one): minutes online
-- (available, busy or away), sessions (unbroken runs of those; one over midnight counts on both
-- days, each day with its own part), the longest part of one, and the hour with the most minutes.
create table private.presence_analytics (
  reader_id uuid not null references public.users (id) on delete cascade,
  day date not null,
  -- A day has 23 to 25 hours where clocks change.
  online_minutes numeric(6, 1) not null check (online_minutes between 0 and 1500),
  sessions integer not null check (sessions > 0),
  longest_session_minutes numeric(6, 1) not null,
  peak_hour smallint not null check (peak_hour between 0 and 23),
  computed_at timestamptz not null default now(),
  primary key (reader_id, day)
);
comment on table private.presence_analytics is
  'Each reader''s presence per local day, from the audit log: online minutes, sessions, longest session, peak hour. No row: not online that day.';
-- A day's rows, for re-running it and for retention.
create index presence_analytics_day_idx on private.presence_analytics (day);

-- The rule, computed and not stored: every reader's local day `local_day` from the audit log.
create function private.presence_days_of(local_day date)
returns table (reader_id uuid, day date, online_minutes numeric, sessions integer, longest_session_minutes numeric, peak_hour smallint)
language sql
stable
set search_path = ''
as $$
  with days as (
    select u.id as reader_id, coalesce(s.time_zone, 'UTC') as zone,
           local_day::timestamp at time zone coalesce(s.time_zone, 'UTC') as starts,
           (local_day + 1)::timestamp at time zone coalesce(s.time_zone, 'UTC') as ends
    from public.users u
    left join public.reader_schedules s on s.reader_id = u.id
    where u.is_reader
  ),
  -- The status at the day's start, then each transition during it, in the log's order.
  points as (
    select d.reader_id, d.starts as at, 0::bigint as seq, coalesce(b.new_status, 'offline') as status
    from days d
    left join lateral (
      select a.new_status from public.presence_audit_log a
      where a.user_id = d.reader_id and a.changed_at < d.starts
      order by a.changed_at desc, a.id desc
      limit 1
    ) b on true
    union all
    select d.reader_id, a.changed_at, a.id, a.new_status
    from days d
    join public.presence_audit_log a on a.user_id = d.reader_id and a.changed_at >= d.starts and a.changed_at < d.ends
  ),
  segments as (
    select p.reader_id, p.at as starts, coalesce(lead(p.at) over w, d.ends) as ends, p.status, p.at, p.seq,
           -- A session starts where a status other than offline follows offline (or the day's start).
           case when p.status <> 'offline' and coalesce(lag(p.status) over w, 'offline') = 'offline' then 1 else 0 end as opens
    from points p
    join days d on d.reader_id = p.reader_id
    window w as (partition by p.reader_id order by p.at, p.seq)
  ),
  numbered as (
    select g.*, sum(g.opens) over (partition by g.reader_id order by g.at, g.seq) as session
    from segments g
  ),
  online as (
    select n.reader_id, n.starts, n.ends, n.session
    from numbered n
    where n.status <> 'offline' and n.ends > n.starts
  ),
  per_session as (
    select o.reader_id, o.session, sum(extract(epoch from o.ends - o.starts)) / 60 as minutes
    from online o
    group by o.reader_id, o.session
  ),
  per_hour as (
    select o.reader_id, extract(hour from h.hour at time zone d.zone)::smallint as hour,
           sum(extract(epoch from least(o.ends, h.hour + interval '1 hour') - greatest(o.starts, h.hour))) as seconds,
           min(h.hour) as first
    from online o
    join days d on d.reader_id = o.reader_id
    -- Whole hours of the reader's zone (some zones are offset by half an hour).
    cross join lateral generate_series(date_trunc('hour', o.starts, d.zone), o.ends - interval '1 microsecond', interval '1 hour') as h(hour)
    group by o.reader_id, 2
  ),
  -- The hour with the most minutes; the earliest of equals.
  peak as (
    select distinct on (p.reader_id) p.reader_id, p.hour
    from per_hour p
    order by p.reader_id, p.seconds desc, p.first
  )
  select s.reader_id, local_day, round(sum(s.minutes), 1), count(*)::integer, round(max(s.minutes), 1), min(k.hour)
  from per_session s
  join peak k on k.reader_id = s.reader_id
  group by s.reader_id;
$$;
comment on function private.presence_days_of(date) is
  'Every reader''s presence on the given date in their own time zone, computed from the audit log (readers online that day only).';

-- The daily job, and ops re-running a day: replaces the day's rows, so a re-run counts nothing twice.
create function private.rollup_presence_analytics(local_day date)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  written integer;
begin
  if local_day is null or local_day > (now() at time zone 'UTC')::date then
    raise exception 'a day up to today is needed, got %', coalesce(local_day::text, 'null') using errcode = '22023';
  end if;
  delete from private.presence_analytics a where a.day = local_day;
  insert into private.presence_analytics (reader_id, day, online_minutes, sessions, longest_session_minutes, peak_hour)
  select * from private.presence_days_of(local_day);
  get diagnostics written = row_count;
  return written;
end;
$$;
comment on function private.rollup_presence_analytics(date) is
  'Recomputes every reader''s presence analytics for a local date; returns the readers online that day.';

-- A reader's own days, or any reader's for an admin; the last `days` days (1 to 90), newest first.
create function public.reader_presence_stats(reader_id uuid default null, days integer default 30)
returns table (day date, online_minutes numeric, sessions integer, longest_session_minutes numeric, peak_hour smallint)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  reader uuid := coalesce(reader_id, auth.uid());
begin
  if reader is null or (reader is distinct from auth.uid() and not private.is_admin()) then
    raise exception 'readers see their own presence statistics; admins see anyone''s' using errcode = '42501';
  end if;
  if days is null or days not between 1 and 90 then
    raise exception 'days must be between 1 and 90, got %', coalesce(days::text, 'null') using errcode = '22023';
  end if;
  return query
    select a.day, a.online_minutes, a.sessions, a.longest_session_minutes, a.peak_hour
    from private.presence_analytics a
    where a.reader_id = reader and a.day > (now() at time zone 'UTC')::date - days
    order by a.day desc;
end;
$$;
comment on function public.reader_presence_stats(uuid, integer) is
  'A reader''s presence per local day (online minutes, sessions, longest session, peak hour) for the last days: their own, or anyone''s for admins.';

-- ============================================================================================
-- Alerts
-- ============================================================================================

-- The rules and their thresholds, which ops may change with SQL; the conditions are below.
create table private.presence_alert_rules (
  rule text primary key,
  threshold numeric not null check (threshold >= 0),
  description text not null
);
comment on table private.presence_alert_rules is 'Presence alert rules with their thresholds (ops may change a threshold).';
insert into private.presence_alert_rules (rule, threshold, description) values
  ('presence_down', 3, 'Readers are recorded online, and no heartbeat arrived for this many minutes'),
  ('failure_rate', 0.05, 'Over the last 5 minutes, more than this share of presence updates failed (10 failures at least)'),
  ('cleanup_not_running', 3, 'The minute job that records silent readers offline has not run for this many minutes'),
  ('cleanup_failing', 1, 'This many of the latest runs of a cleanup job failed in a row'),
  ('stale_online', 100, 'More than this many readers are recorded online whom the rule already says are offline');

-- Every firing, kept; at most one active per rule. A handful a day at most: no index by time.
create table private.presence_alerts (
  id bigint generated always as identity primary key,
  rule text not null references private.presence_alert_rules (rule) on delete cascade,
  fired_at timestamptz not null default now(),
  cleared_at timestamptz,
  detail text not null,
  check (cleared_at is null or cleared_at >= fired_at)
);
comment on table private.presence_alerts is
  'Presence alerts: fired by private.evaluate_presence_alerts() when a rule holds, cleared when it no longer does.';
create unique index presence_alerts_active_rule_key on private.presence_alerts (rule) where cleared_at is null;

-- Counters of the last `minutes` minutes, folded or not yet: the job that folds them may be late.
create function private.presence_counts_since(minutes integer, out heartbeats bigint, out failures bigint)
language sql
stable
set search_path = ''
as $$
  with since as (select date_trunc('minute', now()) - make_interval(mins => minutes) as minute)
  select coalesce(sum(c.heartbeats), 0), coalesce(sum(c.failures), 0)
  from (
    select m.heartbeats_written + m.heartbeats_absorbed as heartbeats, m.failures_reported as failures
    from private.presence_minutes m where m.minute >= (select minute from since)
    union all
    select case when t.metric like 'heartbeat_%' then t.count else 0 end,
           case when t.metric = 'failures_reported' then t.count else 0 end
    from private.presence_tally t where t.minute >= (select minute from since)
  ) c;
$$;
comment on function private.presence_counts_since(integer) is 'Heartbeats and failures reported in the last minutes, from the series and the counters not yet folded.';

-- What each rule says now, and why.
create function private.presence_alert_conditions()
returns table (rule text, firing boolean, detail text)
language plpgsql
stable
set search_path = ''
as $$
declare
  limits jsonb := (select jsonb_object_agg(r.rule, r.threshold) from private.presence_alert_rules r);
  recorded_online bigint := (select count(*) from public.users u where u.is_reader and u.recorded_status < 'offline');
  recent record;
  last_ok timestamptz;
  failing record;
  stale integer;
begin
  -- Readers recorded online still had a heartbeat within five minutes (the rule records the rest
  -- offline), so a silence of three says heartbeats are not getting through.
  recent := private.presence_counts_since((limits ->> 'presence_down')::integer);
  rule := 'presence_down';
  firing := recorded_online > 0 and recent.heartbeats = 0;
  detail := format('%s readers recorded online, no heartbeat for %s minutes', recorded_online, limits ->> 'presence_down');
  return next;

  recent := private.presence_counts_since(5);
  rule := 'failure_rate';
  firing := recent.failures >= 10 and recent.failures > (limits ->> 'failure_rate')::numeric * (recent.heartbeats + recent.failures);
  detail := format('%s of %s presence updates failed in 5 minutes', recent.failures, recent.heartbeats + recent.failures);
  return next;

  -- Not before the jobs have run for that long: a new database has no runs yet.
  select max(r.started_at) into last_ok
  from private.maintenance_runs r where r.job_name = 'mark-inactive-readers-offline' and r.error is null;
  rule := 'cleanup_not_running';
  firing := coalesce(last_ok, '-infinity') < now() - make_interval(mins => (limits ->> 'cleanup_not_running')::integer)
            and exists (select from private.maintenance_runs r
                        where r.started_at < now() - make_interval(mins => (limits ->> 'cleanup_not_running')::integer));
  detail := case when last_ok is null then 'mark-inactive-readers-offline has never run successfully'
                 else format('mark-inactive-readers-offline last ran successfully at %s', last_ok) end;
  return next;

  select j.job_name, count(*) as failed, max(r.error) as error into failing
  from (values ('mark-inactive-readers-offline'), ('cleanup-reader-presence')) as j(job_name)
  cross join lateral (
    select x.error from private.maintenance_runs x
    where x.job_name = j.job_name
    order by x.started_at desc
    limit (limits ->> 'cleanup_failing')::integer
  ) r
  where r.error is not null
  group by j.job_name
  having count(*) >= (limits ->> 'cleanup_failing')::integer
  limit 1;
  rule := 'cleanup_failing';
  firing := failing.job_name is not null;
  detail := coalesce(format('%s failed: %s', failing.job_name, failing.error), 'the cleanup jobs succeed');
  return next;

  select m.online_stale into stale
  from private.presence_minutes m
  where m.online_stale is not null and m.minute >= date_trunc('minute', now()) - interval '3 minutes'
  order by m.minute desc
  limit 1;
  rule := 'stale_online';
  firing := coalesce(stale, 0) > (limits ->> 'stale_online')::numeric;
  detail := format('%s readers recorded online are offline by the rule', coalesce(stale, 0));
  return next;
end;
$$;
comment on function private.presence_alert_conditions() is 'Each alert rule: whether it holds now, and the figures behind it.';

-- The every-minute job: fires the alerts whose rule holds, clears those whose rule no longer does,
-- and says so on the pg_notify channel presence_alerts (JSON: rule, state, at, detail), the hook
-- for forwarding alerts elsewhere. Returns how many alerts fired or cleared.
create function private.evaluate_presence_alerts()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  condition record;
  changed integer := 0;
begin
  for condition in select * from private.presence_alert_conditions() loop
    if condition.firing then
      insert into private.presence_alerts (rule, detail) values (condition.rule, condition.detail)
      on conflict (rule) where cleared_at is null do nothing;
    else
      update private.presence_alerts a set cleared_at = now() where a.rule = condition.rule and a.cleared_at is null;
    end if;
    if found then
      changed := changed + 1;
      perform pg_notify('presence_alerts', json_build_object(
        'rule', condition.rule, 'state', case when condition.firing then 'fired' else 'cleared' end,
        'at', now(), 'detail', condition.detail)::text);
    end if;
  end loop;
  return changed;
end;
$$;
comment on function private.evaluate_presence_alerts() is
  'Fires and clears presence alerts by their rules, notifying channel presence_alerts; returns how many changed.';

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
  delete from private.presence_alerts where cleared_at < cutoff;
  get diagnostics more = row_count;
  removed := removed + more;
  delete from private.presence_analytics where day < (cutoff at time zone 'UTC')::date;
  get diagnostics more = row_count;
  removed := removed + more;
  raise log 'presence observability retention: removed % rows older than %', removed, older_than;
  return removed;
end;
$$;
comment on function public.purge_presence_observability(interval) is
  'Removes presence minutes, transitions per minute, maintenance runs, failure reports, alerts cleared and analytics days before the given age (default 35 days: the dashboard shows 30); returns how many.';
grant execute on function public.purge_presence_observability(interval) to service_role;

-- ============================================================================================
-- What the /ops dashboard reads (admins only)
-- ============================================================================================

-- Now: the directory's counts, live; the last full minute's heartbeats and failures. The dashboard
-- reads it through ops_presence_now(), ops through `npm run ops -- status`.
create function private.presence_now()
returns table (
  readers bigint, available bigint, busy bigint, away bigint, online_stale bigint, offline bigint,
  minute timestamptz, heartbeats_written integer, heartbeats_absorbed integer, failures_reported integer,
  server_time timestamptz
)
language sql
stable
set search_path = ''
as $$
  select c.readers, c.available, c.busy, c.away,
         private.count_online_stale(),
         c.readers - c.available - c.busy - c.away,
         m.minute, coalesce(m.heartbeats_written, 0), coalesce(m.heartbeats_absorbed, 0), coalesce(m.failures_reported, 0),
         now()
  from private.count_reader_directory() c
  left join private.presence_minutes m on m.minute = date_trunc('minute', now()) - interval '1 minute';
$$;
comment on function private.presence_now() is
  'Readers by status now (and recorded online but already offline), and the last full minute''s heartbeats and failures.';

-- Each job with its last run and its runs of the last day.
create function private.maintenance_job_status()
returns table (
  job_name text, schedule text, last_started_at timestamptz, last_duration_ms double precision,
  last_rows_changed integer, last_error text, runs_24h bigint, failures_24h bigint, server_time timestamptz
)
language sql
stable
set search_path = ''
as $$
  select j.job_name, j.schedule, l.started_at, l.duration_ms, l.rows_changed, l.error, d.runs, d.failures, now()
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
$$;
comment on function private.maintenance_job_status() is
  'Every maintenance job with its schedule, its last run (start, duration, rows changed, error) and its runs and failures in 24 hours.';

-- The dashboard's reads of the two above, for admins.
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
  return query select * from private.presence_now();
end;
$$;
comment on function public.ops_presence_now() is 'Admins: private.presence_now().';

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
  return query select * from private.maintenance_job_status();
end;
$$;
comment on function public.ops_maintenance_jobs() is 'Admins: private.maintenance_job_status().';

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

-- How many readers are usually online, by weekday (ISO, Monday 1) and hour in the viewer's time
-- zone, over the last 30 days: the average of the minutes seen in each cell.
create function public.ops_availability_heatmap(time_zone text default 'UTC')
returns table (weekday integer, hour integer, online_avg numeric, minutes_seen bigint)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  perform private.require_admin('see the presence dashboard');
  if time_zone is null or not private.is_known_time_zone(time_zone) then
    raise exception 'unknown time zone %', coalesce(time_zone, 'null') using errcode = '22023';
  end if;
  return query
    select extract(isodow from m.minute at time zone time_zone)::integer,
           extract(hour from m.minute at time zone time_zone)::integer,
           round(avg(m.available + m.busy + m.away), 1),
           count(*)
    from private.presence_minutes m
    where m.minute >= now() - interval '30 days' and m.readers is not null
    group by 1, 2
    order by 1, 2;
end;
$$;
comment on function public.ops_availability_heatmap(text) is
  'Admins: readers online on average by weekday and hour in the given IANA time zone, over the last 30 days.';

-- Alerts active now and those fired in the period, newest first, with their rule's description.
create function public.ops_presence_alerts(period text default '24 hours')
returns table (id bigint, rule text, description text, fired_at timestamptz, cleared_at timestamptz, detail text)
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  bounds record := private.ops_series_bounds(period);
begin
  return query
    select a.id, a.rule, r.description, a.fired_at, a.cleared_at, a.detail
    from private.presence_alerts a
    join private.presence_alert_rules r on r.rule = a.rule
    where a.cleared_at is null or a.fired_at >= bounds.since
    order by a.fired_at desc, a.id desc;
end;
$$;
comment on function public.ops_presence_alerts(text) is 'Admins: presence alerts active now or fired in the last 24 hours, 7 days or 30 days, newest first.';

-- ============================================================================================
-- Privileges and pg_cron
-- ============================================================================================

revoke execute on function private.run_maintenance_job(text),
  private.tally_presence(text, integer), private.tally_recorded_transitions(), private.record_presence_minute(),
  private.ops_period_bucket(text), private.ops_series_bounds(text), private.presence_counts_since(integer),
  private.presence_alert_conditions(), private.evaluate_presence_alerts(), private.presence_days_of(date), private.count_online_stale(),
  private.rollup_presence_analytics(date), private.presence_now(), private.maintenance_job_status() from public;
revoke execute on function public.reader_presence_stats(uuid, integer) from public, anon;
grant execute on function public.reader_presence_stats(uuid, integer) to authenticated;
revoke execute on function public.purge_presence_observability(interval) from public, anon, authenticated;
revoke execute on function public.report_presence_failures(integer, timestamptz, timestamptz) from public, anon;
grant execute on function public.report_presence_failures(integer, timestamptz, timestamptz) to authenticated;
revoke execute on function public.ops_presence_now(), public.ops_maintenance_jobs(), public.ops_presence_series(text),
  public.ops_transition_series(text), public.ops_maintenance_series(text), public.ops_presence_alerts(text),
  public.ops_availability_heatmap(text) from public, anon;
grant execute on function public.ops_presence_now(), public.ops_maintenance_jobs(), public.ops_presence_series(text),
  public.ops_transition_series(text), public.ops_maintenance_series(text), public.ops_presence_alerts(text),
  public.ops_availability_heatmap(text) to authenticated;

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
