-- The readers page at scale: a page of cards at a time, readers flagged online first and then the
-- best rated, read in index order; a specialty search PostgREST can filter on; and the counts the
-- page's summary shows, without sending every card to every visitor.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- First page, online first
-- ============================================================================================

-- Heartbeats that keep a reader online leave is_online as it is, so they stay HOT updates; only
-- real transitions touch this index. It also serves the cleanup (is_online = true is its prefix),
-- which makes the older partial indexes redundant: fewer indexes, cheaper transitions.
create index users_directory_idx on public.users (is_online desc, average_rating desc, id) where is_reader;
drop index public.users_readers_by_rating_idx;
drop index public.users_online_readers_idx;

-- ============================================================================================
-- Specialty search
-- ============================================================================================

-- A computed field: PostgREST filters on it as if it were a column
-- (users?specialties_search=ilike.*tarot*), so a part of any specialty matches, in any case.
create function public.specialties_search(reader public.users)
returns text
language sql
immutable
set search_path = ''
as $$
  select lower(array_to_string(reader.specialties, ' | '));
$$;
comment on function public.specialties_search(public.users) is
  'The reader''s specialties as one lower-case text, for "specialty contains" filters.';
grant execute on function public.specialties_search(public.users) to anon, authenticated, service_role;

-- ============================================================================================
-- Summary counts
-- ============================================================================================

-- security invoker: counts only the cards the caller may read.
create function public.reader_directory_summary()
returns table (readers bigint, online bigint, server_time timestamptz)
language sql
stable
set search_path = ''
as $$
  -- Two scans rather than one with a filter: the online count reads only the is_online entries.
  select (select count(*) from public.users u where u.is_reader),
         (select count(*) from public.users u
          where u.is_reader and u.is_online and u.last_seen_at > now() - public.presence_online_threshold()),
         now();
$$;
comment on function public.reader_directory_summary() is
  'How many readers there are and how many are online now (five-minute rule, database time).';
revoke execute on function public.reader_directory_summary() from public;
grant execute on function public.reader_directory_summary() to anon, authenticated, service_role;
