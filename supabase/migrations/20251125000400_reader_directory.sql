-- What clients read of readers: their cards with the effective status and the server time in the
-- same row, a page at a time in directory order (available, busy, away, offline, each best rated
-- first); many readers' statuses in one call; the counts the readers page shows; and the seed's
-- is_online / last_seen_at, as a view of the status model.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Reader cards
-- ============================================================================================

-- Runs with its owner's rights (not security_invoker) on purpose: it is how visitors read the
-- effective status without any right on the private presence tables, and it shows readers only,
-- only their public card fields, and a message only to go with a status others may see.
create view public.reader_cards as
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
       now() as server_time
from public.users u
join private.reader_presence_now p on p.reader_id = u.id
-- Said again of u (the view joins readers only): it lets a page read users_directory_idx, which is
-- partial (where is_reader), in order and stop after the page; without it every reader's presence
-- is computed and sorted for each page.
where u.is_reader;
comment on view public.reader_cards is
  'Every reader''s card with their effective status now, for clients; order by recorded_status, average_rating desc, id.';
grant select on public.reader_cards to anon, authenticated, service_role;

-- A join view cannot be written to, and PostgreSQL says so (55000, a 500 through PostgREST) before
-- it looks at privileges. These triggers let the privilege check answer first: nobody is granted
-- more than select, so a write is "permission denied" (401/403), as for any table one may only read.
create function private.refuse_reader_card_writes()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  raise exception 'reader cards are read-only: readers change their card through users and their status through set_reader_status()'
    using errcode = '42501';
end;
$$;
comment on function private.refuse_reader_card_writes() is 'Refuses writes to public.reader_cards (reached only by roles granted writes, which none is).';

create trigger refuse_reader_card_writes
  instead of insert or update or delete on public.reader_cards
  for each row execute function private.refuse_reader_card_writes();

-- ============================================================================================
-- Many readers' statuses in one round trip
-- ============================================================================================

create function public.get_readers_online_status(reader_ids uuid[])
returns table (id uuid, is_online boolean, status public.presence_status, status_message text,
               last_seen_at timestamptz, server_time timestamptz)
language plpgsql
stable
set search_path = ''
as $$
begin
  if cardinality(reader_ids) > 1000 then
    raise exception 'at most 1000 reader ids per call, got %', cardinality(reader_ids) using errcode = '22023';
  end if;
  return query
    select c.id, c.is_online, c.status, c.status_message, c.last_seen_at, c.server_time
    from public.reader_cards c
    where c.id = any (reader_ids);
end;
$$;
comment on function public.get_readers_online_status(uuid[]) is
  'The effective status of many readers in one round trip (is_online: anything but offline).';
grant execute on function public.get_readers_online_status(uuid[]) to anon, authenticated, service_role;

-- ============================================================================================
-- The seed's columns, as computed fields
-- ============================================================================================

-- users?select=id,is_online,last_seen_at (and u.is_online in SQL) keep working: PostgREST and
-- PostgreSQL both treat a function of the row as a column. Non-readers are never online.
create function public.is_online(reader public.users)
returns boolean
language sql
stable
set search_path = ''
as $$ select coalesce((select c.is_online from public.reader_cards c where c.id = reader.id), false) $$;
comment on function public.is_online(public.users) is 'Seed compatibility: whether the reader''s effective status is anything but offline.';

create function public.last_seen_at(reader public.users)
returns timestamptz
language sql
stable
set search_path = ''
as $$ select c.last_seen_at from public.reader_cards c where c.id = reader.id $$;
comment on function public.last_seen_at(public.users) is 'Seed compatibility: when others last saw the reader online.';

grant execute on function public.is_online(public.users), public.last_seen_at(public.users) to anon, authenticated, service_role;

-- ============================================================================================
-- Summary counts
-- ============================================================================================

-- The counts are the same for every visitor and cost a look at every reader with a device, so a
-- job records them every minute and visitors read one row.
create table private.reader_directory_stats (
  singleton boolean primary key default true check (singleton),
  readers bigint not null,
  available bigint not null,
  busy bigint not null,
  away bigint not null,
  computed_at timestamptz not null
);
comment on table private.reader_directory_stats is
  'The readers page''s counts, recorded every minute by private.refresh_reader_directory_stats(); one row.';

-- Only readers with a device can be anything but offline.
create function private.count_reader_directory(out readers bigint, out available bigint, out busy bigint, out away bigint)
language sql
stable
set search_path = ''
as $$
  select (select count(*) from public.users u where u.is_reader),
         count(*) filter (where n.status = 'available'),
         count(*) filter (where n.status = 'busy'),
         count(*) filter (where n.status = 'away')
  from private.reader_presence_now n
  where n.reader_id in (select d.reader_id from private.reader_devices d);
$$;
comment on function private.count_reader_directory() is 'How many readers there are and how many are available, busy and away now, counted live.';

create function private.refresh_reader_directory_stats()
returns void
language sql
set search_path = ''
as $$
  insert into private.reader_directory_stats (singleton, readers, available, busy, away, computed_at)
  select true, c.readers, c.available, c.busy, c.away, now() from private.count_reader_directory() c
  on conflict (singleton) do update
  set readers = excluded.readers, available = excluded.available, busy = excluded.busy, away = excluded.away,
      computed_at = excluded.computed_at;
$$;
comment on function private.refresh_reader_directory_stats() is 'Records the directory counts (the minute job).';

-- Counts recorded within the last two minutes (the job runs every minute); counted live when the
-- job has not run, so the page never shows counts older than that.
-- security definer: visitors read the counts, not the private tables they come from.
create function public.reader_directory_summary()
returns table (readers bigint, available bigint, busy bigint, away bigint, online bigint, server_time timestamptz)
language plpgsql
stable
security definer
set search_path = ''
as $$
begin
  return query
    select s.readers, s.available, s.busy, s.away, s.available + s.busy + s.away, now()
    from private.reader_directory_stats s
    where s.computed_at > now() - interval '2 minutes';
  if not found then
    return query
      select c.readers, c.available, c.busy, c.away, c.available + c.busy + c.away, now()
      from private.count_reader_directory() c;
  end if;
end;
$$;
comment on function public.reader_directory_summary() is
  'How many readers there are and how many are available, busy, away and online (any of those): recorded every minute, or live.';
grant execute on function public.reader_directory_summary() to anon, authenticated, service_role;
