-- Reader hours: the weekly windows in which a reader usually works, in the reader's own IANA time
-- zone, with days off; and the next window of every reader, kept on public.users and shown on
-- public.reader_cards as two instants (the browser words them in its own zone).
--
-- Hours are a promise shown beside the status, never the status: nothing here reads or writes
-- presence, and a reader inside a window with no live device is offline.
--
-- Local times become instants with PostgreSQL's own rules, `(local_date + time) at time zone zone`,
-- so every daylight-saving change is the time zone database's. A local time inside a spring-forward
-- gap does not exist; PostgreSQL gives it the offset in force just before the change, which moves
-- it forward by the jump (01:30 in London on the last Sunday of March is 02:30 BST, 01:30Z). A
-- local time that happens twice on a fall-back night is taken with the offset in force after the
-- change (the second 01:30). A window whose end falls before its moved start (01:30-02:10 on that
-- Sunday in London) does not happen that day and is skipped.
-- Rollback: supabase/rollback/presence.sql

-- The exclusion constraint below compares reader ids and weekdays (btree types) in a GiST index.
create extension if not exists btree_gist with schema extensions;

-- ============================================================================================
-- Time zones
-- ============================================================================================

-- An Area/Location name of the IANA database as PostgreSQL lists it, spelled as it spells it
-- (Europe/London, America/Argentina/Buenos_Aires), or UTC. Not abbreviations or POSIX rules
-- (EST, CET, EST5EDT, +05, UTC+3): PostgreSQL accepts several of those in AT TIME ZONE, but they
-- are fixed offsets or legacy rules that do not follow a place's daylight-saving changes, and EST
-- for a New York reader would be an hour wrong all summer. Not Etc/GMT+5 either (its sign is the
-- opposite of what it reads), nor the posix/ and right/ copies some systems list. Checked when a
-- zone is written (it is a domain): the shape first, so a long or hostile string costs nothing,
-- then PostgreSQL loads the zone as the session's TimeZone, which succeeds for a zone it has and
-- names it as its files spell it (europe/london loads, as Europe/London). The function's own SET
-- clause puts the session's TimeZone back when it returns. pg_timezone_names would answer the same
-- but reads every zone file, 25 ms a call.
create function private.is_known_time_zone(zone text)
returns boolean
language plpgsql
set search_path = ''
set timezone = 'UTC'
as $$
begin
  if zone is null then
    return true;
  end if;
  if char_length(zone) > 64 or zone !~ '^(UTC|[A-Z][A-Za-z]+(/[A-Za-z0-9_+-]+)+)$' or zone ~ '^Etc/' then
    return false;
  end if;
  perform pg_catalog.set_config('timezone', zone, true);
  return pg_catalog.current_setting('timezone') = zone;
exception
  when invalid_parameter_value then
    return false;
end;
$$;
comment on function private.is_known_time_zone(text) is
  'Whether a text is an IANA Area/Location time zone name PostgreSQL knows, spelled exactly, or UTC.';
-- A domain's check runs as whoever writes the value.
grant execute on function private.is_known_time_zone(text) to authenticated, service_role;

create domain public.time_zone_name as text
  constraint reader_schedules_time_zone_known check (private.is_known_time_zone(value));
comment on domain public.time_zone_name is 'An IANA time zone name such as Europe/London (Area/Location), or UTC.';

-- ============================================================================================
-- Tables
-- ============================================================================================

-- A reader's time zone: their hours and days off hang from it, so there are no hours without a
-- zone. Only readers have one (the insert policy).
create table public.reader_schedules (
  reader_id uuid primary key references public.users (id) on delete cascade,
  time_zone public.time_zone_name not null,
  -- When the minute job recomputes the reader's next window: when the current one ends, or, when
  -- no window lies within the horizon (days off), the reader's next local midnight, when the
  -- horizon moves on by a day. Null without hours. Written by the database only.
  next_window_refresh_at timestamptz
);
comment on table public.reader_schedules is 'A reader''s time zone, in which their weekly hours and days off are given.';
comment on column public.reader_schedules.next_window_refresh_at is
  'When private.refresh_reader_next_windows() next recomputes the reader''s next window (written by the database).';

-- The minute job's range.
create index reader_schedules_refresh_idx on public.reader_schedules (next_window_refresh_at)
  where next_window_refresh_at is not null;

