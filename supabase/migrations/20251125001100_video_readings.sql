-- Video readings: a signed-in client asks an available reader for a reading; the reader's open tabs
-- ring; accepted, the reading is live until either hangs up, a browser gives up on a lost peer, or
-- the database ends it after two minutes without a heartbeat from one side. While it is live the
-- reader is Busy for everyone, set and cleared here, not by a browser.
--
--   ringing --accept--> live --end--> ended          (start, end, duration, amount kept)
--      |--decline--> declined   |--cancel (client)--> cancelled   |--60 s--> expired
--
-- Each participant hears of every change on their own private Realtime topic 'readings:<user id>'
-- (event 'reading'). The call's signalling (offer, answer, ICE candidates) is broadcast between the
-- two browsers on the private topic 'reading:<reading id>', which only its two participants may
-- join or send on, and only while it is live.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Timings and limits
-- ============================================================================================

create function private.reading_ring_timeout() returns interval
  language sql immutable
  return interval '60 seconds';
comment on function private.reading_ring_timeout() is 'A request rings this long; unanswered, it expires.';

create function private.reading_silence_limit() returns interval
  language sql immutable
  return interval '2 minutes';
comment on function private.reading_silence_limit() is
  'A live reading one side has not sent a heartbeat for this long has been left by a crash: it ends.';

create function private.reading_heartbeat_min_interval() returns interval
  language sql immutable
  return interval '5 seconds';
comment on function private.reading_heartbeat_min_interval() is 'Reading heartbeats of one side closer together than this write nothing.';

-- ============================================================================================
-- Readings
-- ============================================================================================

create type public.reading_state as enum ('ringing', 'declined', 'expired', 'cancelled', 'live', 'ended');
comment on type public.reading_state is 'Where a reading request stands: ringing, then declined, expired, cancelled, or live and then ended.';

-- abandoned: the database ended it, one side silent for reading_silence_limit().
create type public.reading_end_reason as enum ('hung_up', 'connection_lost', 'abandoned');
comment on type public.reading_end_reason is
  'Why a reading ended: a participant hung up, a browser gave up on its lost peer, or the database found it abandoned.';

-- The time a reading lasted, in whole seconds (a started second counts), and its price: every started
-- minute at the price agreed when it was requested. The browser shows what these answer, live or
-- ended (reading_view), and never computes a price itself.
create function private.reading_seconds(started_at timestamptz, ended_at timestamptz) returns integer
  language sql immutable
  return ceil(extract(epoch from ended_at - started_at))::integer;

create function private.reading_minutes(seconds integer) returns integer
  language sql immutable
  return ceil(seconds / 60.0)::integer;

create function private.reading_amount(price_per_minute numeric, seconds integer) returns numeric
  language sql immutable
  return price_per_minute * private.reading_minutes(seconds);

create table public.readings (
  id uuid primary key default gen_random_uuid(),
  client_id uuid not null references public.users (id) on delete cascade,
  reader_id uuid not null references public.users (id) on delete cascade,
  price_per_minute numeric(6, 2) not null check (price_per_minute >= 0),
  state public.reading_state not null default 'ringing',
  requested_at timestamptz not null default now(),
  -- When the ringing stopped: answered, cancelled or expired.
  answered_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  -- A participant, or null when the database ended it.
  ended_by uuid,
  end_reason public.reading_end_reason,
  duration_seconds integer generated always as (private.reading_seconds(started_at, ended_at)) stored,
  amount numeric(10, 2) generated always as (private.reading_amount(price_per_minute, private.reading_seconds(started_at, ended_at))) stored,
  -- Each side's last reading heartbeat: the bound on a reading left open by a crash.
  client_heard_at timestamptz,
  reader_heard_at timestamptz,
  check (client_id <> reader_id),
  check ((state in ('live', 'ended')) = (started_at is not null and client_heard_at is not null and reader_heard_at is not null)),
  check ((state = 'ended') = (ended_at is not null and end_reason is not null)),
  check ((state = 'ringing') = (answered_at is null)),
  check (ended_at >= started_at),
  check (ended_by in (client_id, reader_id))
);
comment on table public.readings is
  'Video readings and requests for them: who, at what price per minute, and how each went (start, end, duration, amount, who ended it and why).';

