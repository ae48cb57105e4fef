-- Limits on every profile field a user can write, enforced by the database: a browser form's
-- limits are only advice, and one card of 12 specialties of 500 KB each made the public first page
-- 6 MB and kept anon regex filters on specialties_search busy for the whole statement timeout.
-- Each limit is a check constraint with a name the app maps to the field a person must fix
-- (src/features/auth/utils/profile-input.ts). The rules of a field's text are constraints of a
-- domain, its column's type: a domain is checked when a value is written to the column, whereas a
-- table's check constraints run on every update of the row, every heartbeat included.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Helpers
-- ============================================================================================

create schema if not exists private;
comment on schema private is 'Internal helpers; PostgREST exposes only public, so nothing here is an API.';

-- What the repair below and sign-up make of a name from outside: control characters dropped,
-- trimmed, cut to the limit; null when nothing visible is left.
create function private.plain_display_name(raw text)
returns text
language sql
immutable
set search_path = ''
as $$
  select nullif(left(btrim(regexp_replace(raw, '[[:cntrl:]]', '', 'g')), 80), '');
$$;
comment on function private.plain_display_name(text) is
  'A display name within the profile limits made from untrusted text, or null when none can be.';

-- ============================================================================================
-- Rows stored before the limits existed
-- ============================================================================================

-- Brought within the limits rather than refused, so the migration applies on any database; only
-- what no form could have produced is cut.
do $$
declare
  repaired integer;
begin
  with within_limits as (
    select u.id,
           coalesce(private.plain_display_name(u.display_name), 'Reader') as display_name,
           case when u.avatar_url ~ '^https://[^[:space:][:cntrl:]]+$' and char_length(u.avatar_url) <= 500
             then u.avatar_url end as avatar_url,
           left(u.bio, 2000) as bio,
           coalesce((select array_agg(s order by n)
                     from unnest(u.specialties) with ordinality as t (s, n)
                     where n <= 12 and char_length(s) <= 40 and s ~ '[^[:space:]]' and s !~ '[[:cntrl:]]'), '{}') as specialties
    from public.users u
  )
  update public.users u
  set display_name = w.display_name, avatar_url = w.avatar_url, bio = w.bio, specialties = w.specialties
  from within_limits w
  where w.id = u.id
    and (u.display_name, u.avatar_url, u.bio, u.specialties) is distinct from (w.display_name, w.avatar_url, w.bio, w.specialties);
  get diagnostics repaired = row_count;
  if repaired > 0 then
    raise notice 'profile limits: % profiles brought within the new limits', repaired;
  end if;
end;
$$;

-- ============================================================================================
-- The limits
-- ============================================================================================

create domain public.display_name as text
  constraint users_display_name_length check (char_length(value) between 1 and 80)
  -- Something visible, and no line breaks or terminal escapes to break the card it is shown on.
  constraint users_display_name_plain check (value ~ '[^[:space:]]' and value !~ '[[:cntrl:]]');
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
    value is not null and char_length(value) between 1 and 40 and value ~ '[^[:space:]]' and value !~ '[[:cntrl:]]'
  );
comment on domain public.specialty is 'One specialty: 1 to 40 characters on one line, something visible.';

alter table public.users
  drop constraint users_display_name_check,
  drop constraint users_avatar_url_check,
  drop constraint users_bio_check,
  drop constraint users_specialties_check;

-- A column named in a trigger's column list cannot change type: the trigger steps aside meanwhile.
drop trigger users_touch_updated_at on public.users;

alter table public.users
  alter column display_name type public.display_name,
  alter column avatar_url type public.avatar_url,
  alter column bio type public.bio,
  alter column specialties type public.specialty[],
  -- Only reads the array's length, so it costs nothing on the updates that leave the card alone.
  add constraint users_specialties_count check (cardinality(specialties) <= 12);

create trigger users_touch_updated_at
  before update of display_name, avatar_url, bio, specialties, is_reader, average_rating, review_count, level_id
  on public.users
  for each row execute function public.touch_updated_at();

-- ============================================================================================
-- Sign-up metadata
-- ============================================================================================

-- The metadata is whatever the sign-up request carried. The profile takes what fits its limits and
-- ignores the rest, because a failing trigger fails the sign-up with a 500 ("Database error saving
-- new user") that tells the person nothing; the card can be corrected on /profile afterwards.
create or replace function public.handle_new_auth_user()
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