create table public.reader_hours (
  id bigint generated always as identity primary key,
  reader_id uuid not null
    constraint reader_hours_need_schedule references public.reader_schedules (reader_id) on delete cascade,
  -- ISO weekday of the reader's local date: Monday 1 ... Sunday 7.
  weekday smallint not null constraint reader_hours_weekday_iso check (weekday between 1 and 7),
  starts time not null,
  -- 24:00 is a valid end: until midnight. A window never crosses midnight: a late one is split
  -- into two (Friday 22:00-24:00, Saturday 00:00-02:00).
  ends time not null,
  constraint reader_hours_ends_after_starts check (ends > starts),
  -- Cards show hours and minutes; a second or a fraction would be shown as something it is not.
  constraint reader_hours_whole_minutes check (extract(second from starts) = 0 and extract(second from ends) = 0),
  -- Windows of a day neither overlap nor touch (bounds included): 18:00-20:00 and 20:00-22:00
  -- would be shown as 18:00-20:00; the reader makes them one window. The day is fixed, so a
  -- window is a range of timestamps on any one date.
  constraint reader_hours_no_overlap exclude using gist (
    reader_id with =,
    weekday with =,
    tsrange(date '2000-01-03' + starts, date '2000-01-03' + ends, '[]') with &&
  )
);
comment on table public.reader_hours is
  'A reader''s weekly windows: weekday (ISO, Monday 1) and local start and end times in the reader''s time zone; at most 4 a day.';

create table public.reader_days_off (
  reader_id uuid not null
    constraint reader_days_off_need_schedule references public.reader_schedules (reader_id) on delete cascade,
  -- A date of the reader's own calendar, from today (in the reader's zone) to a year ahead.
  day date not null,
  primary key (reader_id, day)
);
comment on table public.reader_days_off is 'Dates (in the reader''s time zone) on which a reader''s weekly hours do not apply; at most 60 upcoming.';

-- ============================================================================================
-- Row-level security and grants
-- ============================================================================================

alter table public.reader_schedules enable row level security;
alter table public.reader_hours enable row level security;
alter table public.reader_days_off enable row level security;

-- Hours are part of the card: anyone may read them.
create policy "Anyone can read reader schedules"
  on public.reader_schedules for select to anon, authenticated
  using (true);

create policy "Readers can set their own time zone"
  on public.reader_schedules for insert to authenticated
  with check (
    (select auth.uid()) = reader_id
    and exists (select from public.users u where u.id = (select auth.uid()) and u.is_reader)
  );

create policy "Readers can change their own time zone"
  on public.reader_schedules for update to authenticated
  using ((select auth.uid()) = reader_id)
  with check ((select auth.uid()) = reader_id);

create policy "Readers can delete their own schedule"
  on public.reader_schedules for delete to authenticated
  using ((select auth.uid()) = reader_id);

create policy "Anyone can read reader hours"
  on public.reader_hours for select to anon, authenticated
  using (true);

-- A schedule exists for readers only, and hours need one (reader_hours_need_schedule).
create policy "Readers can add their own hours"
  on public.reader_hours for insert to authenticated
  with check ((select auth.uid()) = reader_id);

create policy "Readers can change their own hours"
  on public.reader_hours for update to authenticated
  using ((select auth.uid()) = reader_id)
  with check ((select auth.uid()) = reader_id);

create policy "Readers can delete their own hours"
  on public.reader_hours for delete to authenticated
  using ((select auth.uid()) = reader_id);

-- Days off are the reader's own: a list of the dates someone is away is more than a card needs,
-- and the card's next window already skips them.
create policy "Readers can read their own days off"
  on public.reader_days_off for select to authenticated
  using ((select auth.uid()) = reader_id);

create policy "Readers can add their own days off"
  on public.reader_days_off for insert to authenticated
  with check ((select auth.uid()) = reader_id);

create policy "Readers can delete their own days off"
  on public.reader_days_off for delete to authenticated
  using ((select auth.uid()) = reader_id);

-- Hosted Supabase grants every API role everything on a new public table by default: only what
-- is granted below stands. next_window_refresh_at is the database's; a window's reader never
-- changes (delete and add).
revoke all on public.reader_schedules, public.reader_hours, public.reader_days_off from anon, authenticated, service_role;
revoke all on sequence public.reader_hours_id_seq from anon, authenticated, service_role;
-- update (reader_id) lets PostgREST's upsert (on_conflict=reader_id) set the zone in one call: it
-- sets every column it was sent, and the policy keeps reader_id the caller's own.
grant select on public.reader_schedules, public.reader_hours to anon, authenticated;
grant insert (reader_id, time_zone), update (reader_id, time_zone), delete on public.reader_schedules to authenticated;
grant insert, update (weekday, starts, ends), delete on public.reader_hours to authenticated;
grant select, insert, delete on public.reader_days_off to authenticated;
grant select, insert, update, delete on public.reader_schedules, public.reader_hours, public.reader_days_off to service_role;

