-- Favourites: the limit of favourites_per_client_limit() a client is counted once per statement,
-- over the clients it wrote for, as the hours' limits are since 20251125001300 and for the same
-- reason. The row trigger counted each client's favourites with a plan kept for the session:
-- planned while favourites was small, it read the whole table for every row a bulk load wrote.
--
-- The row trigger keeps what must come before the row is written: another client's list (42501)
-- and "not a reader" (22023) are said before anything else, and the client's profile row is locked,
-- so two statements for one client count one after the other. Same refusal as before (23514
-- naming favourites_per_client_limit); a duplicate an insert ignores is not written, so not counted.

create or replace function private.check_new_favourite()
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
  -- Concurrent additions of one client one at a time, so that the statement's count is the truth.
  -- No key update: the lock the foreign keys' key-share checks do not wait for.
  perform from public.users u where u.id = new.client_id for no key update;
  return new;
end;
$$;
comment on function private.check_new_favourite() is
  'Refuses a favourite in another client''s list (42501) or of anyone but a reader (22023), and locks the client''s profile for the count.';

-- EXECUTEd, so planned for the rows at hand (see 20251125001300).
create function private.check_favourites_limit()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  over_limit boolean;
begin
  execute 'select exists (
             select from public.favourites f
             where f.client_id in (select n.client_id from new_rows n)
             group by f.client_id
             having count(*) > $1
           )'
    into over_limit
    using private.favourites_per_client_limit();
  if over_limit then
    raise exception 'new row for relation "favourites" violates check constraint "favourites_per_client_limit"'
      using errcode = '23514',
            constraint = 'favourites_per_client_limit',
            detail = format('A client keeps at most %s favourites: remove one to add another.', private.favourites_per_client_limit());
  end if;
  return null;
end;
$$;
comment on function private.check_favourites_limit() is
  'Refuses a statement that leaves a client over favourites_per_client_limit() favourites (23514).';

create trigger check_favourites_limit_after_insert
  after insert on public.favourites
  referencing new table as new_rows
  for each statement execute function private.check_favourites_limit();
create trigger check_favourites_limit_after_update
  after update on public.favourites
  referencing new table as new_rows
  for each statement execute function private.check_favourites_limit();
