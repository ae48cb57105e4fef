-- Rolls back every migration in supabase/migrations (20251125000100 to 20251125001400): the pg_cron
-- jobs, the views, functions, triggers, tables, types and the private schema, and their lines in the
-- Supabase CLI's history, so that `supabase db push` applies them again. Leaves auth users and
-- sessions alone. Destroys profile, presence and audit data.
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
                        'refresh-reader-directory-stats', 'purge-availability-notifications',
                        'refresh-reader-next-windows', 'record-presence-minute', 'purge-presence-observability',
                        'evaluate-presence-alerts', 'rollup-presence-analytics', 'end-overdue-readings')
    loop
      perform cron.unschedule(job.jobname);
    end loop;
  end if;

  -- The policy on Realtime's table, which stays.
  if to_regclass('realtime.messages') is not null then
    drop policy if exists "everyone receives reader presence" on realtime.messages;
    drop policy if exists "clients receive their own availability notifications" on realtime.messages;
    drop policy if exists "users receive their own reading events" on realtime.messages;
    drop policy if exists "participants receive their live reading's signals" on realtime.messages;
    drop policy if exists "participants send signals in their live reading" on realtime.messages;
  end if;

  -- The triggers on auth tables, which stay.
  drop trigger if exists on_auth_user_created on auth.users;
  drop trigger if exists end_presence_of_banned_user on auth.users;

  -- The public objects that depend on the private schema, then everything in it (its tables,
  -- views, functions and the triggers on them), then the rest of public, dependents first.
  drop function if exists public.favourite_reader_cards(integer, integer);
  drop view if exists public.reader_cards cascade;
  drop function if exists public.reader_directory_summary();
  drop function if exists public.get_readers_online_status(uuid[]);
  drop function if exists public.is_online(public.users);
  drop function if exists public.last_seen_at(public.users);
  drop function if exists public.my_presence();
  drop function if exists public.set_reader_status(public.presence_status, text, timestamptz);
  drop function if exists public.reader_go_offline();
  drop function if exists public.reader_heartbeat(integer);
  drop function if exists public.mark_inactive_readers_offline();
  drop function if exists public.cleanup_reader_presence();
  drop function if exists public.purge_presence_audit_log(interval);
  drop function if exists public.mark_availability_notifications_read(bigint[]);
  drop function if exists public.purge_availability_notifications(interval);
  drop function if exists public.set_admin(uuid, boolean);
  drop function if exists public.apply_as_reader();
  drop function if exists public.decide_reader_application(uuid, boolean, text);
  drop function if exists public.report_presence_failures(integer, timestamptz, timestamptz);
  drop function if exists public.reader_presence_stats(uuid, integer);
  drop function if exists public.purge_presence_observability(interval);
  drop function if exists public.ops_presence_now(), public.ops_maintenance_jobs(), public.ops_presence_series(text),
    public.ops_transition_series(text), public.ops_maintenance_series(text), public.ops_presence_alerts(text),
    public.ops_availability_heatmap(text);
  drop function if exists public.request_reading(uuid), public.answer_reading(uuid, boolean), public.cancel_reading(uuid),
    public.end_reading(uuid, public.reading_end_reason), public.reading_heartbeat(uuid), public.current_reading(),
    public.my_readings(integer, timestamptz), public.reading_ice_servers(uuid);
  drop schema if exists private cascade;

  drop table if exists public.readings;
  drop table if exists public.reader_applications;
  drop table if exists public.availability_notifications;
  drop table if exists public.favourites;
  drop table if exists public.presence_audit_log;
  -- Reader hours (their triggers went with the private schema). btree_gist stays: an extension
  -- other schemas may use, and `create extension if not exists` finds it again.
  drop table if exists public.reader_hours, public.reader_days_off, public.reader_schedules;
  drop table if exists public.users;
  drop table if exists public.reader_levels;
  drop type if exists public.own_presence;
  drop type if exists public.reading_view, public.reading_state, public.reading_end_reason;
  drop type if exists public.presence_status;
  drop type if exists public.reader_application_status;
  drop domain if exists public.display_name, public.avatar_url, public.bio, public.specialty, public.status_message;
  drop domain if exists public.time_zone_name, public.decision_reason;

  alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
  alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
  alter default privileges in schema public grant execute on functions to anon, authenticated, service_role;
  alter default privileges grant execute on functions to public;

  delete from supabase_migrations.schema_migrations
  where version in ('20251125000100', '20251125000200', '20251125000300', '20251125000400', '20251125000500',
                  '20251125000600', '20251125000700', '20251125000800', '20251125000900',
                    '20251125001000', '20251125001100', '20251125001200', '20251125001300', '20251125001400');
end;
$rollback$;