-- One reading at a time, ringing or live, for a reader and for a client; the jobs read these too.
create unique index readings_one_open_per_reader on public.readings (reader_id) where state in ('ringing', 'live');
create unique index readings_one_open_per_client on public.readings (client_id) where state in ('ringing', 'live');
-- Each side's history and the request limit: a short range of one user's readings.
create index readings_client_history_idx on public.readings (client_id, requested_at desc);
create index readings_reader_history_idx on public.readings (reader_id, requested_at desc);

-- Ringing someone is an interruption: a client may ask the same reader 3 times and anyone 10 times
-- in 10 minutes.
create function private.reading_requests_allowed(client uuid, reader uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select count(*) < 10 and count(*) filter (where r.reader_id = reader) < 3
  from public.readings r
  where r.client_id = client and r.requested_at > now() - interval '10 minutes';
$$;

-- Each participant reads their own readings; nobody writes them but the functions below.
alter table public.readings enable row level security;
create policy "Participants read their own readings"
  on public.readings
  for select
  to authenticated
  using ((select auth.uid()) in (client_id, reader_id));
grant select on public.readings to authenticated;
grant select on public.readings to service_role;

-- What either participant is told of a reading: both names, so each side can say who it is with.
create type public.reading_view as (
  id uuid,
  state public.reading_state,
  client_id uuid,
  client_name text,
  reader_id uuid,
  reader_name text,
  price_per_minute numeric,
  requested_at timestamptz,
  -- When a ringing request expires.
  expires_at timestamptz,
  started_at timestamptz,
  ended_at timestamptz,
  ended_by uuid,
  end_reason public.reading_end_reason,
  duration_seconds integer,
  -- Ended: the amount charged. Live: the amount so far, which next grows at charged_until (the end
  -- of the minutes begun), when the browser asks again.
  amount numeric,
  charged_until timestamptz,
  server_time timestamptz
);
comment on type public.reading_view is 'A reading as its participants see it, with the server''s time.';

create function private.reading_view(r public.readings)
returns public.reading_view
language sql
stable
set search_path = ''
as $$
  select row(r.id, r.state, r.client_id, c.display_name, r.reader_id, rd.display_name, r.price_per_minute, r.requested_at,
             case when r.state = 'ringing' then r.requested_at + private.reading_ring_timeout() end,
             r.started_at, r.ended_at, r.ended_by, r.end_reason, r.duration_seconds,
             case when r.state = 'live' then private.reading_amount(r.price_per_minute, so_far.seconds) else r.amount end,
             case when r.state = 'live' then r.started_at + private.reading_minutes(so_far.seconds) * interval '1 minute' end,
             now())::public.reading_view
  from public.users c, public.users rd, lateral (select private.reading_seconds(r.started_at, now()) as seconds) so_far
  where c.id = r.client_id and rd.id = r.reader_id;
$$;
comment on function private.reading_view(public.readings) is 'The reading as its participants see it.';

-- ============================================================================================
-- Presence follows the reading
-- ============================================================================================

-- The live reading that makes the reader busy. The rule below reads it from the reader's row, so a
-- page of cards costs no extra lookup.
alter table private.reader_presence add column reading_id uuid references public.readings (id) on delete set null;
comment on column private.reader_presence.reading_id is 'The reader''s live reading: while set, they are busy whatever they chose.';
-- Deleting a reading (with an account) finds the presence row that names it by this index rather
-- than reading every reader's row; nearly all rows name none.
create index reader_presence_reading_id_idx on private.reader_presence (reading_id) where reading_id is not null;

-- A live reading is a busy choice without end and without a message; the reader's own choice (kept,
-- and still theirs to change) applies again when it ends. Otherwise as in 20251125000200.
create or replace view private.reader_presence_now as
select u.id as reader_id,
       u.recorded_status,
       private.presence_status_at(c.chosen_status, c.expires_at, d.last_heard_at, d.last_input_at, now()) as status,
       c.chosen_status,
       case when c.chosen_status = 'available' or private.choice_in_force(c.chosen_status, c.expires_at, now())
         then c.status_message end as status_message,
       p.chosen_at,
       c.expires_at,
       private.public_last_seen_at(c.chosen_status, c.expires_at, p.chosen_at,
                                   greatest(d.last_heard_at, p.last_seen_at), now()) as last_seen_at,
       d.last_heard_at,
       d.live_devices
