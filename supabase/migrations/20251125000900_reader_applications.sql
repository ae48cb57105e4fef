-- Vetted readers and the admin role. Signing up as a reader makes an application, pending until an
-- admin approves or rejects it (with a reason the applicant reads on their profile). Only approved
-- readers are readers (users.is_reader, which every listing, the presence path and favourites
-- already require), and no two of them share a display name, whatever its case.
-- An admin is a user whose app_metadata says {"role": "admin"}: app_metadata is written by the
-- service role (Auth's admin API) or by another admin through set_admin(), never by the user, and
-- the database checks both the token's claim and the account, so a demoted admin stops at once.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Admins
-- ============================================================================================

-- security definer: it reads the caller's auth account, which the API roles may not.
create function private.is_admin()
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
  select coalesce(auth.jwt() -> 'app_metadata' ->> 'role' = 'admin', false)
    and exists (
      select from auth.users u
      where u.id = auth.uid()
        and u.raw_app_meta_data ->> 'role' = 'admin'
        and u.deleted_at is null
        and (u.banned_until is null or u.banned_until <= now())
    );
$$;
comment on function private.is_admin() is
  'Whether the caller''s token says app_metadata.role = admin and their account still does (not banned or deleted).';
revoke execute on function private.is_admin() from public;
grant execute on function private.is_admin() to authenticated;

create function private.require_admin(action text)
returns void
language plpgsql
stable
set search_path = ''
as $$
begin
  if not private.is_admin() then
    raise exception 'only admins %', action using errcode = '42501';
  end if;
end;
$$;
comment on function private.require_admin(text) is 'Refuses (42501, "only admins <action>") a caller who is not an admin.';
revoke execute on function private.require_admin(text) from public;

-- security definer: app_metadata lives in auth.users, which only Auth and its owner write.
create function public.set_admin(user_id uuid, admin boolean)
returns boolean
language plpgsql
security definer
set search_path = ''
as $$
begin
  perform private.require_admin('make or unmake admins');
  if user_id = auth.uid() then
    raise exception 'an admin cannot change their own role: ask another admin' using errcode = '42501';
  end if;
  update auth.users u
  set raw_app_meta_data = case
        when admin then coalesce(u.raw_app_meta_data, '{}') || '{"role": "admin"}'
        else coalesce(u.raw_app_meta_data, '{}') - 'role'
      end,
      updated_at = now()
  where u.id = user_id and u.deleted_at is null;
  if not found then
    raise exception 'no user %', user_id using errcode = 'P0002';
  end if;
  return admin;
end;
$$;
comment on function public.set_admin(uuid, boolean) is
  'Makes another user an admin (true) or not (false); admins only. Their next token carries it; the database checks the account at once.';
revoke execute on function public.set_admin(uuid, boolean) from public, anon;
grant execute on function public.set_admin(uuid, boolean) to authenticated;

-- Admins review applicants, whose profiles are not listed: one policy per role and command, so the
-- existing one gains the case.
alter policy "Users can read reader cards and their own profile" on public.users
  using (is_reader or (select auth.uid()) = id or (select private.is_admin()));

-- ============================================================================================
-- Applications
-- ============================================================================================

create type public.reader_application_status as enum ('pending', 'approved', 'rejected');

create domain public.decision_reason as text
  constraint reader_applications_reason_plain check (char_length(value) between 1 and 500 and private.is_plain_line(value));
comment on domain public.decision_reason is 'Why an application was decided as it was: 1 to 500 characters on one line, shown to the applicant.';

create table public.reader_applications (
  applicant_id uuid primary key references public.users (id) on delete cascade,
  status public.reader_application_status not null default 'pending',
  submitted_at timestamptz not null default now(),
  decided_at timestamptz,
  -- The admin's profile; kept when they leave, as the decision stands.
  decided_by uuid references public.users (id) on delete set null,
  reason public.decision_reason,
  constraint reader_applications_decided check ((status = 'pending') = (decided_at is null)),
  constraint reader_applications_rejection_reason check (status <> 'rejected' or reason is not null)
);
comment on table public.reader_applications is
  'One per user who asked to be a reader; users.is_reader follows whether it is approved.';

-- The admins' queue, oldest first; and the foreign key's index for an admin's account deletion.
create index reader_applications_pending_idx on public.reader_applications (submitted_at, applicant_id) where status = 'pending';
create index reader_applications_decided_by_idx on public.reader_applications (decided_by);

alter table public.reader_applications enable row level security;

create policy "Applicants read their own application and admins read all"
  on public.reader_applications for select to authenticated
  using ((select auth.uid()) = applicant_id or (select private.is_admin()));

-- Written through apply_as_reader() and decide_reader_application() only; ops may use SQL.
revoke all on public.reader_applications from anon, authenticated, service_role;
grant select on public.reader_applications to authenticated;
grant select, insert, update, delete on public.reader_applications to service_role;

-- A listed name is one nobody else listed has, however it is cased or composed ("Luna Starweaver",
-- "LUNA STARWEAVER" and a fullwidth copy are one name). Pending applicants may share it: approval
-- is when it must be free.
create unique index users_reader_display_name_key on public.users (lower(normalize(display_name, nfkc))) where is_reader;

-- users.is_reader is whether the application is approved (a deleted application approves nothing);
-- a first approval also gives the entry level. Row triggers with conditions: a sign-up's pending
-- application, and a change that keeps the status, cost nothing.
create function private.sync_reader_approval()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  update public.users u
  set is_reader = (tg_op <> 'DELETE' and new.status = 'approved'),
      level_id = coalesce(u.level_id, (select l.id from public.reader_levels l order by l.base_price_per_minute, l.id limit 1))
  where u.id = case when tg_op = 'DELETE' then old.applicant_id else new.applicant_id end;
  return null;
end;
$$;
comment on function private.sync_reader_approval() is 'Makes users.is_reader follow whether the application just written is approved, or deleted.';

create trigger sync_reader_approval_on_insert
  after insert on public.reader_applications
  for each row
  when (new.status = 'approved')
  execute function private.sync_reader_approval();

create trigger sync_reader_approval_on_update
  after update of status on public.reader_applications
  for each row
  when (old.status is distinct from new.status)
  execute function private.sync_reader_approval();

create trigger sync_reader_approval_on_delete
  after delete on public.reader_applications
  for each row
  when (old.status = 'approved')
  execute function private.sync_reader_approval();

-- A new sign-up asking to be a reader applies; nobody is a reader from sign-up alone.
create or replace function private.handle_new_auth_user()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
  applies_as_reader boolean := coalesce(new.raw_user_meta_data -> 'is_reader' = 'true'::jsonb, false);
  requested_name text := case when jsonb_typeof(new.raw_user_meta_data -> 'display_name') = 'string'
                           then new.raw_user_meta_data ->> 'display_name' end;
begin
  insert into public.users (id, display_name)
  values (
    new.id,
    coalesce(private.plain_display_name(requested_name), private.plain_display_name(split_part(new.email, '@', 1)), 'New user')
  );
  if applies_as_reader then
    insert into public.reader_applications (applicant_id) values (new.id);
  end if;
  return new;
end;
$$;
comment on function private.handle_new_auth_user() is
  'Creates the marketplace profile of a new auth user from its sign-up metadata (display_name), and their reader application when is_reader is true.';

-- Existing readers were listed before applications existed: they stand approved.
insert into public.reader_applications (applicant_id, status, submitted_at, decided_at)
select u.id, 'approved', u.created_at, now() from public.users u where u.is_reader;

-- ============================================================================================
-- The API
-- ============================================================================================

-- security definer: applicants do not write applications themselves (the status is the admins').
create function public.apply_as_reader()
returns public.reader_applications
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := auth.uid();
  application public.reader_applications;
begin
  if caller is null then
    raise exception 'sign in to apply' using errcode = '42501';
  end if;
  insert into public.reader_applications as a (applicant_id)
  values (caller)
  on conflict (applicant_id) do update
    set status = 'pending', submitted_at = now(), decided_at = null, decided_by = null, reason = null
    where a.status = 'rejected'
  returning * into application;
  if application is null then
    select * into application from public.reader_applications a where a.applicant_id = caller;
    raise exception 'your application is already %', application.status using errcode = '22023';
  end if;
  return application;
end;
$$;
comment on function public.apply_as_reader() is
  'The caller asks to be a reader (again, after a rejection); refused while pending or once approved.';
revoke execute on function public.apply_as_reader() from public, anon;
grant execute on function public.apply_as_reader() to authenticated;

-- security definer: only admins decide, and the decision writes the applicant's profile.
create function public.decide_reader_application(applicant uuid, approve boolean, reason text default null)
returns public.reader_applications
language plpgsql
security definer
set search_path = ''
as $$
declare
  application public.reader_applications;
begin
  perform private.require_admin('decide reader applications');
  if applicant = auth.uid() then
    raise exception 'nobody decides their own application: ask another admin' using errcode = '42501';
  end if;
  if approve is null then
    raise exception 'approve must be true or false' using errcode = '22004';
  end if;
  -- Approve a pending or rejected application; reject a pending one only (a listed reader is
  -- removed by banning their account).
  update public.reader_applications a
  set status = case when approve then 'approved' else 'rejected' end::public.reader_application_status,
      decided_at = now(),
      decided_by = auth.uid(),
      reason = nullif(btrim(decide_reader_application.reason), '')
  where a.applicant_id = applicant
    and (a.status = 'pending' or (approve and a.status = 'rejected'))
  returning * into application;
  if application is null then
    if not exists (select from public.reader_applications a where a.applicant_id = applicant) then
      raise exception 'no application from %', applicant using errcode = 'P0002';
    end if;
    raise exception 'this application is already decided' using errcode = '22023';
  end if;
  return application;
exception
  when unique_violation then
    raise exception 'another listed reader has this name: ask the applicant to choose another'
      using errcode = '23505', constraint = 'users_reader_display_name_key';
end;
$$;
comment on function public.decide_reader_application(uuid, boolean, text) is
  'Approves (true) or rejects (false, with a reason) a reader application; admins only, never their own.';
revoke execute on function public.decide_reader_application(uuid, boolean, text) from public, anon;
grant execute on function public.decide_reader_application(uuid, boolean, text) to authenticated;

revoke execute on function private.sync_reader_approval() from public;
