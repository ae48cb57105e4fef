-- Reader hours: the limits that span rows (4 windows a weekday; days off from the reader's today
-- to a year ahead, at most 60 upcoming) are checked once per statement, over the rows it wrote.
--
-- They were row triggers, and a plpgsql function plans each of its queries once per session. Planned
-- while reader_hours was small (as it is when autovacuum first analyzes it), the count of a
-- reader's windows read the whole table for every row written, and loading hours in bulk went
-- quadratic: 333,000 windows, loaded in 20 s before, did not finish in 300 s in one CI run. A
-- statement trigger checks the statement's rows (a transition table) together, and a reader's save
-- is checked once however many rows it writes. Its queries are EXECUTEd, so each is planned for the
-- rows at hand: a plpgsql query without parameters is planned once per session, and planned for
-- the one row of a reader's save, it would loop over a bulk load's rows for each row.
--
-- Same refusals as before (23514 naming reader_hours_per_day_limit, reader_days_off_upcoming and
-- reader_days_off_limit); the functions keep their names and grants.

drop trigger check_reader_hours_limit on public.reader_hours;
drop trigger check_reader_day_off on public.reader_days_off;

-- The writers' schedules are locked first, in id order, so two statements writing one reader's
-- hours count one after the other, and the second counts the first's rows. FOR NO KEY UPDATE, not
-- FOR UPDATE: the foreign keys' checks of both statements already hold KEY SHARE locks on these
-- rows, which two FOR UPDATEs would each wait for (a deadlock). Runs as the writer, after the
-- policies have refused any row of another reader's.
create or replace function private.check_reader_hours_limit()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  full_weekday smallint;
  windows bigint;
begin
  execute 'select from public.reader_schedules s where s.reader_id in (select n.reader_id from new_rows n)
           order by s.reader_id for no key update';
  execute 'select h.weekday, count(*) as windows
           from public.reader_hours h
           where (h.reader_id, h.weekday) in (select n.reader_id, n.weekday from new_rows n)
           group by h.reader_id, h.weekday
           having count(*) > 4
           order by h.reader_id, h.weekday
           limit 1'
    into full_weekday, windows;
  -- EXECUTE sets no FOUND: no row leaves the variables null.
  if windows is not null then
    raise exception 'new row for relation "reader_hours" violates check constraint "reader_hours_per_day_limit"'
      using errcode = '23514', constraint = 'reader_hours_per_day_limit',
            detail = format('At most 4 windows a day; weekday %s would have %s.', full_weekday, windows);
  end if;
  return null;
end;
$$;
comment on function private.check_reader_hours_limit() is
  'Refuses a statement that leaves a reader over 4 windows on one weekday (23514, reader_hours_per_day_limit).';

create trigger check_reader_hours_limit_after_insert
  after insert on public.reader_hours
  referencing new table as new_rows
  for each statement execute function private.check_reader_hours_limit();
create trigger check_reader_hours_limit_after_update
  after update on public.reader_hours
  referencing new table as new_rows
  for each statement execute function private.check_reader_hours_limit();

-- A day off lies between the reader's today and a year ahead, in their zone; at most 60 upcoming.
-- Days that have passed are removed as the reader adds one, so they never count. Locks as above.
create or replace function private.check_reader_day_off()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  today_of_outside date;
  over_limit boolean;
begin
  execute 'select from public.reader_schedules s where s.reader_id in (select n.reader_id from new_rows n)
           order by s.reader_id for no key update';
  execute 'select (now() at time zone s.time_zone)::date as today
           from new_rows n
           join public.reader_schedules s on s.reader_id = n.reader_id
           where n.day not between (now() at time zone s.time_zone)::date and (now() at time zone s.time_zone)::date + 365
           limit 1'
    into today_of_outside;
  if today_of_outside is not null then
    raise exception 'new row for relation "reader_days_off" violates check constraint "reader_days_off_upcoming"'
      using errcode = '23514', constraint = 'reader_days_off_upcoming',
            detail = format('A day off is a date from today (%s in your time zone) to a year ahead.', today_of_outside);
  end if;
  execute 'delete from public.reader_days_off o
           using public.reader_schedules s
           where s.reader_id = o.reader_id
             and o.reader_id in (select n.reader_id from new_rows n)
             and o.day < (now() at time zone s.time_zone)::date';
  execute 'select exists (
             select from public.reader_days_off o
             where o.reader_id in (select n.reader_id from new_rows n)
             group by o.reader_id
             having count(*) > 60
           )'
    into over_limit;
  if over_limit then
    raise exception 'new row for relation "reader_days_off" violates check constraint "reader_days_off_limit"'
      using errcode = '23514', constraint = 'reader_days_off_limit', detail = 'At most 60 upcoming days off.';
  end if;
  return null;
end;
$$;
comment on function private.check_reader_day_off() is
  'Refuses a statement that writes a day off in the past or over a year ahead (reader_days_off_upcoming) or leaves a reader over 60 upcoming (reader_days_off_limit), both 23514; removes passed days off.';

create trigger check_reader_day_off_after_insert
  after insert on public.reader_days_off
  referencing new table as new_rows
  for each statement execute function private.check_reader_day_off();
create trigger check_reader_day_off_after_update
  after update on public.reader_days_off
  referencing new table as new_rows
  for each statement execute function private.check_reader_day_off();