from public.users u
left join private.reader_presence p on p.reader_id = u.id
cross join lateral (
  select case when p.reading_id is null then p.chosen_status else 'busy' end as chosen_status,
         case when p.reading_id is null then p.expires_at end as expires_at,
         case when p.reading_id is null then p.status_message end as status_message
) c
cross join lateral (
  select max(dv.last_seen_at) as last_heard_at,
         max(dv.last_input_at) as last_input_at,
         count(*) filter (where private.device_is_live(dv.last_seen_at, now()))::integer as live_devices
  from private.reader_devices dv
  where dv.reader_id = u.id
) d
where u.is_reader;

alter table public.presence_audit_log drop constraint presence_audit_log_cause_check;
alter table public.presence_audit_log add constraint presence_audit_log_cause_check
  check (cause in ('heartbeat', 'sign_out', 'inactivity', 'cleanup', 'reader_choice', 'auto_away', 'expiry',
                   'reading_started', 'reading_ended'));

-- As in 20251125000200, with a reading's start and end counted as the writer's doing, like a choice.
create or replace function private.settle_presence(reader uuid, cause text)
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
    -- A device coming or going, input bringing an auto-away reader back, or a reading starting or
    -- ending is the writer's doing; anything else its write finds (ten minutes without input, a
    -- choice ending) was time's, and is recorded as the minute job would record it.
    if cause not in ('reader_choice', 'reading_started', 'reading_ended') and now_row.recorded_status <> 'offline'
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

-- Every reading going live or leaving it moves its reader's presence, whichever function or job did
-- it, and so does a live one deleted with the client's account. Writers lock the reader's users row
-- first, as every presence writer does.
create function private.follow_reading_in_presence()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if tg_op = 'UPDATE' and new.state = 'live' then
    insert into private.reader_presence as p (reader_id, reading_id)
    values (new.reader_id, new.id)
    on conflict (reader_id) do update set reading_id = excluded.reading_id;
    perform private.settle_presence(new.reader_id, 'reading_started');
  else
    update private.reader_presence p set reading_id = null where p.reader_id = old.reader_id and p.reading_id = old.id;
    perform private.settle_presence(old.reader_id, 'reading_ended');
  end if;
  return null;
end;
$$;
comment on function private.follow_reading_in_presence() is 'Makes a reader busy while their reading is live, and their own choice again when it ends.';

create trigger follow_reading_in_presence
  after update of state on public.readings
  for each row
  when ((old.state = 'live') <> (new.state = 'live'))
  execute function private.follow_reading_in_presence();

create trigger follow_deleted_reading_in_presence
  after delete on public.readings
  for each row
  when (old.state = 'live')
  execute function private.follow_reading_in_presence();

-- ============================================================================================
-- Pushed to both participants
-- ============================================================================================

create policy "users receive their own reading events"
  on realtime.messages
  for select
  to authenticated
  using ((select realtime.topic()) = 'readings:' || (select auth.uid())::text and extension = 'broadcast');

