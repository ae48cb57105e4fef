-- Presence audit trail: one row per real online/offline transition, written by the database
-- whoever caused it, with the cause the presence functions declare. Kept for a configurable age.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Table
-- ============================================================================================

create table public.presence_audit_log (
  id bigint generated always as identity primary key,
  user_id uuid not null references public.users (id) on delete cascade,
  old_status boolean not null,
  new_status boolean not null,
  changed_at timestamptz not null default now(),
  cause text not null check (cause in ('heartbeat', 'sign_out', 'inactivity', 'cleanup', 'direct_update'))
);
comment on table public.presence_audit_log is 'Every reader online/offline transition: who, from, to, when and why.';

create index presence_audit_log_user_id_changed_at_idx on public.presence_audit_log (user_id, changed_at);
create index presence_audit_log_changed_at_idx on public.presence_audit_log (changed_at);

-- Neither anon nor authenticated users read or write it (no grants either); ops use service_role or SQL.
alter table public.presence_audit_log enable row level security;

create policy "API users never see the audit log"
  on public.presence_audit_log as restrictive for all to anon, authenticated
  using (false)
  with check (false);
grant select, delete on public.presence_audit_log to service_role;

-- ============================================================================================
-- Trigger
-- ============================================================================================

-- security definer: the log is written whoever changes the flag, also roles that cannot read it.
create function public.audit_presence_changes()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  insert into public.presence_audit_log (user_id, old_status, new_status, changed_at, cause)
  values (new.id, old.is_online, new.is_online, now(),
          coalesce(nullif(current_setting('presence.cause', true), ''), 'direct_update'));
  return null;
end;
$$;
comment on function public.audit_presence_changes() is 'Writes one presence_audit_log row per is_online transition.';
revoke execute on function public.audit_presence_changes() from public, anon, authenticated;

create trigger audit_presence_changes
  after update of is_online on public.users
  for each row
  when (old.is_online is distinct from new.is_online)
  execute function public.audit_presence_changes();

-- ============================================================================================
-- Retention
-- ============================================================================================

create function public.purge_presence_audit_log(older_than interval default interval '30 days')
returns integer
language plpgsql
set search_path = ''
as $$
declare
  removed integer;
begin
  if older_than < interval '1 hour' then
    raise exception 'refusing to purge audit rows younger than an hour (asked for %)', older_than using errcode = '22023';
  end if;
  delete from public.presence_audit_log where changed_at < now() - older_than;
  get diagnostics removed = row_count;
  raise log 'presence audit retention: removed % rows older than %', removed, older_than;
  raise notice 'presence audit retention: removed % rows older than %', removed, older_than;
  return removed;
end;
$$;
comment on function public.purge_presence_audit_log(interval) is
  'Removes audit rows older than the given age (default 30 days); returns how many.';
revoke execute on function public.purge_presence_audit_log(interval) from public, anon, authenticated;
grant execute on function public.purge_presence_audit_log(interval) to service_role;
