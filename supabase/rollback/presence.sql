-- Rolls back every presence migration (20251125000100 to 20251201000300): the pg_cron jobs, the
-- functions, triggers and tables, and their lines in the Supabase CLI's history, so that
-- `supabase db push` applies them again. Leaves auth users alone. Destroys profile and audit data.
-- One DO block, because `supabase db query` runs one statement, and so it is all or nothing:
--
--   npx supabase db query --db-url "postgresql://postgres:postgres@127.0.0.1:54322/postgres?sslmode=disable" -f supabase/rollback/presence.sql
--   npx supabase db query --linked -f supabase/rollback/presence.sql

do $rollback$
declare
  job record;
begin
  if to_regnamespace('cron') is not null then
    for job in
      select jobname from cron.job
      where jobname in ('mark-inactive-readers-offline', 'cleanup-reader-presence', 'purge-presence-audit-log',
                        'refresh-reader-directory-stats')
    loop
      perform cron.unschedule(job.jobname);
    end loop;
  end if;

  drop trigger if exists on_auth_user_created on auth.users;

  -- Tables first: dropping them drops their triggers, which frees the trigger functions.
  drop table if exists public.reader_directory_stats;
  drop table if exists public.presence_audit_log;
  drop function if exists public.specialties_search(public.users);
  drop table if exists public.users;
  drop table if exists public.reader_levels;
  drop domain if exists public.display_name, public.avatar_url, public.bio, public.specialty;

  drop function if exists public.presence_transition_allowed(uuid);
  drop function if exists public.presence_transitions_per_minute();
  drop function if exists private.plain_display_name(text);
  drop schema if exists private;
  drop function if exists public.reader_directory_summary();
  drop function if exists public.refresh_reader_directory_stats();
  drop function if exists public.count_reader_directory();
  drop function if exists public.server_time();
  drop function if exists public.presence_maintenance_jobs();
  drop function if exists public.delete_presence_audit_of_deleted_users();
  drop function if exists public.audit_presence_changes();
  drop function if exists public.purge_presence_audit_log(interval);
  drop function if exists public.cleanup_reader_presence();
  drop function if exists public.mark_inactive_readers_offline();
  drop function if exists public.mark_readers_offline_after(interval, text);
  drop function if exists public.get_readers_online_status(uuid[]);
  drop function if exists public.reader_go_offline();
  drop function if exists public.reader_heartbeat();
  drop function if exists public.update_last_seen_on_online();
  drop function if exists public.presence_heartbeat_min_interval();
  drop function if exists public.presence_online_threshold();
  drop function if exists public.handle_new_auth_user();
  drop function if exists public.touch_updated_at();

  alter default privileges in schema public grant execute on functions to public;
  alter default privileges grant execute on functions to public;

  delete from supabase_migrations.schema_migrations
  where version in ('20251125000100', '20251125000200', '20251125000300', '20251125000400', '20251125000500',
                    '20251125000600', '20251125000700', '20251201000100', '20251201000200', '20251201000300');
end;
$rollback$;