create function private.push_reading()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  payload jsonb := to_jsonb(private.reading_view(new));
begin
  perform realtime.send(payload, 'reading', 'readings:' || participant, true)
  from unnest(array[new.client_id, new.reader_id]) as participant;
  return null;
end;
$$;
comment on function private.push_reading() is
  'Broadcasts a new or changed reading (a reading_view) to both participants, on readings:<user id>, event reading.';

create trigger push_reading
  after insert or update of state on public.readings
  for each row
  execute function private.push_reading();

-- ============================================================================================
-- The call's signalling channel
-- ============================================================================================

create function private.reading_of_topic(topic text) returns uuid
  language sql immutable
  return case when topic ~ '^reading:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
    then substr(topic, 9)::uuid end;

-- Security invoker: the participants' own select policy on readings is the check.
create function private.may_signal_on(topic text)
returns boolean
language sql
stable
set search_path = ''
as $$
  select exists (
    select from public.readings r
    where r.id = private.reading_of_topic(topic) and r.state = 'live' and (select auth.uid()) in (r.client_id, r.reader_id)
  );
$$;
comment on function private.may_signal_on(text) is 'Whether the caller takes part in the live reading whose signalling topic this is.';

create policy "participants receive their live reading's signals"
  on realtime.messages
  for select
  to authenticated
  using (extension = 'broadcast' and (select private.may_signal_on((select realtime.topic()))));

create policy "participants send signals in their live reading"
  on realtime.messages
  for insert
  to authenticated
  with check (extension = 'broadcast' and (select private.may_signal_on((select realtime.topic()))));

-- ============================================================================================
-- Requests ringing too long, readings left by a crash
-- ============================================================================================

create function private.reading_is_overdue(
  state public.reading_state,
  requested_at timestamptz,
  client_heard_at timestamptz,
  reader_heard_at timestamptz
) returns boolean
  language sql stable
  return (state = 'ringing' and requested_at <= now() - private.reading_ring_timeout())
      or (state = 'live' and least(client_heard_at, reader_heard_at) <= now() - private.reading_silence_limit());

