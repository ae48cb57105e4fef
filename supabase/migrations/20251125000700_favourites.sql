-- Favourites and availability notifications: a client keeps the readers they like (at most 100),
-- and asks for some of them to be told when they become available. The notification is made by the
-- database, from the audit row of the transition to available, whoever recorded it (the reader's
-- heartbeat or choice, the minute job), at most one per client and reader in ten minutes, and pushed
-- on the client's own private Realtime topic 'notifications:<client id>', event 'available'.
-- Clients read their notifications and mark them read; nobody writes them but the database.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Limits
-- ============================================================================================

create function private.favourites_per_client_limit()
returns integer
language sql
immutable
set search_path = ''
as $$ select 100 $$;
comment on function private.favourites_per_client_limit() is 'How many favourites one client may keep (check favourites_per_client_limit).';

create function private.availability_notification_cooldown()
returns interval
language sql
immutable
set search_path = ''
as $$ select interval '10 minutes' $$;
comment on function private.availability_notification_cooldown() is
  'A client is told at most once in this long that a given reader became available: a reader who comes and goes does not flood them.';

-- ============================================================================================
-- Favourites
-- ============================================================================================

-- Both ends are profiles, which go with their auth users (public.users.id references auth.users on
-- delete cascade), so a favourite goes with either account.
create table public.favourites (
  client_id uuid not null default auth.uid() references public.users (id) on delete cascade,
  reader_id uuid not null references public.users (id) on delete cascade,
  notify boolean not null default false,
  created_at timestamptz not null default now(),
  primary key (client_id, reader_id),
  constraint favourites_not_self check (client_id <> reader_id)
);
comment on table public.favourites is
  'The readers a client keeps; notify: tell the client when the reader becomes available (availability_notifications).';
comment on column public.favourites.notify is '"Notify me when available": the database adds an availability notification when the reader becomes available.';

-- The fan-out reads the followers who asked to be told (reader_id, notify = true) from the index
-- alone; it is also the index the foreign key needs when a reader's account is deleted. A client's
-- own list is the primary key's range.
create index favourites_reader_id_notify_idx on public.favourites (reader_id, notify, client_id);

alter table public.favourites enable row level security;

create policy "Clients can read their own favourites"
  on public.favourites for select to authenticated
  using ((select auth.uid()) = client_id);

create policy "Clients can add their own favourites"
  on public.favourites for insert to authenticated
  with check ((select auth.uid()) = client_id);

create policy "Clients can change their own favourites"
  on public.favourites for update to authenticated
  using ((select auth.uid()) = client_id)
  with check ((select auth.uid()) = client_id);

create policy "Clients can remove their own favourites"
  on public.favourites for delete to authenticated
  using ((select auth.uid()) = client_id);

-- Hosted Supabase grants every API role everything on a new public table by default; only what is
-- granted below stands. A client writes which reader and whether to notify (client_id is their own,
-- by default or by the insert policy); created_at is the database's, and a favourite is never moved
-- to another reader or client (remove it and add another).
revoke all on public.favourites from anon, authenticated, service_role;
grant select, delete on public.favourites to authenticated;
grant insert (client_id, reader_id, notify) on public.favourites to authenticated;
grant update (notify) on public.favourites to authenticated;
grant select, delete on public.favourites to service_role;

-- security definer: it must see whether the reader is a reader and count all of the client's
-- favourites under a lock of the client's profile row, whoever inserts, which a client may not do
-- with their own rights (they cannot lock a profile row).
create function private.check_new_favourite()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  -- Said before anything about the reader or the count: those are not another client's to learn.
  if new.client_id is distinct from auth.uid() and auth.uid() is not null then
    raise exception 'a client keeps favourites in their own list only' using errcode = '42501';
  end if;
  -- Before the foreign keys are checked: an unknown id and a client's profile are both "not a
  -- reader", so the answer does not tell whether an account exists.
  if not exists (select from public.users u where u.id = new.reader_id and u.is_reader) then
    raise exception 'only readers can be favourites' using errcode = '22023';
  end if;
  -- Concurrent additions of one client one at a time, so that the count below is the truth. No key
  -- update: the lock the foreign keys' key-share checks do not wait for.
  perform from public.users u where u.id = new.client_id for no key update;
  -- A favourite the client already has adds nothing (an insert that ignores duplicates).
  if (select count(*) from public.favourites f where f.client_id = new.client_id) >= private.favourites_per_client_limit()
     and not exists (select from public.favourites f where f.client_id = new.client_id and f.reader_id = new.reader_id) then
    raise exception 'new row for relation "favourites" violates check constraint "favourites_per_client_limit"'
      using errcode = '23514',
            constraint = 'favourites_per_client_limit',
            detail = format('A client keeps at most %s favourites: remove one to add another.', private.favourites_per_client_limit());
  end if;
  return new;
