-- Reader profiles: the marketplace card of every user, created from sign-up metadata, with the
-- limits of every field a user can write; the reader levels that set a reader's badge and price;
-- and the rule that no function, table or view is reachable by the API roles unless granted by name.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Functions are not executable unless granted
-- ============================================================================================

-- PostgreSQL grants EXECUTE on every new function to PUBLIC through a global default privilege; a
-- per-schema revoke cannot take that away (ALTER DEFAULT PRIVILEGES docs), so both are revoked.
-- No FOR ROLE: default privileges belong to the role running the migrations (postgres, locally and
-- on Supabase). tests/integration/database/function-privileges.test.ts pins what is granted.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated, service_role;

-- Nor are tables, views and sequences readable or writable unless granted: a hosted project gives
-- every API role all privileges on each new one in public, and with a table-wide UPDATE a user could
-- change any column of the rows RLS lets them write (their own is_reader, rating, recorded status),
-- where the grants below name the columns.
alter default privileges in schema public revoke all on tables from anon, authenticated, service_role;
alter default privileges in schema public revoke all on sequences from anon, authenticated, service_role;

-- ============================================================================================
-- Internal helpers
-- ============================================================================================

create schema if not exists private;
comment on schema private is 'Internal tables and helpers; PostgREST exposes only public, so nothing here is an API.';

-- API roles reach the helpers granted to them by name (and nothing else here is granted to them).
grant usage on schema private to anon, authenticated, service_role;

-- What breaks a line of text shown to others: control characters, line and paragraph separators,
-- and the bidirectional overrides and isolates that make text read in another order than stored.
create function private.line_breaking_characters()
returns text
language sql
immutable
set search_path = ''
as $$ select '[[:cntrl:]\u2028\u2029\u202a-\u202e\u2066-\u2069]' $$;
comment on function private.line_breaking_characters() is 'A regular expression bracket of the characters a one-line text may not hold.';

-- One line of text with something visible in it: not only spaces, no-break or zero-width spaces.
create function private.is_plain_line(value text)
returns boolean
language sql
immutable
set search_path = ''
as $$
  select value !~ private.line_breaking_characters()
     and value ~ '[^[:space:]\u00a0\u1680\u2000-\u200f\u202f\u205f-\u2064\u3000\ufeff]';
$$;
comment on function private.is_plain_line(text) is 'Whether a text is one plain line with something visible: the rule of names, specialties and status messages.';
-- Domain checks run as the user who writes the value.
grant execute on function private.line_breaking_characters(), private.is_plain_line(text) to anon, authenticated, service_role;

-- What sign-up makes of a name from outside: what may not be in a line dropped, trimmed, cut to the
-- limit; null when nothing visible is left.
create function private.plain_display_name(raw text)
returns text
language sql
immutable
set search_path = ''
as $$
  select case when private.is_plain_line(name) then name end
  from (select left(btrim(regexp_replace(raw, private.line_breaking_characters(), '', 'g')), 80) as name) cleaned;
$$;
comment on function private.plain_display_name(text) is
  'A display name within the profile limits made from untrusted text, or null when none can be.';

create function private.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;
comment on function private.touch_updated_at() is 'Keeps updated_at current when a profile changes.';

-- ============================================================================================
-- Field limits
-- ============================================================================================

-- A browser form's limits are only advice: one card of 12 specialties of 500 KB each once made the
-- public first page 6 MB. Each limit is a named check constraint the app maps to the field a person
-- must fix (src/features/auth/utils/profile-input.ts). They sit on domains, the columns' types: a
-- domain is checked when a value is written to the column, a table's checks on every row update.

create domain public.display_name as text
  constraint users_display_name_length check (char_length(value) between 1 and 80)
  -- Something visible, and no line breaks, terminal escapes or reordering to break the card.
  constraint users_display_name_plain check (private.is_plain_line(value));
comment on domain public.display_name is 'A name shown on a card: 1 to 80 characters on one line, something visible.';

-- https only: an avatar is loaded by every visitor's browser, and http is mixed content on the
-- site; javascript:, data: and the like never reach an <img>.
create domain public.avatar_url as text
  constraint users_avatar_url_https check (value ~ '^https://[^[:space:][:cntrl:]]+$')
  constraint users_avatar_url_length check (char_length(value) <= 500);
comment on domain public.avatar_url is 'An https address of a photo, at most 500 characters.';

create domain public.bio as text
  constraint users_bio_length check (char_length(value) <= 2000);
comment on domain public.bio is 'A reader''s introduction, at most 2000 characters.';

-- "is not null" inside the check: a null element of an array fails it with the same named
-- constraint (23514), where a domain's NOT NULL would answer with another code.
create domain public.specialty as text
  constraint users_specialty_format check (
    value is not null and char_length(value) between 1 and 40 and private.is_plain_line(value)
  );
comment on domain public.specialty is 'One specialty: 1 to 40 characters on one line, something visible.';

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
  display_name public.display_name not null,
  avatar_url public.avatar_url,
  bio public.bio not null default '',
  specialties public.specialty[] not null default '{}'
    -- Only reads the array's length, so it costs nothing on the updates that leave the card alone.
    constraint users_specialties_count check (cardinality(specialties) <= 12),
  is_reader boolean not null default false,
  average_rating numeric(3, 2) not null default 0 check (average_rating between 0 and 5),
  review_count integer not null default 0 check (review_count >= 0),
  level_id smallint references public.reader_levels (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.users is 'Marketplace profile of each auth user; readers are the ones with is_reader.';

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

-- updated_at is when the profile last changed; presence has tables of its own.
create trigger users_touch_updated_at
  before update of display_name, avatar_url, bio, specialties, is_reader, average_rating, review_count, level_id
  on public.users
  for each row execute function private.touch_updated_at();

-- ============================================================================================
-- Profile rows follow auth users
-- ============================================================================================

-- The metadata is whatever the sign-up request carried. The profile takes what fits its limits and
-- ignores the rest, because a failing trigger fails the sign-up with a 500 ("Database error saving
-- new user") that tells the person nothing; the card can be corrected on /profile afterwards.
-- security definer: runs as the auth service's role, which may not write public.users itself.
create function private.handle_new_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  signs_up_as_reader boolean := coalesce(new.raw_user_meta_data -> 'is_reader' = 'true'::jsonb, false);
  requested_name text := case when jsonb_typeof(new.raw_user_meta_data -> 'display_name') = 'string'
                           then new.raw_user_meta_data ->> 'display_name' end;
begin
  insert into public.users (id, display_name, is_reader, level_id)
  values (
    new.id,
    coalesce(private.plain_display_name(requested_name), private.plain_display_name(split_part(new.email, '@', 1)), 'New user'),
    signs_up_as_reader,
    case when signs_up_as_reader
      then (select id from public.reader_levels order by base_price_per_minute, id limit 1)
    end
  );
  return new;
end;
$$;
comment on function private.handle_new_auth_user() is
  'Creates the marketplace profile of a new auth user from its sign-up metadata (display_name, is_reader).';

create trigger on_auth_user_created
  after insert on auth.users
  for each row execute function private.handle_new_auth_user();
