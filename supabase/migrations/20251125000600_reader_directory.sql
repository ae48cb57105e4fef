-- The readers page at scale: a page of cards at a time, readers flagged online first and then the
-- best rated, read in index order; a specialty search PostgREST can filter on; and the counts the
-- page's summary shows, without sending every card to every visitor.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- First page, online first
-- ============================================================================================

-- Heartbeats that keep a reader online leave is_online as it is, so they stay HOT updates; only
-- real transitions touch this index. It also serves the cleanup (is_online = true is its prefix),
-- which makes the older partial indexes redundant: fewer indexes, cheaper transitions.
create index users_directory_idx on public.users (is_online desc, average_rating desc, id) where is_reader;
drop index public.users_readers_by_rating_idx;
drop index public.users_online_readers_idx;

-- ============================================================================================
-- Specialty search
-- ============================================================================================

-- A computed field: PostgREST filters on it as if it were a column
-- (users?specialties_search=ilike.*tarot*), so a part of any specialty matches, in any case.
create function public.specialties_search(reader public.users)
returns text
language sql
immutable
set search_path = ''
as $$
  select lower(array_to_string(reader.specialties, ' | '));
$$;
comment on function public.specialties_search(public.users) is
  'The reader''s specialties as one lower-case text, for "specialty contains" filters.';
grant execute on function public.specialties_search(public.users) to anon, authenticated, service_role;

-- ============================================================================================
-- Summary counts
-- ============================================================================================

-- The counts are the same for every visitor and cost a scan of every reader, so a job records them
-- every minute and visitors read one row.
create table public.reader_directory_stats (
  singleton boolean primary key default true check (singleton),
  readers bigint not null,
  online bigint not null,
  computed_at timestamptz not null
);
comment on table public.reader_directory_stats is
  'The readers page''s counts, recorded every minute by refresh_reader_directory_stats(); one row.';

alter table public.reader_directory_stats enable row level security;
create policy "Anyone can read the directory counts"
  on public.reader_directory_stats for select to anon, authenticated
  using (true);
grant select on public.reader_directory_stats to anon, authenticated;
grant select, insert, update, delete on public.reader_directory_stats to service_role;

-- The two counts, once for the job and the live fallback. security invoker: it counts the rows its
-- caller may read, which for the job's security definer function is every reader.
create function public.count_reader_directory()
returns table (readers bigint, online bigint)
language sql
stable
set search_path = ''
as $$
  -- Two scans rather than one with a filter: the online count reads only the is_online entries.
  select (select count(*) from public.users u where u.is_reader),
         (select count(*) from public.users u
          where u.is_reader and u.is_online and u.last_seen_at > now() - public.presence_online_threshold());
$$;
comment on function public.count_reader_directory() is
  'How many readers there are and how many are online now (five-minute rule, database time), counted live.';
revoke execute on function public.count_reader_directory() from public;
grant execute on function public.count_reader_directory() to anon, authenticated, service_role;

-- security definer: the counts cover every reader whoever runs the job (pg_cron, service_role).
create function public.refresh_reader_directory_stats()
returns void
language sql
security definer
set search_path = ''
as $$
  insert into public.reader_directory_stats (singleton, readers, online, computed_at)
  select true, counts.readers, counts.online, now() from public.count_reader_directory() as counts
  on conflict (singleton) do update
  set readers = excluded.readers, online = excluded.online, computed_at = excluded.computed_at;
$$;
comment on function public.refresh_reader_directory_stats() is
  'Records how many readers there are and how many are online now (five-minute rule, database time).';
revoke execute on function public.refresh_reader_directory_stats() from public, anon, authenticated;
grant execute on function public.refresh_reader_directory_stats() to service_role;

-- Its own job, every minute beside the inactivity job: the counts follow the five-minute rule, not
-- the flag, so they need not wait for it, and the cleanups stay as fast as they can be.
create or replace function public.presence_maintenance_jobs()
returns table (job_name text, schedule text, command text)
language sql
immutable
set search_path = ''
as $$
  values
    ('mark-inactive-readers-offline', '* * * * *', 'select public.mark_inactive_readers_offline()'),
    ('cleanup-reader-presence', '*/10 * * * *', 'select public.cleanup_reader_presence()'),
    ('purge-presence-audit-log', '17 3 * * *', 'select public.purge_presence_audit_log()'),
    ('refresh-reader-directory-stats', '* * * * *', 'select public.refresh_reader_directory_stats()')
$$;

-- Where the schedule migration set pg_cron up, the new job is scheduled the same way (by name,
-- so running it again changes nothing); elsewhere the local stack reads the list.
do $$
begin
  if to_regnamespace('cron') is not null then
    perform cron.schedule(job.job_name, job.schedule, job.command) from public.presence_maintenance_jobs() as job;
  end if;
end;
$$;

-- Counts recorded within the last two minutes (the job runs every minute); counted live when the
-- job has not run, so the page never shows counts older than that.
create function public.reader_directory_summary()
returns table (readers bigint, online bigint, server_time timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
    select s.readers, s.online, now()
    from public.reader_directory_stats s
    where s.computed_at > now() - interval '2 minutes';
  if not found then
    return query select counts.readers, counts.online, now() from public.count_reader_directory() as counts;
  end if;
end;
$$;
comment on function public.reader_directory_summary() is
  'How many readers there are and how many are online: the counts recorded every minute, or live when they are older.';
revoke execute on function public.reader_directory_summary() from public;
grant execute on function public.reader_directory_summary() to anon, authenticated, service_role;
