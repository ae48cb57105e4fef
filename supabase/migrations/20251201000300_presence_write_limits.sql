-- Presence writes are bounded per reader, and every audit row names its true cause.
-- * Alternating reader_heartbeat() and reader_go_offline() wrote 1,000 audit rows in 7 seconds from
--   one account: transitions are now limited per reader per minute; extra requests are absorbed
--   (answered with the reader's current status, nothing written), never errors.
-- * reader_go_offline() rewrote a row that was already offline: now it writes nothing.
-- * The cause was set with set_config(..., true), so it outlived the function for the rest of the
--   transaction and a later update was logged with the wrong cause. Each function now declares its
--   cause in a SET clause, which PostgreSQL restores when the function returns.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- The limit
-- ============================================================================================

create function public.presence_transitions_per_minute()
returns integer
language sql
immutable
set search_path = ''
as $$ select 6 $$;
comment on function public.presence_transitions_per_minute() is
  'How many online/offline transitions (audit rows) one reader may cause in a minute; more are absorbed.';
grant execute on function public.presence_transitions_per_minute() to anon, authenticated, service_role;

-- Counted from the audit log, whose key (user_id, changed_at, id) makes this a short index range.
create function public.presence_transition_allowed(reader_id uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select count(*) < public.presence_transitions_per_minute()
  from public.presence_audit_log a
  where a.user_id = reader_id and a.changed_at > now() - interval '1 minute';
$$;
comment on function public.presence_transition_allowed(uuid) is
  'Whether the reader may change status now: fewer than presence_transitions_per_minute() in the last minute.';
-- Only the presence functions (security definer, owned by the migration role) call it.
revoke execute on function public.presence_transition_allowed(uuid) from public, anon, authenticated;

-- ============================================================================================
-- The reader's presence path
-- ============================================================================================

-- The usual heartbeat (a reader already online, last heard over 15 seconds ago) stays one UPDATE
-- that leaves is_online alone: no trigger is even considered and the row is rewritten in place.
-- Only a reader coming online takes the row lock and looks at the limit. Every heartbeat commits
-- asynchronously: a crash can lose the last fraction of a second of them, and the next one, at most
-- a minute later, restores the reader.
create or replace function public.reader_heartbeat()
returns table (is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
security definer
set search_path = ''
set presence.cause = 'heartbeat'
as $$
declare
  caller uuid := auth.uid();
  was_online boolean;
  seen_at timestamptz;
begin
  if caller is null then
    raise exception 'reader_heartbeat() needs a signed-in reader' using errcode = '42501';
  end if;
  perform set_config('synchronous_commit', 'off', true);

  update public.users u
  set last_seen_at = now()
  where u.id = caller
    and u.is_reader
    and u.is_online
    and not (u.last_seen_at > now() - public.presence_heartbeat_min_interval())
  returning u.last_seen_at into seen_at;
  if found then
    return query select true, seen_at, now();
    return;
  end if;

  select u.is_online, u.last_seen_at into was_online, seen_at
  from public.users u
  where u.id = caller and u.is_reader
  for update;
  if not found then
    raise exception 'only readers report presence' using errcode = '42501';
  end if;
  if was_online or not public.presence_transition_allowed(caller) then
    -- Too soon after the last heartbeat, or too many transitions this minute: absorbed.
    return query select was_online, seen_at, now();
    return;
  end if;

  update public.users u
  set is_online = true, last_seen_at = now()
  where u.id = caller
  returning u.last_seen_at into seen_at;
  return query select true, seen_at, now();
end;
$$;

create or replace function public.reader_go_offline()
returns table (is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
security definer
set search_path = ''
set presence.cause = 'sign_out'
as $$
declare
  caller uuid := auth.uid();
  was_online boolean;
  seen_at timestamptz;
begin
  if caller is null then
    raise exception 'reader_go_offline() needs a signed-in reader' using errcode = '42501';
  end if;

  select u.is_online, u.last_seen_at into was_online, seen_at
  from public.users u
  where u.id = caller and u.is_reader
  for update;
  if not found then
    raise exception 'only readers report presence' using errcode = '42501';
  end if;
  if not was_online or not public.presence_transition_allowed(caller) then
    -- Already offline (nothing to write), or too many transitions this minute: absorbed, and the
    -- five-minute rule takes a reader who really left offline.
    return query select was_online, seen_at, now();
    return;
  end if;

  update public.users u
  set is_online = false
  where u.id = caller;
  return query select false, seen_at, now();
end;
$$;

-- ============================================================================================
-- The cleanup's cause stays inside it
-- ============================================================================================

-- It writes its own audit rows with its cause; the row trigger stands aside for its one statement,
-- and the SET clause puts presence.audited_by_caller back however the function ends.
create or replace function public.mark_readers_offline_after(inactivity interval, cause text)
returns integer
language plpgsql
security definer
set search_path = ''
set presence.audited_by_caller = 'off'
as $$
declare
  changed integer;
begin
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
  raise log 'presence %: marked % readers offline (inactive for %)', cause, changed, inactivity;
  raise notice 'presence %: marked % readers offline at %', cause, changed, now();
  return changed;
end;
$$;
