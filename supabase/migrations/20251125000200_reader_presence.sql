-- Reader presence: the seed's users.is_online / users.last_seen_at, written only through the
-- heartbeat and go-offline RPCs with the database's clock, plus the cleanup functions ops and
-- pg_cron run. A reader is online when is_online and last_seen_at is within five minutes.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Columns and indexes
-- ============================================================================================

alter table public.users
  add column is_online boolean not null default false,
  add column last_seen_at timestamptz;

comment on column public.users.is_online is 'Stored flag; trust it together with last_seen_at (see presence_online_threshold()).';
comment on column public.users.last_seen_at is 'Database time of the reader''s last heartbeat. In no index, so heartbeats stay HOT updates.';

-- The cleanup functions read only the readers flagged online: a small, cheap partial index.
-- last_seen_at is deliberately in no index (see the comment on the column).
create index users_online_readers_idx on public.users (id) where is_reader and is_online;

-- ============================================================================================
-- The one presence rule
-- ============================================================================================

create function public.presence_online_threshold()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '5 minutes' $$;
comment on function public.presence_online_threshold() is 'How long after its last heartbeat a reader still counts as online.';

create function public.presence_heartbeat_min_interval()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '15 seconds' $$;
comment on function public.presence_heartbeat_min_interval() is
  'Heartbeats closer together than this are absorbed without a write (rate limit).';

grant execute on function public.presence_online_threshold(), public.presence_heartbeat_min_interval()
  to anon, authenticated, service_role;

-- ============================================================================================
-- Triggers
-- ============================================================================================

create function public.update_last_seen_on_online()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.is_online and not old.is_online then
    new.last_seen_at := now();
  end if;
  return new;
end;
$$;
comment on function public.update_last_seen_on_online() is 'Stamps last_seen_at with database time when a user comes online.';

create trigger trigger_update_last_seen_on_online
  before update of is_online on public.users
  for each row execute function public.update_last_seen_on_online();

-- ============================================================================================
-- The reader's presence path (RPCs through PostgREST)
-- ============================================================================================

-- security definer: presence columns are not writable by authenticated; these functions write
-- them for the caller's own row only, with now(), never a time the browser sends.
create function public.reader_heartbeat()
returns table (is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  was_online boolean;
  seen_at timestamptz;
begin
  if caller is null then
    raise exception 'reader_heartbeat() needs a signed-in reader' using errcode = '42501';
  end if;

  select u.is_online, u.last_seen_at into was_online, seen_at
  from public.users u
  where u.id = caller and u.is_reader;
  if not found then
    raise exception 'only readers report presence' using errcode = '42501';
  end if;

  if was_online and seen_at > now() - public.presence_heartbeat_min_interval() then
    -- Too soon after the last one: absorbed, nothing written.
    return query select true, seen_at, now();
    return;
  end if;

  if was_online then
    -- Only the timestamp moves, and it is ephemeral: no need to wait for the WAL flush.
    perform set_config('synchronous_commit', 'off', true);
  end if;
  perform set_config('presence.cause', 'heartbeat', true);
  update public.users u
  set is_online = true, last_seen_at = now()
  where u.id = caller;
  return query select true, now(), now();
end;
$$;
comment on function public.reader_heartbeat() is
  'A signed-in reader says "still here": marks them online at database time. Returns the server time for clock correction.';

create function public.reader_go_offline()
returns table (is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
begin
  if caller is null then
    raise exception 'reader_go_offline() needs a signed-in reader' using errcode = '42501';
  end if;
  perform set_config('presence.cause', 'sign_out', true);
  return query
    update public.users u
    set is_online = false
    where u.id = caller and u.is_reader
    returning false, u.last_seen_at, now();
end;
$$;
comment on function public.reader_go_offline() is 'A signed-in reader leaves (sign-out, tab closed): marks them offline now.';

revoke execute on function public.reader_heartbeat(), public.reader_go_offline() from public, anon;
grant execute on function public.reader_heartbeat(), public.reader_go_offline() to authenticated;

-- ============================================================================================
-- Bulk status for clients
-- ============================================================================================

create function public.get_readers_online_status(reader_ids uuid[])
returns table (id uuid, is_online boolean, last_seen_at timestamptz, server_time timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  if cardinality(reader_ids) > 1000 then
    raise exception 'at most 1000 reader ids per call, got %', cardinality(reader_ids) using errcode = '22023';
  end if;
  return query
    select u.id,
           u.is_online and u.last_seen_at > now() - public.presence_online_threshold(),
           u.last_seen_at,
           now()
    from public.users u
    where u.id = any (reader_ids) and u.is_reader;
end;
$$;
comment on function public.get_readers_online_status(uuid[]) is
  'Online status of many readers in one round trip, derived with the five-minute rule against database time.';
grant execute on function public.get_readers_online_status(uuid[]) to anon, authenticated, service_role;

-- ============================================================================================
-- Cleanup (pg_cron, the local stack's scheduler, or ops by hand)
-- ============================================================================================

create function public.mark_readers_offline_after(inactivity interval, cause text)
returns integer
language plpgsql
set search_path = ''
as $$
declare
  changed integer;
begin
  perform set_config('presence.cause', cause, true);
  update public.users
  set is_online = false
  where is_reader
    and is_online
    and (last_seen_at is null or last_seen_at < now() - inactivity);
  get diagnostics changed = row_count;
  raise log 'presence %: marked % readers offline (inactive for %)', cause, changed, inactivity;
  raise notice 'presence %: marked % readers offline at %', cause, changed, now();
  return changed;
end;
$$;
comment on function public.mark_readers_offline_after(interval, text) is
  'Marks readers offline whose last heartbeat is older than inactivity; returns how many changed.';

create function public.mark_inactive_readers_offline()
returns integer
language sql
set search_path = ''
as $$ select public.mark_readers_offline_after(public.presence_online_threshold(), 'inactivity') $$;
comment on function public.mark_inactive_readers_offline() is
  'Every minute: readers silent for five minutes become offline. Returns the number of readers changed.';

create function public.cleanup_reader_presence()
returns integer
language sql
set search_path = ''
as $$ select public.mark_readers_offline_after(interval '10 minutes', 'cleanup') $$;
comment on function public.cleanup_reader_presence() is
  'Safety net: readers silent for ten minutes become offline. Returns the number of readers changed.';

revoke execute on function public.mark_readers_offline_after(interval, text), public.mark_inactive_readers_offline(),
  public.cleanup_reader_presence() from public, anon, authenticated;
grant execute on function public.mark_readers_offline_after(interval, text), public.mark_inactive_readers_offline(),
  public.cleanup_reader_presence() to service_role;