-- Expires the requests that rang out and ends the readings one side left (at that side's last
-- heartbeat, so nobody pays for the silence), all of them or the one given; returns how many.
create function private.end_overdue_readings(only_reading uuid default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  changed integer;
begin
  perform from public.users u
  where u.id in (select r.reader_id from public.readings r
                 where r.state in ('ringing', 'live') and (only_reading is null or r.id = only_reading)
                   and private.reading_is_overdue(r.state, r.requested_at, r.client_heard_at, r.reader_heard_at))
  order by u.id
  for update;
  update public.readings r
  set state = case r.state when 'ringing' then 'expired' else 'ended' end::public.reading_state,
      answered_at = coalesce(r.answered_at, now()),
      ended_at = case when r.state = 'live' then least(r.client_heard_at, r.reader_heard_at) end,
      end_reason = case when r.state = 'live' then 'abandoned' end::public.reading_end_reason
  where r.state in ('ringing', 'live') and (only_reading is null or r.id = only_reading)
    and private.reading_is_overdue(r.state, r.requested_at, r.client_heard_at, r.reader_heard_at);
  get diagnostics changed = row_count;
  return changed;
end;
$$;
comment on function private.end_overdue_readings(uuid) is
  'Expires requests unanswered for 60 seconds and ends readings without a heartbeat from one side for 2 minutes; returns how many.';

-- ============================================================================================
-- The participants' API
-- ============================================================================================

-- Refusals say why in words, with a code the app reads in `details`. PostgREST answers PT409 with 409.
create function private.refuse_reading(reason text, message text) returns void
language plpgsql
set search_path = ''
as $$
begin
  raise exception '%', message using errcode = 'PT409', detail = reason;
end;
$$;

-- Nobody's reading, or no such reader: P0002 as the app reads it, answered 404. PostgREST answers a
-- plain P0002 with 500 as for any server error, so the status is named as for the 429 of
-- set_reader_status.
create function private.refuse_unknown(thing text) returns void
language plpgsql
set search_path = ''
as $$
begin
  raise sqlstate 'PGRST' using
    message = json_build_object('code', 'P0002', 'message', 'no such ' || thing)::text,
    detail = json_build_object('status', 404, 'headers', json_build_object())::text;
end;
$$;

-- The signed-in caller. As for presence, the token's signature is not enough: its session must
-- still exist and its user must not be banned, so signing out everywhere or a ban stops readings at once.
create function private.reading_caller() returns uuid
language plpgsql
stable
set search_path = ''
as $$
declare
  session_claim text := auth.jwt() ->> 'session_id';
begin
  if auth.uid() is null then
    raise exception 'sign in to take part in readings' using errcode = '42501';
  end if;
  if session_claim is null or session_claim !~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
     or not private.session_is_active(auth.uid(), session_claim::uuid) then
    raise exception 'this session has ended: sign in again' using errcode = '42501';
  end if;
  return auth.uid();
end;
$$;

-- The caller's reading, locked, after settling whether it is overdue; someone else's reading or
-- none is "no such reading" alike, so ids of others' readings reveal nothing.
create function private.own_reading(reading uuid, caller uuid)
returns public.readings
language plpgsql
set search_path = ''
as $$
declare
  found_reading public.readings;
begin
  select * into found_reading from public.readings r where r.id = reading and caller in (r.client_id, r.reader_id);
  if not found then
    perform private.refuse_unknown('reading');
  end if;
  -- The reader's row before the reading's, as every writer of presence takes them.
  perform from public.users u where u.id = found_reading.reader_id for update;
  perform private.end_overdue_readings(reading);
  select * into found_reading from public.readings r where r.id = reading for update;
  return found_reading;
end;
$$;

create function public.request_reading(reader_id uuid)
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reader record;
  status public.presence_status;
  requested public.readings;
begin
  if reader_id is null then
    raise exception 'choose a reader' using errcode = '22023';
  end if;
  if reader_id = caller then
    raise exception 'you cannot ask yourself for a reading' using errcode = '22023';
  end if;
  -- Requests that involve the caller or the reader take turns: both rows are locked until this one
  -- is in, so neither a client ringing two readers from two tabs nor a reader rung while ringing
  -- someone ends up in two readings. With them, the readers of their open readings, whose presence
  -- settling one that is overdue writes: all in id order, as every presence writer takes them.
  perform from public.users u
  where u.id in (select unnest(array[caller, request_reading.reader_id])
                 union
                 select r.reader_id from public.readings r
                 where r.state in ('ringing', 'live')
                   and (r.reader_id in (caller, request_reading.reader_id) or r.client_id in (caller, request_reading.reader_id)))
  order by u.id
  for update;
  select u.id, u.display_name, l.base_price_per_minute as price into reader
  from public.users u
  join public.reader_levels l on l.id = u.level_id
  where u.id = request_reading.reader_id and u.is_reader;
  if not found then
    perform private.refuse_unknown('reader');
  end if;
  perform private.end_overdue_readings(r.id)
  from public.readings r
  where r.state in ('ringing', 'live') and (r.reader_id in (reader.id, caller) or r.client_id in (reader.id, caller));

  if not private.reading_requests_allowed(caller, reader.id) then
    raise exception 'too many reading requests: ask the same reader at most 3 times, and anyone at most 10 times, in 10 minutes'
      using errcode = 'PT429';
  end if;
  if exists (select from public.readings r where r.state in ('ringing', 'live') and caller in (r.client_id, r.reader_id)) then
    perform private.refuse_reading('caller_in_reading', 'you already have a reading under way: end it first');
  end if;
  if exists (select from public.readings r where r.state in ('ringing', 'live') and reader.id in (r.client_id, r.reader_id)) then
    perform private.refuse_reading('reader_in_reading', format('%s is in another reading', reader.display_name));
  end if;
  select n.status into status from private.reader_presence_now n where n.reader_id = reader.id;
  if status <> 'available' then
    perform private.refuse_reading('reader_' || status,
      format('%s is %s: readings are only with available readers', reader.display_name, status));
  end if;

  insert into public.readings (client_id, reader_id, price_per_minute)
  values (caller, reader.id, reader.price)
  returning * into requested;
  return private.reading_view(requested);
end;
$$;
comment on function public.request_reading(uuid) is
  'A signed-in user asks an available reader for a video reading at the reader''s price now; their tabs ring for 60 seconds.';

create function public.answer_reading(reading_id uuid, accept boolean)
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reading public.readings := private.own_reading(reading_id, caller);
begin
  if accept is null then
    raise exception 'accept or decline' using errcode = '22023';
  end if;
  if reading.reader_id <> caller then
    raise exception 'only the reader answers a reading request' using errcode = '42501';
  end if;
  if reading.state <> 'ringing' then
    perform private.refuse_reading('reading_' || reading.state, format('this request is no longer ringing: it was %s', reading.state));
  end if;
  update public.readings r
  set state = case when accept then 'live' else 'declined' end::public.reading_state,
      answered_at = now(),
      started_at = case when accept then now() end,
      client_heard_at = case when accept then now() end,
      reader_heard_at = case when accept then now() end
  where r.id = reading.id
  returning * into reading;
  return private.reading_view(reading);
end;
$$;
comment on function public.answer_reading(uuid, boolean) is 'The reader accepts (the reading is live) or declines a ringing request.';

-- A request already answered is left as it is: the answer says what it became.
create function public.cancel_reading(reading_id uuid)
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reading public.readings := private.own_reading(reading_id, caller);
begin
  if reading.client_id <> caller then
    raise exception 'only the client cancels a reading request' using errcode = '42501';
  end if;
  if reading.state = 'ringing' then
    update public.readings r set state = 'cancelled', answered_at = now() where r.id = reading.id returning * into reading;
  end if;
  return private.reading_view(reading);
end;
$$;
comment on function public.cancel_reading(uuid) is 'The client withdraws a ringing request; an answered one is returned as it is.';

-- Either participant ends a live reading: hung_up, or connection_lost when their browser gave up on
-- the other. Ending one that has ended already returns it as it is (both sides hang up at once).
create function public.end_reading(reading_id uuid, reason public.reading_end_reason default 'hung_up')
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reading public.readings := private.own_reading(reading_id, caller);
begin
  if reason is null or reason = 'abandoned' then
    raise exception 'a reading ends because someone hung up or the connection was lost' using errcode = '22023';
  end if;
  if reading.state = 'live' then
    update public.readings r
    set state = 'ended', ended_at = now(), ended_by = caller, end_reason = reason
    where r.id = reading.id
    returning * into reading;
  elsif reading.state <> 'ended' then
    perform private.refuse_reading('reading_' || reading.state, format('this reading did not start: it was %s', reading.state));
  end if;
  return private.reading_view(reading);
end;
$$;
comment on function public.end_reading(uuid, public.reading_end_reason) is
  'A participant ends a live reading (hung_up or connection_lost); the server''s clock sets its end, duration and amount.';

-- Each side of a live reading says "still here" every 15 seconds; a side silent for two minutes has
-- crashed and the reading ends. Also how a browser without Realtime learns what became of a reading.
create function public.reading_heartbeat(reading_id uuid)
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reading public.readings := private.own_reading(reading_id, caller);
  heard public.readings;
begin
  if reading.state = 'live' then
    update public.readings r
    set client_heard_at = case when caller = r.client_id then now() else r.client_heard_at end,
        reader_heard_at = case when caller = r.reader_id then now() else r.reader_heard_at end
    where r.id = reading.id
      and (case when caller = r.client_id then r.client_heard_at else r.reader_heard_at end)
          < now() - private.reading_heartbeat_min_interval()
    returning * into heard;
    -- An absorbed heartbeat updated nothing (and RETURNING INTO would have nulled the reading).
    if found then
      reading := heard;
    end if;
  end if;
  return private.reading_view(reading);
end;
$$;
comment on function public.reading_heartbeat(uuid) is 'A participant''s browser keeps a live reading going; returns the reading as it stands.';

-- The caller's reading ringing or live, if any: what a newly opened tab shows.
create function public.current_reading()
returns public.reading_view
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  open_id uuid;
begin
  select r.id into open_id from public.readings r where r.state in ('ringing', 'live') and caller in (r.client_id, r.reader_id);
  if not found then
    return null;
  end if;
  return (select private.reading_view(r) from private.own_reading(open_id, caller) r where r.state in ('ringing', 'live'));
end;
$$;
comment on function public.current_reading() is 'The signed-in user''s reading that is ringing or live, or null.';

-- The caller's readings that took place, newest first, a page at a time (before: the last page's
-- oldest started_at).
create function public.my_readings(page_size integer default 20, before timestamptz default null)
returns setof public.reading_view
language plpgsql
stable
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
begin
  if page_size is null or page_size not between 1 and 100 then
    raise exception 'page_size must be between 1 and 100, got %', page_size using errcode = '22023';
  end if;
  return query
  select v.*
  from public.readings r
  cross join lateral private.reading_view(r) v
  where caller in (r.client_id, r.reader_id) and r.state = 'ended' and r.started_at < coalesce(before, 'infinity')
  order by r.started_at desc
  limit page_size;
