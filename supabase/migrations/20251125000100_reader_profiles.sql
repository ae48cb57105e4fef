-- Reader profiles: the marketplace card of every user, created from sign-up metadata, and the
-- reader levels that set a reader's badge and price. Presence columns come in the next migration.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Functions are not executable by everyone unless granted
-- ============================================================================================

alter default privileges in schema public revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- ============================================================================================
-- Reader levels
-- ============================================================================================

create table public.reader_levels (
  id smallint generated always as identity primary key,
  name text not null unique check (char_length(name) between 1 and 40),
  color_theme text not null check (char_length(color_theme) between 1 and 40),
  icon text not null check (char_length(icon) between 1 and 40),
  base_price_per_minute numeric(6, 2) not null check (base_price_per_minute >= 0),
  description text not null default '' check (char_length(description) <= 500)
);
comment on table public.reader_levels is 'Reader tiers: badge look and base price per minute of a reading.';

alter table public.reader_levels enable row level security;

create policy "Anyone can read reader levels"
  on public.reader_levels for select to anon, authenticated
  using (true);

grant select on public.reader_levels to anon, authenticated, service_role;

-- ============================================================================================
-- Users (marketplace profiles)
-- ============================================================================================

create table public.users (
  id uuid primary key references auth.users (id) on delete cascade,
  display_name text not null check (char_length(display_name) between 1 and 80),
  avatar_url text check (avatar_url ~ '^https?://' and char_length(avatar_url) <= 500),
  bio text not null default '' check (char_length(bio) <= 2000),
  specialties text[] not null default '{}' check (cardinality(specialties) <= 12),
  is_reader boolean not null default false,
  average_rating numeric(3, 2) not null default 0 check (average_rating between 0 and 5),
  review_count integer not null default 0 check (review_count >= 0),
  level_id smallint references public.reader_levels (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
)
-- Heartbeats rewrite rows in place (HOT updates) when the page has room for the new version.
with (fillfactor = 70);
comment on table public.users is 'Marketplace profile of each auth user; readers are the ones with is_reader.';

-- The reader list: readers best rated first, served in index order without a sort.
create index users_readers_by_rating_idx on public.users (average_rating desc, id) where is_reader;
create index users_level_id_idx on public.users (level_id);

alter table public.users enable row level security;

create policy "Anyone can read reader cards"
  on public.users for select to anon
  using (is_reader);

-- One policy per role and command: Postgres runs every permissive policy for every row.
create policy "Users can read reader cards and their own profile"
  on public.users for select to authenticated
  using (is_reader or (select auth.uid()) = id);

create policy "Users can update their own profile"
  on public.users for update to authenticated
  using ((select auth.uid()) = id)
  with check ((select auth.uid()) = id);

-- Column privileges decide what a user may change of their own row: the card fields only.
-- is_reader, rating, reviews and level are the marketplace's to set (service_role or SQL).
grant select on public.users to anon, authenticated;
grant update (display_name, avatar_url, bio, specialties) on public.users to authenticated;
grant select, insert, update, delete on public.users to service_role;

-- ============================================================================================
-- Profile rows follow auth users
-- ============================================================================================

create function public.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function public.touch_updated_at() is 'Keeps updated_at current on every row update.';

create trigger users_touch_updated_at
  before update on public.users
  for each row execute function public.touch_updated_at();

-- security definer: runs as the auth service's role, which may not write public.users itself.
create function public.handle_new_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  signs_up_as_reader boolean := coalesce((new.raw_user_meta_data ->> 'is_reader')::boolean, false);
begin
  insert into public.users (id, display_name, is_reader, level_id)
  values (
    new.id,
    coalesce(nullif(trim(new.raw_user_meta_data ->> 'display_name'), ''), split_part(new.email, '@', 1), 'New user'),
    signs_up_as_reader,
    case when signs_up_as_reader
      then (select id from public.reader_levels order by base_price_per_minute, id limit 1)
    end
  );
  return new;
end;
$$;
comment on function public.handle_new_auth_user() is
  'Creates the marketplace profile of a new auth user from its sign-up metadata (display_name, is_reader).';
revoke execute on function public.handle_new_auth_user() from public, anon, authenticated;

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function public.handle_new_auth_user();