-- ============================================================================================
-- Limits that span rows
-- ============================================================================================

-- At most 4 windows a weekday. The reader's schedule row is locked first, so two concurrent writes
-- of one reader count one after the other. Runs as the writer: a row of another reader's finds no
-- schedule it may lock and is left to the policy, which refuses it.
create function private.check_reader_hours_limit()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  windows integer;
begin
  perform from public.reader_schedules s where s.reader_id = new.reader_id for update;
  if not found then
    return new;
  end if;
  select count(*) into windows
  from public.reader_hours h
  where h.reader_id = new.reader_id and h.weekday = new.weekday and h.id <> new.id;
  if windows >= 4 then
    raise exception 'new row for relation "reader_hours" violates check constraint "reader_hours_per_day_limit"'
      using errcode = '23514', constraint = 'reader_hours_per_day_limit',
            detail = format('At most 4 windows a day; weekday %s has %s already.', new.weekday, windows);
  end if;
  return new;
end;
$$;
comment on function private.check_reader_hours_limit() is 'Refuses a fifth window on one weekday (23514, reader_hours_per_day_limit).';

create trigger check_reader_hours_limit
  before insert or update of reader_id, weekday on public.reader_hours
  for each row execute function private.check_reader_hours_limit();

-- A day off lies between the reader's today and a year ahead, in their zone; at most 60 upcoming.
-- Days that have passed are removed as the reader adds one, so they never count.
create function private.check_reader_day_off()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  today date;
  upcoming integer;
begin
  select (now() at time zone s.time_zone)::date into today
  from public.reader_schedules s where s.reader_id = new.reader_id for update;
  if not found then
    return new;
  end if;
  if new.day < today or new.day > today + 365 then
    raise exception 'new row for relation "reader_days_off" violates check constraint "reader_days_off_upcoming"'
      using errcode = '23514', constraint = 'reader_days_off_upcoming',
            detail = format('A day off is a date from today (%s in your time zone) to a year ahead.', today);
  end if;
  delete from public.reader_days_off o where o.reader_id = new.reader_id and o.day < today;
  select count(*) into upcoming from public.reader_days_off o where o.reader_id = new.reader_id and o.day <> new.day;
  if upcoming >= 60 then
    raise exception 'new row for relation "reader_days_off" violates check constraint "reader_days_off_limit"'
      using errcode = '23514', constraint = 'reader_days_off_limit', detail = 'At most 60 upcoming days off.';
  end if;
  return new;
end;
$$;
comment on function private.check_reader_day_off() is
  'Refuses a day off in the past or over a year ahead (reader_days_off_upcoming) or a 61st (reader_days_off_limit), both 23514.';

create trigger check_reader_day_off
  before insert or update on public.reader_days_off
  for each row execute function private.check_reader_day_off();

-- ============================================================================================
-- The next window
-- ============================================================================================

