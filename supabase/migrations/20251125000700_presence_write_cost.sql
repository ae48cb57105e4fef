-- Cheaper presence writes, measured by `npm run bench`: triggers that a heartbeat does not need no
-- longer run for it, and the cleanup audits the readers it sends offline in one statement instead
-- of one trigger call, foreign-key check and three index entries per reader.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Row triggers run only when they have something to do
-- ============================================================================================

-- updated_at is when the profile last changed; presence moves every minute and has its own columns.
drop trigger users_touch_updated_at on public.users;
create trigger users_touch_updated_at
  before update of display_name, avatar_url, bio, specialties, is_reader, average_rating, review_count, level_id
  on public.users
  for each row execute function public.touch_updated_at();

-- The WHEN clause is checked without calling PL/pgSQL, so a heartbeat of an online reader pays nothing.
drop trigger trigger_update_last_seen_on_online on public.users;
create trigger trigger_update_last_seen_on_online
  before update of is_online on public.users
  for each row
  when (new.is_online and not old.is_online)
  execute function public.update_last_seen_on_online();

-- ============================================================================================
-- Audit log: fewer index entries per row
-- ============================================================================================

-- One key serves "a user's history" and identity; retention scans by time, and the log is
-- append-only in time order, so a BRIN summary replaces a B-tree entry per row.
alter table public.presence_audit_log drop constraint presence_audit_log_pkey;
drop index public.presence_audit_log_user_id_changed_at_idx;
alter table public.presence_audit_log add primary key (user_id, changed_at, id);
drop index public.presence_audit_log_changed_at_idx;
create index presence_audit_log_changed_at_idx on public.presence_audit_log using brin (changed_at);

-- Rows come only from the trigger and the cleanup, with ids read from public.users, so the
-- foreign key checked nothing new; it cost a lookup per row. Deleting a user still deletes their log.
alter table public.presence_audit_log drop constraint presence_audit_log_user_id_fkey;

-- security definer: whoever may delete a profile removes its log, which they cannot read.
create function public.delete_presence_audit_of_deleted_users()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.presence_audit_log a
  using deleted_users d
  where a.user_id = d.id;
  return null;
end;
$$;
comment on function public.delete_presence_audit_of_deleted_users() is
  'Removes the presence audit rows of deleted users (what the foreign key''s on delete cascade did).';
revoke execute on function public.delete_presence_audit_of_deleted_users() from public, anon, authenticated;

create trigger delete_presence_audit_of_deleted_users
  after delete on public.users
  referencing old table as deleted_users
  for each statement execute function public.delete_presence_audit_of_deleted_users();

-- ============================================================================================
-- The cleanup audits in bulk
-- ============================================================================================

-- The row trigger stands aside only while a function that writes its own audit rows says so,
-- for the one statement it runs (presence.audited_by_caller is reset right after).
drop trigger audit_presence_changes on public.users;
create trigger audit_presence_changes
  after update of is_online on public.users
  for each row
  when (old.is_online is distinct from new.is_online
        and current_setting('presence.audited_by_caller', true) is distinct from 'on')
  execute function public.audit_presence_changes();

-- security definer: it writes the audit log, which its callers (service_role, pg_cron) may only read.
create or replace function public.mark_readers_offline_after(inactivity interval, cause text)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed integer;
begin
  perform set_config('presence.cause', cause, true);
  perform set_config('presence.audited_by_caller', 'on', true);
  with went_offline as (
    update public.users
    set is_online = false
    where is_reader
      and is_online
      and (last_seen_at is null or last_seen_at < now() - inactivity)
    returning id
  )
  insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
  select id, true, false, now(), cause from went_offline;
  get diagnostics changed = row_count;
  perform set_config('presence.audited_by_caller', '', true);
  raise log 'presence %: marked % readers offline (inactive for %)', cause, changed, inactivity;
  raise notice 'presence %: marked % readers offline at %', cause, changed, now();
  return changed;
end;
$$;

-- ============================================================================================
-- The heartbeat in one statement
-- ============================================================================================

-- The usual heartbeat (a reader already online, last heard over 15 seconds ago) is now a single
-- UPDATE; the row is read separately only when it writes nothing. Every heartbeat commits
-- asynchronously: a database crash can lose the last fraction of a second of them, and the next
-- one, at most a minute later, restores the reader.
create or replace function public.reader_heartbeat()
returns table (is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  seen_at timestamptz;
begin
  if caller is null then
    raise exception 'reader_heartbeat() needs a signed-in reader' using errcode = '42501';
  end if;

  perform set_config('synchronous_commit', 'off', true), set_config('presence.cause', 'heartbeat', true);
  update public.users u
  set is_online = true, last_seen_at = now()
  where u.id = caller
    and u.is_reader
    and not (u.is_online and u.last_seen_at > now() - public.presence_heartbeat_min_interval())
  returning u.last_seen_at into seen_at;
  if found then
    return query select true, seen_at, now();
    return;
  end if;

  select u.last_seen_at into seen_at
  from public.users u
  where u.id = caller and u.is_reader;
  if not found then
    raise exception 'only readers report presence' using errcode = '42501';
  end if;
  -- Too soon after the last one: absorbed, nothing written.
  return query select true, seen_at, now();
end;
$$;
