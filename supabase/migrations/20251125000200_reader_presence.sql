-- Reader presence: one status model, judged in one place, per device.
--
-- A reader's effective status is available, busy, away or offline. private.presence_status_at()
-- is the one rule that computes it from
--   * liveness: a device (a signed-in browser, one auth session) heard within five minutes;
--   * the status the reader chose (busy, away, appear offline), until it expires;
--   * input: no keyboard, pointer or touch input on any device for ten minutes is away.
-- private.reader_presence_now applies it to every reader with the database's clock; every reader of
-- presence (the directory, get_readers_online_status, the counts, the jobs, the audit) reads it.
-- users.recorded_status is the status as last recorded: writers and the minute job keep it equal
-- to the rule, which is how every transition reaches the audit log once, and it orders the
-- directory. Heartbeats write only their device's narrow row.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Types and thresholds
-- ============================================================================================

-- In directory order: available first, offline last.
create type public.presence_status as enum ('available', 'busy', 'away', 'offline');
comment on type public.presence_status is
  'A reader''s effective status (also what a reader may choose; a chosen offline means "appear offline").';

create domain public.status_message as text
  constraint reader_status_message_length check (char_length(value) between 1 and 80)
  constraint reader_status_message_plain check (private.is_plain_line(value));
comment on domain public.status_message is 'A reader''s status line: 1 to 80 characters on one line, something visible.';

-- The thresholds and the rule below are SQL-standard function bodies (RETURN ...) without a SET
-- clause, unlike every other function here: such a body is parsed and bound when the function is
-- created, so a caller's search_path cannot change what it calls (what `set search_path` guards
-- against elsewhere), and without a SET clause PostgreSQL inlines the function into the query that
-- calls it. With one, every call ran as a query of its own: the rule cost a readers page 3.8 ms
-- instead of 0.3 ms and a cleanup of 10,000 readers 2.3 s instead of 0.4 s (`npm run bench`,
-- bench/results/2026-12-01-per-device*.md). Supabase's advisor lists them (function_search_path_mutable);
-- tests/integration/database/presence-functions.test.ts accepts exactly these by name.

create function private.presence_online_threshold() returns interval
  language sql immutable
  return interval '5 minutes';
comment on function private.presence_online_threshold() is 'A device counts as live this long after it was last heard.';

create function private.presence_heartbeat_min_interval() returns interval
  language sql immutable
  return interval '15 seconds';
comment on function private.presence_heartbeat_min_interval() is
  'Heartbeats of a device closer together than this are absorbed without a write (rate limit).';

-- Configurable by redefining this function in a migration; the browser only reports input.
create function private.presence_auto_away_after() returns interval
  language sql immutable
  return interval '10 minutes';
comment on function private.presence_auto_away_after() is 'No input on any device for this long makes an available reader away.';

create function private.presence_busy_limit() returns interval
  language sql immutable
  return interval '2 hours';
comment on function private.presence_busy_limit() is 'Busy without an end time ends by itself after this long, so it can never stick.';

create function private.presence_choice_max_duration() returns interval
  language sql immutable
  return interval '24 hours';
comment on function private.presence_choice_max_duration() is 'The furthest ahead a chosen status may be set to expire.';

create function private.presence_transitions_per_minute() returns integer
  language sql immutable
  return 6;
comment on function private.presence_transitions_per_minute() is
  'How many status transitions (audit rows) one reader may cause in a minute; more are absorbed or refused.';

-- ============================================================================================
-- The rule
-- ============================================================================================