-- THE rule of hours: the first window whose end is after `after` (a window in progress counts),
-- on the reader's local days from the day before `after`'s to 14 days after it, days off skipped.
-- Nothing further ahead is promised. Each local window becomes two instants in the reader's zone
-- as PostgreSQL converts local times (see the header for gaps and repeated hours).
-- plpgsql, not SQL: PostgreSQL plans a SQL function's query again for every statement that calls
-- it (10 ms for each write of a reader's hours), and keeps a plpgsql function's plan for the
-- session. (A SQL-standard body would be inlined instead, but the Supabase CLI's statement splitter
-- ends a BEGIN ATOMIC body at the first word ending in "end", such as ends: supabase/cli#6562.)
create function private.next_reader_window(reader uuid, after timestamptz)
returns table (starts_at timestamptz, ends_at timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  return query
    select w.starts_at, w.ends_at
    from public.reader_schedules s
    cross join lateral (select (after at time zone s.time_zone)::date as today) t
    cross join lateral generate_series(-1, 14) as g (n)
    join public.reader_hours h
      on h.reader_id = s.reader_id and h.weekday = extract(isodow from t.today + g.n)
    cross join lateral (
      select ((t.today + g.n) + h.starts) at time zone s.time_zone as starts_at,
             ((t.today + g.n) + h.ends) at time zone s.time_zone as ends_at
    ) w
    where s.reader_id = reader
      and w.ends_at > after
      and w.ends_at > w.starts_at
      and not exists (select from public.reader_days_off o where o.reader_id = s.reader_id and o.day = t.today + g.n)
    order by w.starts_at
    limit 1;
end;
$$;
comment on function private.next_reader_window(uuid, timestamptz) is
  'A reader''s next window after a moment (in progress counts) within 14 days of their calendar, days off skipped; no row when none.';

-- Kept, not computed per read: the readers page filters and sorts 100,000 readers by them.
alter table public.users
  add column next_window_starts_at timestamptz,
  add column next_window_ends_at timestamptz;
comment on column public.users.next_window_starts_at is
  'When the reader''s next (or current) window of hours starts; null without one within 14 days. Kept by the database.';
comment on column public.users.next_window_ends_at is
  'When that window ends; the minute job moves on to the following window within a minute after it.';

-- "Available later today": a range of starts, soonest first, best rated first among equals, of
-- readers not recorded available. A page asks for recorded_status <> 'available' to use it, and for
-- status <> 'available' as the rule now: without the first, every available reader with a window
-- soon has their status computed only to be dropped (84 of 108 rows read in one measured page).
create index users_next_window_idx on public.users (next_window_starts_at, average_rating desc, id)
  where is_reader and next_window_starts_at is not null and recorded_status <> 'available';

-- Recomputes these readers' next windows now, and when to do so again; returns how many readers'
-- windows changed. Readers without a schedule get none.
create function private.refresh_next_windows_of(readers uuid[])
returns integer
language plpgsql
set search_path = ''
as $$
declare
  changed integer;
begin
  with computed as (
    select r.id, w.starts_at, w.ends_at,
           coalesce(w.ends_at,
                    case when exists (select from public.reader_hours h where h.reader_id = r.id)
                      then ((now() at time zone s.time_zone)::date + 1)::timestamp at time zone s.time_zone
                    end) as refresh_at
    from (select distinct unnest(readers) as id) r
    left join public.reader_schedules s on s.reader_id = r.id
    left join lateral private.next_reader_window(r.id, now()) w on true
  ),
  schedules as (
    update public.reader_schedules s
    set next_window_refresh_at = c.refresh_at
    from computed c
    where s.reader_id = c.id and s.next_window_refresh_at is distinct from c.refresh_at
  )
  update public.users u
  set next_window_starts_at = c.starts_at, next_window_ends_at = c.ends_at
  from computed c
  where u.id = c.id
    and (u.next_window_starts_at, u.next_window_ends_at) is distinct from (c.starts_at, c.ends_at);
  get diagnostics changed = row_count;
  return changed;
end;
$$;
comment on function private.refresh_next_windows_of(uuid[]) is
  'Recomputes the next window (users.next_window_*) and its refresh time of these readers; returns how many windows changed.';

-- After every change of a schedule, hours or days off, once per statement for the readers it touched.
-- security definer: the writer (a reader) may not write users.next_window_* or the refresh time.
create function private.refresh_next_windows_after_change()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Only the statement for this operation is planned, so each names only the tables it has.
  if tg_op = 'INSERT' then
    perform private.refresh_next_windows_of(array(select n.reader_id from new_rows n));
  elsif tg_op = 'DELETE' then
    perform private.refresh_next_windows_of(array(select o.reader_id from old_rows o));
  else
    perform private.refresh_next_windows_of(array(select n.reader_id from new_rows n union select o.reader_id from old_rows o));
  end if;
  return null;
end;
$$;
comment on function private.refresh_next_windows_after_change() is 'Recomputes the next window of the readers whose schedule, hours or days off a statement added, changed or removed.';

create trigger refresh_next_windows_after_insert
  after insert on public.reader_hours
  referencing new table as new_rows
  for each statement execute function private.refresh_next_windows_after_change();
create trigger refresh_next_windows_after_update
  after update on public.reader_hours
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.refresh_next_windows_after_change();
create trigger refresh_next_windows_after_delete
  after delete on public.reader_hours
  referencing old table as old_rows
  for each statement execute function private.refresh_next_windows_after_change();

create trigger refresh_next_windows_after_insert
  after insert on public.reader_days_off
  referencing new table as new_rows
  for each statement execute function private.refresh_next_windows_after_change();
create trigger refresh_next_windows_after_update
  after update on public.reader_days_off
  referencing old table as old_rows new table as new_rows
  for each statement execute function private.refresh_next_windows_after_change();
create trigger refresh_next_windows_after_delete
  after delete on public.reader_days_off
  referencing old table as old_rows
  for each statement execute function private.refresh_next_windows_after_change();

-- A new or changed time zone moves every window: new schedules once per statement, a changed zone
-- row by row, only when the zone changed (a trigger with transition tables cannot name a column,
-- and the refresh time the job writes must not fire it).
create trigger refresh_next_windows_after_insert
  after insert on public.reader_schedules
  referencing new table as new_rows
  for each statement execute function private.refresh_next_windows_after_change();

create function private.refresh_next_window_of_schedule()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.refresh_next_windows_of(array[new.reader_id]);
  return null;
end;
$$;
comment on function private.refresh_next_window_of_schedule() is 'Recomputes a reader''s next window when their time zone changes.';

create trigger refresh_next_window_of_schedule
  after update on public.reader_schedules
  for each row
  when (old.time_zone is distinct from new.time_zone)
  execute function private.refresh_next_window_of_schedule();

-- Deleting a schedule deletes its hours and days off, whose triggers clear the window.

-- The minute job: readers whose window has ended (or whose horizon has moved on) get their next
-- one. Rows are taken schedule first, then user, as the writers above take them, and rows another
-- transaction holds are left for the next minute, so the job never waits for a reader's write or
-- heartbeat, nor deadlocks with them or with the presence jobs. At most 10,000 readers a run, the
-- longest due first (2 to 3 s on a 2-core machine): when more windows end in one minute, the rest
-- follow in the next minutes, and their cards show a window that is over until then.
create function private.refresh_reader_next_windows()
returns integer
language plpgsql
set search_path = ''
as $$
declare
  due uuid[];
  changed integer;
begin
  due := array(
    select s.reader_id from public.reader_schedules s
    where s.next_window_refresh_at <= now()
    order by s.next_window_refresh_at
    limit 10000
    for update skip locked
  );
  due := array(select u.id from public.users u where u.id = any (due) order by u.id for update skip locked);
  changed := private.refresh_next_windows_of(due);
  raise log 'reader hours: % next windows due, % changed', cardinality(due), changed;
  return changed;
end;
$$;
comment on function private.refresh_reader_next_windows() is
  'Every minute: moves readers whose window ended (or whose 14 days moved on) to their next window; returns how many changed.';

-- ============================================================================================
-- Reader cards
-- ============================================================================================

-- As in 20251125000400_reader_directory.sql, with the next window appended (a view can only gain
-- columns at the end). Runs with its owner's rights (not security_invoker) on purpose: it is how
-- visitors read the effective status without any right on the private presence tables, and it
-- shows readers only, only their public card fields, and a message only to go with a status
-- others may see. Replacing the view keeps its grants, comment and INSTEAD OF trigger.
create or replace view public.reader_cards as
select u.id,
       u.display_name,
       u.avatar_url,
       u.bio,
       u.specialties,
       u.average_rating,
       u.review_count,
       u.level_id,
       p.status,
       case when p.status <> 'offline' then p.status_message end as status_message,
       p.status <> 'offline' as is_online,
       p.last_seen_at,
       -- The directory's order (what the status was when last recorded: at most a minute behind).
       u.recorded_status,
       -- For "specialty contains" filters: PostgREST filters on it like any column.
       lower(array_to_string(u.specialties, ' | ')) as specialties_search,
       now() as server_time,
       -- The next (or current) window of the reader's hours, as instants: the browser shows them
       -- in its own zone. Up to a minute after a window ends it is still the one shown here (the
       -- job moves on within a minute): a window whose end is not after server_time is over.
       u.next_window_starts_at,
       u.next_window_ends_at
from public.users u
join private.reader_presence_now p on p.reader_id = u.id
-- Said again of u (the view joins readers only): it lets a page read users_directory_idx, which is
-- partial (where is_reader), in order and stop after the page; without it every reader's presence
-- is computed and sorted for each page.
where u.is_reader;
comment on view public.reader_cards is
  'Every reader''s card with their effective status now and their next window of hours, for clients; order by recorded_status, average_rating desc, id.';

revoke execute on function private.check_reader_hours_limit(), private.check_reader_day_off(),
  private.next_reader_window(uuid, timestamptz), private.refresh_next_windows_of(uuid[]),
  private.refresh_next_windows_after_change(), private.refresh_next_window_of_schedule(),
  private.refresh_reader_next_windows() from public;
