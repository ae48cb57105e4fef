-- Presence maintenance schedule: the jobs, listed once, and pg_cron scheduling them where the
-- server has pg_cron (Supabase does). Elsewhere this does nothing but say so; the local stack
-- reads the same list and runs the jobs itself.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- The job list
-- ============================================================================================

create function private.presence_maintenance_jobs()
returns table (job_name text, schedule text, command text)
language sql
immutable
set search_path = ''
as $$
  values
    ('mark-inactive-readers-offline', '* * * * *', 'select public.mark_inactive_readers_offline()'),
    ('cleanup-reader-presence', '*/10 * * * *', 'select public.cleanup_reader_presence()'),
    ('purge-presence-audit-log', '17 3 * * *', 'select public.purge_presence_audit_log()'),
    ('refresh-reader-directory-stats', '* * * * *', 'select private.refresh_reader_directory_stats()'),
    -- Defined by later migrations (0700, 0800): a command is only text until its job runs.
    ('purge-availability-notifications', '23 3 * * *', 'select public.purge_availability_notifications()'),
    ('refresh-reader-next-windows', '* * * * *', 'select private.refresh_reader_next_windows()')
$$;
comment on function private.presence_maintenance_jobs() is
  'Presence maintenance jobs with their cron schedules: scheduled by pg_cron, or by the local stack without it.';

-- ============================================================================================
-- pg_cron, where available
-- ============================================================================================

do $$
declare
  job record;
begin
  if not exists (select from pg_available_extensions where name = 'pg_cron') then
    raise notice 'pg_cron is not installed on this server: presence jobs not scheduled (run them another way).';
    return;
  end if;
  if current_setting('shared_preload_libraries') !~ 'pg_cron' then
    raise notice 'pg_cron is not in shared_preload_libraries: presence jobs not scheduled.';
    return;
  end if;
  if coalesce(current_setting('cron.database_name', true), 'postgres') <> current_database() then
    raise notice 'pg_cron runs jobs in database %, not %: presence jobs not scheduled.',
      current_setting('cron.database_name', true), current_database();
    return;
  end if;

  create extension if not exists pg_cron;
  -- Scheduling under an existing name replaces that job, so this is safe to run again.
  for job in select * from private.presence_maintenance_jobs() loop
    perform cron.schedule(job.job_name, job.schedule, job.command);
  end loop;
  raise notice 'pg_cron: presence jobs scheduled.';
end;
$$;
