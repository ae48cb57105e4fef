-- A proposed change to supabase/migrations/20251125000200_reader_presence.sql, measured with
--   BENCH_SCHEMA_PATCH=bench/results/2026-12-01-per-device-inlined-helpers.patch.sql npm run bench
-- The rule's helpers with the same bodies, made inlinable: PostgreSQL inlines a SQL function into the
-- query that calls it only if it has no SET clause and its body is no more volatile than declared.
-- With `set search_path = ''` (and `immutable` on bodies that use timestamptz - interval or now(),
-- which are stable), every call runs its body as a query of its own, planned again on every call.
-- SQL-standard bodies (RETURN ...) are parsed when the function is created, so search_path at call
-- time cannot change what they call, which is what the SET clause guarded against. Supabase's
-- advisor (0011 function_search_path_mutable) still lists them: accept those findings by name.
create or replace function private.presence_online_threshold() returns interval
  language sql immutable return interval '5 minutes';
create or replace function private.presence_heartbeat_min_interval() returns interval
  language sql immutable return interval '15 seconds';
create or replace function private.presence_auto_away_after() returns interval
  language sql immutable return interval '10 minutes';

create or replace function private.device_is_live(last_seen_at timestamptz, at timestamptz) returns boolean
  language sql stable
  return last_seen_at >= at - private.presence_online_threshold();

create or replace function private.choice_in_force(chosen public.presence_status, expires_at timestamptz, at timestamptz) returns boolean
  language sql immutable
  return chosen is not null and chosen <> 'available' and (expires_at is null or expires_at > at);

create or replace function private.presence_status_at(
  chosen public.presence_status, expires_at timestamptz, last_heard_at timestamptz, last_input_at timestamptz, at timestamptz
) returns public.presence_status
  language sql stable
  return case
    when last_heard_at is null or not private.device_is_live(last_heard_at, at) then 'offline'
    when private.choice_in_force(chosen, expires_at, at) then chosen
    when last_input_at < at - private.presence_auto_away_after() then 'away'
    else 'available'
  end::public.presence_status;

create or replace function private.public_last_seen_at(
  chosen public.presence_status, expires_at timestamptz, chosen_at timestamptz, last_heard_at timestamptz, at timestamptz
) returns timestamptz
  language sql stable
  return case when chosen = 'offline' and private.choice_in_force(chosen, expires_at, at)
                   and private.device_is_live(last_heard_at, chosen_at)
    then chosen_at
    else last_heard_at
  end;

create or replace function private.own_presence(n private.reader_presence_now) returns public.own_presence
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

create or replace function private.time_transition_cause(
  new_status public.presence_status, chosen public.presence_status, expires_at timestamptz, silence_cause text
) returns text
  language sql stable
  return case
    when new_status = 'offline' then silence_cause
    when new_status = 'away' and not (chosen = 'away' and private.choice_in_force(chosen, expires_at, now())) then 'auto_away'
    else 'expiry'
  end;