end;
$$;
comment on function private.check_new_favourite() is
  'Refuses a favourite in another client''s list (42501), of anyone but a reader (22023), and beyond favourites_per_client_limit() (23514).';

create trigger check_new_favourite
  before insert or update of client_id, reader_id on public.favourites
  for each row execute function private.check_new_favourite();

-- The readers page's "Your favourites": the caller's own list (favourites' row-level security) by
-- its key. Filtered on reader_cards by ids instead, the planner walks the whole directory in its
-- order looking for the 100. The directory's order is on users alone (recorded status, rating, id),
-- so a page (page_size from page_offset) is chosen from the favourites' users rows and only its
-- cards are computed, each with its status; without a page, every favourite's card, for the caller
-- to filter. PL/pgSQL with a generic plan, so the plan is made once per session: a SQL function that
-- is not inlined (it sets search_path) plans its body at every call, and PL/pgSQL would re-plan it
-- for its first five calls to try the page's values; planning this view costs more than running it.
create function public.favourite_reader_cards(page_size integer default null, page_offset integer default 0)
returns setof public.reader_cards
language plpgsql
stable
rows 100
set search_path = ''
set plan_cache_mode = force_generic_plan
as $$
begin
  if page_size < 1 or page_offset < 0 then
    raise exception 'page_size must be at least 1 and page_offset at least 0, got % and %', page_size, page_offset
      using errcode = '22023';
  end if;
  return query
    select c.*
    from (
      select u.id
      from public.favourites f
      join public.users u on u.id = f.reader_id
      where f.client_id = (select auth.uid()) and u.is_reader
      order by u.recorded_status, u.average_rating desc, u.id
      limit page_size offset page_offset
    ) page
    join public.reader_cards c on c.id = page.id;
end;
$$;
comment on function public.favourite_reader_cards(integer, integer) is
  'The caller''s favourite readers'' cards (reader_cards rows): a page of them in directory order, or all (page_size null) for the caller to filter and order.';

revoke execute on function public.favourite_reader_cards(integer, integer) from public, anon;
grant execute on function public.favourite_reader_cards(integer, integer) to authenticated;

-- ============================================================================================
-- Availability notifications
-- ============================================================================================

create table public.availability_notifications (
  id bigint generated always as identity primary key,
  client_id uuid not null references public.users (id) on delete cascade,
  reader_id uuid not null references public.users (id) on delete cascade,
  available_at timestamptz not null,
  read_at timestamptz
);
comment on table public.availability_notifications is
  'A followed reader became available (at available_at); made only by the database, read and marked read by their client.';
comment on column public.availability_notifications.available_at is 'When the reader''s transition to available was recorded (presence_audit_log.changed_at).';
comment on column public.availability_notifications.read_at is 'When the client marked it read (server time), or null.';

-- A client's list, newest first.
create index availability_notifications_client_id_idx on public.availability_notifications (client_id, available_at desc, id desc);
-- The cooldown's look-up (this client was told about this reader lately), and the foreign key's
-- index when a reader's account is deleted.
create index availability_notifications_reader_id_idx on public.availability_notifications (reader_id, client_id, available_at);

alter table public.availability_notifications enable row level security;

create policy "Clients can read their own availability notifications"
  on public.availability_notifications for select to authenticated
  using ((select auth.uid()) = client_id);

-- Read only: clients mark them read through mark_availability_notifications_read(), with the
-- server's clock; nobody but the database makes one. Ops read and delete them (retention).
revoke all on public.availability_notifications from anon, authenticated, service_role;
revoke all on sequence public.availability_notifications_id_seq from anon, authenticated, service_role;
grant select on public.availability_notifications to authenticated;
grant select, delete on public.availability_notifications to service_role;

-- ============================================================================================
-- Made by the database, from the audit log
-- ============================================================================================

-- Every audit row to available (however many one statement recorded: the minute job records many),
-- one notification for each follower who asked, in one statement: the followers come from
-- favourites_reader_id_notify_idx and the cooldown is one probe of availability_notifications_reader_id_idx
-- each. Runs as whoever records transitions (the presence functions' owner): clients have no right
-- to write notifications.
create function private.notify_followers_of_available_readers()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  cooldown interval := private.availability_notification_cooldown();
begin
  insert into public.availability_notifications (client_id, reader_id, available_at)
  select f.client_id, b.reader_id, b.available_at
  from (
    select t.user_id as reader_id, max(t.changed_at) as available_at
    from transitions t
    where t.new_status = 'available' and t.old_status <> 'available'
    group by t.user_id
  ) b
  join public.favourites f on f.reader_id = b.reader_id and f.notify
  where not exists (
    select from public.availability_notifications n
    where n.reader_id = b.reader_id and n.client_id = f.client_id and n.available_at > b.available_at - cooldown
  );
  return null;
end;
$$;
comment on function private.notify_followers_of_available_readers() is
  'Adds an availability notification for each follower with notify of each reader a statement recorded as becoming available, unless told within the cooldown.';

create trigger notify_followers_of_available_readers
  after insert on public.presence_audit_log
  referencing new table as transitions
  for each statement execute function private.notify_followers_of_available_readers();

-- ============================================================================================
-- Pushed on the client's own topic
-- ============================================================================================

-- A Realtime private channel per client, 'notifications:<client id>': only its client may join it
-- (and so receive), and with no insert policy nobody but the database may send on it.
create policy "clients receive their own availability notifications"
  on realtime.messages
  for select
  to authenticated
  using ((select realtime.topic()) = 'notifications:' || (select auth.uid())::text and extension = 'broadcast');

-- Every notification made is pushed, one message each, in one statement.
create function private.push_availability_notifications()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('id', i.id, 'reader_id', i.reader_id, 'display_name', u.display_name, 'available_at', i.available_at),
    'available',
    'notifications:' || i.client_id,
    true
  )
  from inserted i
  join public.users u on u.id = i.reader_id;
  return null;
end;
$$;
comment on function private.push_availability_notifications() is
  'Broadcasts each new availability notification (id, reader_id, display_name, available_at) on its client''s topic notifications:<client id>, event available.';

create trigger push_availability_notifications
  after insert on public.availability_notifications
  referencing new table as inserted
  for each statement execute function private.push_availability_notifications();

-- ============================================================================================
-- The client's API
-- ============================================================================================

-- security definer: clients may not write notifications (a read_at of their choosing would be a
-- forged time); this sets read_at to the server's now() on the caller's own unread ones only.
-- Ids of notifications that are not the caller's, or do not exist, are ignored: the answer is how
-- many of the caller's were marked, and says nothing about anyone else's.
create function public.mark_availability_notifications_read(notification_ids bigint[] default null)
returns integer
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  marked integer;
begin
  if caller is null then
    raise exception 'sign in to read your notifications' using errcode = '42501';
  end if;
  if cardinality(notification_ids) > 1000 then
    raise exception 'at most 1000 notification ids per call, got %', cardinality(notification_ids) using errcode = '22023';
  end if;
  update public.availability_notifications n
  set read_at = now()
  where n.client_id = caller
    and n.read_at is null
    and (notification_ids is null or n.id = any (notification_ids));
  get diagnostics marked = row_count;
  return marked;
end;
$$;
comment on function public.mark_availability_notifications_read(bigint[]) is
  'Marks the caller''s unread availability notifications read (these ids, at most 1000, or all when null) at server time; returns how many. Others'' ids are ignored.';

revoke execute on function public.mark_availability_notifications_read(bigint[]) from public, anon;
grant execute on function public.mark_availability_notifications_read(bigint[]) to authenticated;

-- ============================================================================================
-- Retention
-- ============================================================================================

create function public.purge_availability_notifications(older_than interval default interval '7 days')
returns integer
language plpgsql
set search_path = ''
as $$
declare
  removed integer;
begin
  if older_than < interval '1 hour' then
    raise exception 'refusing to purge notifications younger than an hour (asked for %)', older_than using errcode = '22023';
  end if;
  delete from public.availability_notifications where available_at < now() - older_than;
  get diagnostics removed = row_count;
  raise log 'availability notification retention: removed % rows older than %', removed, older_than;
  return removed;
end;
$$;
comment on function public.purge_availability_notifications(interval) is
  'Removes availability notifications older than the given age (default 7 days), read or not; returns how many.';
grant execute on function public.purge_availability_notifications(interval) to service_role;

revoke execute on function private.favourites_per_client_limit(), private.availability_notification_cooldown(),
  private.check_new_favourite(), private.notify_followers_of_available_readers(),
  private.push_availability_notifications() from public;