end;
$$;
comment on function public.my_readings(integer, timestamptz) is 'The signed-in user''s past readings (as client or reader), newest first.';

revoke execute on function public.request_reading(uuid), public.answer_reading(uuid, boolean), public.cancel_reading(uuid),
  public.end_reading(uuid, public.reading_end_reason), public.reading_heartbeat(uuid), public.current_reading(),
  public.my_readings(integer, timestamptz) from public, anon;
grant execute on function public.request_reading(uuid), public.answer_reading(uuid, boolean), public.cancel_reading(uuid),
  public.end_reading(uuid, public.reading_end_reason), public.reading_heartbeat(uuid), public.current_reading(),
  public.my_readings(integer, timestamptz) to authenticated;
-- The realtime policies call it as the joining user.
grant execute on function private.may_signal_on(text), private.reading_of_topic(text) to authenticated;

-- ============================================================================================
-- The job
-- ============================================================================================

create or replace function private.presence_maintenance_jobs()
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
      ('purge-presence-observability', '29 3 * * *', 'select public.purge_presence_observability()'),
      -- Requests nobody answered, readings a crash left open; the browsers settle their own sooner.
      ('end-overdue-readings', '* * * * *', 'select private.end_overdue_readings()')
  ) as j(job_name, schedule, work)
$$;

do $$
declare
  job record;
begin
  if to_regnamespace('cron') is null then
    return;
  end if;
  for job in select * from private.presence_maintenance_jobs() j where j.job_name = 'end-overdue-readings' loop
    perform cron.schedule(job.job_name, job.schedule, job.command);
  end loop;
end;
$$;

revoke execute on function private.reading_ring_timeout(), private.reading_silence_limit(), private.reading_heartbeat_min_interval(),
  private.reading_requests_allowed(uuid, uuid), private.reading_seconds(timestamptz, timestamptz),
  private.reading_minutes(integer), private.reading_amount(numeric, integer), private.reading_view(public.readings), private.follow_reading_in_presence(),
  private.push_reading(), private.reading_is_overdue(public.reading_state, timestamptz, timestamptz, timestamptz),
  private.end_overdue_readings(uuid), private.refuse_reading(text, text), private.refuse_unknown(text), private.reading_caller(),
  private.own_reading(uuid, uuid) from public;
