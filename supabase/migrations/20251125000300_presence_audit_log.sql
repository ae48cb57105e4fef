-- Presence audit trail: one row per transition of a reader's effective status, from and to, with
-- its cause, written by the presence functions that record transitions
-- (private.settle_presence, private.record_due_transitions). Kept for a configurable age.
-- Rollback: supabase/rollback/presence.sql

-- ============================================================================================
-- Table
-- ============================================================================================

create table public.presence_audit_log (
  id bigint generated always as identity,
  user_id uuid not null,
  old_status public.presence_status not null,
  new_status public.presence_status not null,
  changed_at timestamptz not null default now(),
  cause text not null check (cause in ('heartbeat', 'sign_out', 'inactivity', 'cleanup', 'reader_choice', 'auto_away', 'expiry')),
  -- One key serves "a user's history", the per-minute transition limit and identity.
  primary key (user_id, changed_at, id),
  check (old_status <> new_status)
);
comment on table public.presence_audit_log is 'Every reader status transition: who, from, to, when and why.';

-- Retention scans by time, and the log is appended in time order: a BRIN summary, not a B-tree entry per row.
create index presence_audit_log_changed_at_idx on public.presence_audit_log using brin (changed_at);

-- Neither anon nor authenticated users read or write it (no grants either); ops use service_role or SQL.
alter table public.presence_audit_log enable row level security;

create policy "API users never see the audit log"
  on public.presence_audit_log as restrictive for all to anon, authenticated
  using (false)
  with check (false);
grant select, delete on public.presence_audit_log to service_role;

-- ============================================================================================
-- The per-reader transition limit
-- ============================================================================================

-- Transitions a reader causes are limited per minute, counted from the audit log, whose key
-- (user_id, changed_at, id) makes this a short index range.
create function private.presence_transition_allowed(reader uuid)
returns boolean
language sql
stable
set search_path = ''
as $$
  select count(*) < private.presence_transitions_per_minute()
  from public.presence_audit_log a
  where a.user_id = reader and a.changed_at > now() - interval '1 minute';
$$;
comment on function private.presence_transition_allowed(uuid) is
  'Whether the reader may cause another transition now: fewer than presence_transitions_per_minute() in the last minute.';

-- ============================================================================================
-- Rows of deleted users
-- ============================================================================================

-- No foreign key: rows come only from the presence functions, with ids read from public.users, so a
-- key would check nothing new and cost a lookup per row. Deleting a user still deletes their log.
-- security definer: whoever may delete a profile removes its log, which they cannot read.
create function private.delete_presence_audit_of_deleted_users()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
begin
  delete from public.presence_audit_log a
  using deleted_users d
  where a.user_id = d.id;
  return null;
end;
$$;
comment on function private.delete_presence_audit_of_deleted_users() is
  'Removes the presence audit rows of deleted users (what a foreign key''s on delete cascade would do).';

create trigger delete_presence_audit_of_deleted_users
  after delete on public.users
  referencing old table as deleted_users
  for each statement execute function private.delete_presence_audit_of_deleted_users();

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
  return removed;
end;
$$;
comment on function public.purge_presence_audit_log(interval) is
  'Removes audit rows older than the given age (default 30 days); returns how many.';
grant execute on function public.purge_presence_audit_log(interval) to service_role;