-- Heard exactly five minutes ago is still live: the seed's "minutes since <= 5".
-- (Stable, not immutable: timestamptz minus an interval depends on the session's time zone.)
create function private.device_is_live(last_seen_at timestamptz, at timestamptz) returns boolean
  language sql stable
  return last_seen_at >= at - private.presence_online_threshold();
comment on function private.device_is_live(timestamptz, timestamptz) is 'Whether a device last heard at last_seen_at is live at time at.';

create function private.choice_in_force(chosen public.presence_status, expires_at timestamptz, at timestamptz) returns boolean
  language sql immutable
  return chosen is not null and chosen <> 'available' and (expires_at is null or expires_at > at);
comment on function private.choice_in_force(public.presence_status, timestamptz, timestamptz) is
  'Whether a reader''s chosen busy, away or offline still applies at time at.';

create function private.presence_status_at(
  chosen public.presence_status,
  expires_at timestamptz,
  last_heard_at timestamptz,
  last_input_at timestamptz,
  at timestamptz
) returns public.presence_status
  language sql stable
  return case
    when last_heard_at is null or not private.device_is_live(last_heard_at, at) then 'offline'
    when private.choice_in_force(chosen, expires_at, at) then chosen
    when last_input_at < at - private.presence_auto_away_after() then 'away'
    else 'available'
  end::public.presence_status;
comment on function private.presence_status_at(public.presence_status, timestamptz, timestamptz, timestamptz, timestamptz) is
  'THE presence rule: a reader''s effective status at time at, from their devices'' last heartbeat and input and their choice.';

-- What others see as "last seen". Hidden while a device was live: seen until the moment of hiding,
-- whether the last heartbeat came before that moment or after it. Hidden while offline: seen when
-- last heard.
create function private.public_last_seen_at(
  chosen public.presence_status,
  expires_at timestamptz,
  chosen_at timestamptz,
  last_heard_at timestamptz,
  at timestamptz
) returns timestamptz
  language sql stable
  return case when chosen = 'offline' and private.choice_in_force(chosen, expires_at, at)
                   and private.device_is_live(last_heard_at, chosen_at)
    then chosen_at
    else last_heard_at
  end;
comment on function private.public_last_seen_at(public.presence_status, timestamptz, timestamptz, timestamptz, timestamptz) is
  'When others last saw the reader: the last heartbeat, or the moment they chose to appear offline.';

-- Pure, so harmless to anyone: visitors need them to read public.reader_cards, which calls them
-- (a view checks the functions it calls against its reader).
grant execute on function private.presence_online_threshold(), private.presence_auto_away_after(),
  private.device_is_live(timestamptz, timestamptz),
  private.choice_in_force(public.presence_status, timestamptz, timestamptz),
  private.presence_status_at(public.presence_status, timestamptz, timestamptz, timestamptz, timestamptz),
  private.public_last_seen_at(public.presence_status, timestamptz, timestamptz, timestamptz, timestamptz)
  to anon, authenticated, service_role;

-- ============================================================================================
-- State
-- ============================================================================================

alter table public.users add column recorded_status public.presence_status not null default 'offline';
comment on column public.users.recorded_status is
  'The effective status as last recorded (audited). It orders the directory; what to show is reader_cards.status.';

-- The directory's order: available, busy, away, offline, each best rated first. Heartbeats never
-- touch users, and a transition changes one entry.
create index users_directory_idx on public.users (recorded_status, average_rating desc, id) where is_reader;

-- One row per signed-in browser of a reader: a heartbeat rewrites its two timestamps, which are in
-- no index, so the update is HOT and writes no index entry. Ending the session (sign-out, here or
-- everywhere) deletes the row with it.
create table private.reader_devices (
  session_id uuid primary key references auth.sessions (id) on delete cascade,
  reader_id uuid not null references public.users (id) on delete cascade,
  last_seen_at timestamptz not null,
  last_input_at timestamptz not null
)
with (fillfactor = 50);
comment on table private.reader_devices is 'Each signed-in device of a reader: when it was last heard and last had input.';
create index reader_devices_reader_id_idx on private.reader_devices (reader_id);

-- A reader's choice, and when the devices that have left were last heard.
create table private.reader_presence (
  reader_id uuid primary key references public.users (id) on delete cascade,
  chosen_status public.presence_status not null default 'available',
  status_message public.status_message,
  chosen_at timestamptz,
  expires_at timestamptz,
  last_seen_at timestamptz
);
comment on table private.reader_presence is
  'A reader''s chosen status, message and expiry, and the last heartbeat of devices that have left.';
comment on column private.reader_presence.last_seen_at is 'Last heartbeat of a device that has since left (signed out, or purged).';

-- ============================================================================================
-- Every reader's presence now
-- ============================================================================================

-- A lateral read of the reader's devices: one index range per reader, so a page of 24 cards reads
-- 24 ranges; the jobs read the readers that can change.
create view private.reader_presence_now as
select u.id as reader_id,
       u.recorded_status,
       private.presence_status_at(p.chosen_status, p.expires_at, d.last_heard_at, d.last_input_at, now()) as status,
       p.chosen_status,
       -- A message goes with its choice: it ends when a busy, away or offline choice ends.
       case when p.chosen_status = 'available' or private.choice_in_force(p.chosen_status, p.expires_at, now())
         then p.status_message end as status_message,
       p.chosen_at,
       p.expires_at,
       private.public_last_seen_at(p.chosen_status, p.expires_at, p.chosen_at,
                                   greatest(d.last_heard_at, p.last_seen_at), now()) as last_seen_at,
       d.last_heard_at,
       d.live_devices
from public.users u
left join private.reader_presence p on p.reader_id = u.id
cross join lateral (
  select max(dv.last_seen_at) as last_heard_at,
         max(dv.last_input_at) as last_input_at,
         count(*) filter (where private.device_is_live(dv.last_seen_at, now()))::integer as live_devices
  from private.reader_devices dv
  where dv.reader_id = u.id
) d
where u.is_reader;
comment on view private.reader_presence_now is 'Every reader''s effective status now (presence_status_at), with what it was computed from.';

-- ============================================================================================
-- Recording transitions
-- ============================================================================================

-- What a reader's own presence calls answer with.
create type public.own_presence as (
  status public.presence_status,
  chosen_status public.presence_status,
  status_message text,
  expires_at timestamptz,
  hidden boolean,
  devices integer,
  server_time timestamptz
);
comment on type public.own_presence is
  'A reader''s own presence: status is what others see; chosen_status and expires_at the choice in force; hidden when appearing offline while signed in.';

-- A SQL-standard body without a SET clause, as the rule's functions above (inlined, bound at creation).
create function private.own_presence(n private.reader_presence_now) returns public.own_presence
  language sql stable
  return row(
    n.status,
    case when private.choice_in_force(n.chosen_status, n.expires_at, now()) then n.chosen_status else 'available' end,
    n.status_message,
    case when private.choice_in_force(n.chosen_status, n.expires_at, now()) then n.expires_at end,
    n.chosen_status = 'offline' and private.choice_in_force(n.chosen_status, n.expires_at, now()) and n.live_devices > 0,
    n.live_devices,
    now()
  )::public.own_presence;
comment on function private.own_presence(private.reader_presence_now) is 'A reader''s presence as they see it themselves.';

-- Records the reader's transition, if the rule now says something else than the record, with its
-- cause; returns the reader's own presence. A concurrent writer that recorded first wins: the
-- update below then matches no row, and the transition is logged once.
create function private.settle_presence(reader uuid, cause text)
returns public.own_presence
language plpgsql
set search_path = ''
as $$
declare
  now_row private.reader_presence_now;
begin
  select * into now_row from private.reader_presence_now n where n.reader_id = reader;
  if not found then
    return null;
  end if;
  if now_row.status <> now_row.recorded_status then
    -- A device coming or going, or input bringing an auto-away reader back, is the writer's doing;
    -- anything else its write finds (ten minutes without input, a choice ending) was time's, and is
    -- recorded as the minute job would record it.
    if cause <> 'reader_choice' and now_row.recorded_status <> 'offline'
       and not (now_row.recorded_status = 'away' and now_row.status = 'available'
                and now_row.chosen_status is distinct from 'away') then
      cause := private.time_transition_cause(now_row.status, now_row.chosen_status, now_row.expires_at, cause);
    end if;
    update public.users u
    set recorded_status = now_row.status
    where u.id = reader and u.recorded_status = now_row.recorded_status;
    if found then
      insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
      values (reader, now_row.recorded_status, now_row.status, now(), cause);
    end if;
  end if;
  return private.own_presence(now_row);
end;
$$;
comment on function private.settle_presence(uuid, text) is
  'Records a reader''s status transition (users.recorded_status and one audit row) when there is one; returns their own presence.';

-- The cause of a transition nobody asked for: time passed.
-- A SQL-standard body without a SET clause, as the rule's functions above (inlined, bound at creation).
create function private.time_transition_cause(
  new_status public.presence_status,
  chosen public.presence_status,
  expires_at timestamptz,
  silence_cause text
) returns text
  language sql stable
  return case
    when new_status = 'offline' then silence_cause
    when new_status = 'away' and not (chosen = 'away' and private.choice_in_force(chosen, expires_at, now())) then 'auto_away'
    else 'expiry'
  end;
comment on function private.time_transition_cause(public.presence_status, public.presence_status, timestamptz, text) is
  'Why a reader''s status changed by itself: silence (inactivity or cleanup), no input (auto_away), or a choice ending (expiry).';

-- Every transition time has brought about, in one statement. Going offline is recorded only for
-- readers silent for at least silent_for (the safety-net cleanup uses a longer time than the rule).
create function private.record_due_transitions(silence_cause text, silent_for interval)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed integer;
begin
  -- Only a reader recorded as not offline (a range of users_directory_idx: the enum's order puts
  -- offline last) or with a device can be due; the rest are offline and stay so. Each candidate is
  -- judged by primary key, rather than the whole view joined back to the candidates.
  with candidates as materialized (
    select u.id from public.users u where u.is_reader and u.recorded_status < 'offline'
    union
    select dv.reader_id from private.reader_devices dv
  ),
  due as materialized (
    select n.reader_id, n.recorded_status as old_status, n.status as new_status, n.chosen_status, n.expires_at
    from candidates c
    cross join lateral (select * from private.reader_presence_now v where v.reader_id = c.id) n
    where n.status <> n.recorded_status
      and (n.status <> 'offline' or n.last_heard_at is null or n.last_heard_at <= now() - silent_for)
  ),
  recorded as (
    update public.users u
    set recorded_status = due.new_status
    from due
    where u.id = due.reader_id and u.recorded_status = due.old_status
    returning u.id, due.old_status, due.new_status, due.chosen_status, due.expires_at
  )
  insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
  select r.id, r.old_status, r.new_status, now(),
         private.time_transition_cause(r.new_status, r.chosen_status, r.expires_at, silence_cause)
  from recorded r;
  get diagnostics changed = row_count;
  raise log 'presence %: recorded % transitions', silence_cause, changed;
  return changed;
end;
$$;
comment on function private.record_due_transitions(text, interval) is
  'Records every transition that time has brought about (silence, no input, a choice ending); returns how many.';

-- Devices that leave (go offline, sign-out, a session ended or purged): their last heartbeat is
-- kept for "last seen", and their readers' transitions are recorded with the cause the deleting
-- function declares (sign_out unless it says otherwise).
create function private.record_devices_left()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  cause text := coalesce(nullif(current_setting('presence.cause', true), ''), 'sign_out');
begin
  insert into private.reader_presence as p (reader_id, last_seen_at)
  select g.reader_id, max(g.last_seen_at)
  from gone g
  -- A deleted user's devices go with them; there is nobody to record.
  where exists (select from public.users u where u.id = g.reader_id)
  group by g.reader_id
  on conflict (reader_id) do update set last_seen_at = greatest(p.last_seen_at, excluded.last_seen_at);
  perform private.settle_presence(r.reader_id, cause) from (select distinct g.reader_id from gone g) r;
  return null;
end;
$$;
comment on function private.record_devices_left() is 'Keeps the last heartbeat of devices that left and records their readers'' transitions.';

create trigger record_devices_left
  after delete on private.reader_devices
  referencing old table as gone
  for each statement execute function private.record_devices_left();

-- A banned user's browsers stop counting at once, whatever their tokens say.
create function private.end_presence_of_banned_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from private.reader_devices d where d.reader_id = new.id;
  return null;
end;
$$;
comment on function private.end_presence_of_banned_user() is 'Takes a banned user''s devices offline.';

create trigger end_presence_of_banned_user
  after update of banned_until on auth.users
  for each row
  when (new.banned_until > now())
  execute function private.end_presence_of_banned_user();

-- ============================================================================================
-- The reader's presence path (RPCs through PostgREST)
-- ============================================================================================

-- The token's signature is not enough: its session must still exist and its user must not be banned.
create function private.session_is_active(reader uuid, session uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select from auth.sessions s
    join auth.users au on au.id = s.user_id
    where s.id = session and s.user_id = reader
      and (au.banned_until is null or au.banned_until <= now())
      and au.deleted_at is null
  );
$$;
comment on function private.session_is_active(uuid, uuid) is 'Whether the session exists, is the reader''s, and the reader is not banned.';

-- The caller, if they are a reader signed in with a session (the session is their device) that is
-- still active. Only the heartbeat's usual path takes the token's word (verify false), because the
-- device row it updates exists only for a reader's active session (see reader_heartbeat).
create function private.presence_caller(verify boolean default true, out reader uuid, out session uuid)
language plpgsql
stable
set search_path = ''
as $$
declare
  session_claim text := auth.jwt() ->> 'session_id';
begin
  reader := auth.uid();
  if reader is null or session_claim is null
     or session_claim !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' then
    raise exception 'presence needs a signed-in reader with a session' using errcode = '42501';
  end if;
  session := session_claim::uuid;
  if not verify then
    return;
  end if;
  if not exists (select from public.users u where u.id = reader and u.is_reader) then
    raise exception 'only readers report presence' using errcode = '42501';
  end if;
  if not private.session_is_active(reader, session) then
    raise exception 'this session has ended: sign in again' using errcode = '42501';
  end if;
end;
$$;
comment on function private.presence_caller(boolean) is
  'The signed-in reader and their active session, or an error (42501) for anyone else or an ended session.';

-- security definer: presence tables are not the API roles' to write; these functions write the
-- caller's own device with now(), never a time the browser sends. idle_seconds is how long ago
-- the browser last had input, which the database turns into its own time.
--
-- The usual heartbeat (a live device, last heard over 15 seconds ago) is one UPDATE of a narrow row
-- that commits asynchronously: a crash can lose the last fraction of a second of them, and the
-- next one restores the device. The session is checked on the other path: ending a session or
-- banning a user deletes its device rows, so a refused token never reaches the first UPDATE.
create function public.reader_heartbeat(idle_seconds integer default 0)
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
    -- Live before and after: only input can have changed the status (away to available).
    return private.settle_presence(caller.reader, 'heartbeat');
  end if;

  -- Not a live device of this reader: now the caller must prove to be a reader with an active session.
  perform private.presence_caller();
  -- Transitions of one reader one at a time: the row lock orders concurrent devices.
  select u.recorded_status into recorded from public.users u where u.id = caller.reader for update;

  if exists (select from private.reader_devices d
             where d.session_id = caller.session and private.device_is_live(d.last_seen_at, now())) then
    -- Heard less than 15 seconds ago: absorbed, nothing written.
    return (select private.own_presence(n) from private.reader_presence_now n where n.reader_id = caller.reader);
  end if;
  if recorded = 'offline' and not private.presence_transition_allowed(caller.reader) then
    -- Too many transitions this minute: absorbed; the next heartbeat brings the reader back.
    return (select private.own_presence(n) from private.reader_presence_now n where n.reader_id = caller.reader);
  end if;

  insert into private.reader_devices as d (session_id, reader_id, last_seen_at, last_input_at)
  values (caller.session, caller.reader, now(), input_at)
  on conflict (session_id) do update set last_seen_at = excluded.last_seen_at, last_input_at = excluded.last_input_at;
  return private.settle_presence(caller.reader, 'heartbeat');
end;
$$;
comment on function public.reader_heartbeat(integer) is
  'A signed-in reader''s device says "still here" (idle_seconds since its last input); returns their own presence and the server time.';

create function public.reader_go_offline()
returns public.own_presence
language plpgsql
security definer
set search_path = ''
set presence.cause = 'sign_out'
as $$
declare
  caller record := private.presence_caller();
  now_row private.reader_presence_now;
begin
  perform from public.users u where u.id = caller.reader for update;
  select * into now_row from private.reader_presence_now n where n.reader_id = caller.reader;
  -- The caller's own device only: a session id is a claim of the token, not proof of whose it is.
  if not exists (select from private.reader_devices d where d.session_id = caller.session and d.reader_id = caller.reader) then
    -- This device is not online: nothing to write.
    return private.own_presence(now_row);
  end if;
  if now_row.live_devices <= 1 and now_row.recorded_status <> 'offline'
     and not private.presence_transition_allowed(caller.reader) then
    -- Too many transitions this minute: absorbed, and the five-minute rule takes a device that
    -- really left offline.
    return private.own_presence(now_row);
  end if;
  delete from private.reader_devices d where d.session_id = caller.session and d.reader_id = caller.reader;
  return (select private.own_presence(n) from private.reader_presence_now n where n.reader_id = caller.reader);
end;
$$;
comment on function public.reader_go_offline() is
  'This device leaves (sign-out, last tab closed); the reader goes offline when it was their last live device.';

create function public.set_reader_status(status public.presence_status, message text default null, expires_at timestamptz default null)
returns public.own_presence
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller record := private.presence_caller();
  chosen_message public.status_message;
  chosen_expiry timestamptz := expires_at;
  now_row private.reader_presence_now;
begin
  if status is null then
    raise exception 'choose a status: available, busy, away or offline' using errcode = '22023';
  end if;
  if chosen_expiry is not null and chosen_expiry <= now() then
    raise exception 'the end time must be in the future' using errcode = '22023';
  end if;
  if chosen_expiry > now() + private.presence_choice_max_duration() then
    raise exception 'the end time must be within % hours from now', (extract(epoch from private.presence_choice_max_duration()) / 3600)::integer
      using errcode = '22023';
  end if;
  -- Blank means no message; anything else must fit the domain (23514 names the broken limit).
  chosen_message := nullif(btrim(message), '');
  if status = 'available' then
    chosen_expiry := null;
  elsif status = 'busy' and chosen_expiry is null then
    chosen_expiry := now() + private.presence_busy_limit();
  end if;

  perform from public.users u where u.id = caller.reader for update;
  select * into now_row from private.reader_presence_now n where n.reader_id = caller.reader;
  if now_row.live_devices > 0
     and private.presence_status_at(status, chosen_expiry, now(), now(), now()) <> now_row.recorded_status
     and not private.presence_transition_allowed(caller.reader) then
    -- PostgREST answers a 'PGRST' error with the status it names: 429, as for any rate limit.
    raise sqlstate 'PGRST' using
      message = json_build_object('code', '54000', 'message', 'too many status changes in the last minute: try again shortly')::text,
      detail = json_build_object('status', 429, 'headers', json_build_object('Retry-After', '60'))::text;
  end if;

  insert into private.reader_presence as p (reader_id, chosen_status, status_message, chosen_at, expires_at)
  values (caller.reader, status, chosen_message, now(), chosen_expiry)
  on conflict (reader_id) do update
  set chosen_status = excluded.chosen_status, status_message = excluded.status_message,
      chosen_at = excluded.chosen_at, expires_at = excluded.expires_at;
  return private.settle_presence(caller.reader, 'reader_choice');
end;
$$;
comment on function public.set_reader_status(public.presence_status, text, timestamptz) is
  'A reader chooses available, busy (ends by itself after 2 hours unless expires_at says), away or offline (appear offline), with an optional message.';

create function public.my_presence()
returns public.own_presence
language sql
stable
security definer
set search_path = ''
as $$
  select private.own_presence(n) from private.reader_presence_now n where n.reader_id = (private.presence_caller()).reader;
$$;
comment on function public.my_presence() is 'The signed-in reader''s own presence, without reporting anything.';

revoke execute on function public.reader_heartbeat(integer), public.reader_go_offline(),
  public.set_reader_status(public.presence_status, text, timestamptz), public.my_presence() from public, anon;
grant execute on function public.reader_heartbeat(integer), public.reader_go_offline(),
  public.set_reader_status(public.presence_status, text, timestamptz), public.my_presence() to authenticated;

-- ============================================================================================
-- Cleanup (pg_cron, the local stack's scheduler, or ops by hand)
-- ============================================================================================

create function public.mark_inactive_readers_offline()
returns integer
language sql
security definer
set search_path = ''
as $$ select private.record_due_transitions('inactivity', private.presence_online_threshold()) $$;
comment on function public.mark_inactive_readers_offline() is
  'Every minute: records what time changed (silent five minutes: offline; idle: away; a choice ending). Returns how many readers changed.';

-- The safety net also forgets devices silent for a day (their last heartbeat stays, for "last seen").
create function public.cleanup_reader_presence()
returns integer
language plpgsql
security definer
set search_path = ''
set presence.cause = 'cleanup'
as $$
declare
  changed integer := private.record_due_transitions('cleanup', interval '10 minutes');
begin
  -- Readers' rows first, in id order, then their devices: the order every writer takes them in
  -- (the trigger on the delete updates users), so a heartbeat coming back meanwhile cannot deadlock.
  perform from public.users u
  where u.id in (select d.reader_id from private.reader_devices d where d.last_seen_at < now() - interval '1 day')
  order by u.id
  for update;
  delete from private.reader_devices d where d.last_seen_at < now() - interval '1 day';
  return changed;
end;
$$;
comment on function public.cleanup_reader_presence() is
  'Safety net: readers silent for ten minutes are recorded offline, devices silent for a day forgotten. Returns the readers changed.';

revoke execute on function public.mark_inactive_readers_offline(), public.cleanup_reader_presence() from public, anon, authenticated;
grant execute on function public.mark_inactive_readers_offline(), public.cleanup_reader_presence() to service_role;
