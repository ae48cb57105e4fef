-- The database a fresh Supabase project has before any app migration: API roles, the `auth`
-- schema with the tables and helper functions apps rely on, and the `extensions` schema.
-- Run by the local stack on every start, so every statement is idempotent.
-- Mirrors supabase/postgres init scripts and Supabase Auth's own migrations (see
-- shared/design/SUPABASE-COMPAT.md); keep the two in step when upgrading.

-- ============================================================================================
-- Roles
-- ============================================================================================

do $$
begin
  if not exists (select from pg_roles where rolname = 'anon') then
    create role anon nologin inherit;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticated') then
    create role authenticated nologin inherit;
  end if;
  if not exists (select from pg_roles where rolname = 'service_role') then
    create role service_role nologin inherit bypassrls;
  end if;
  if not exists (select from pg_roles where rolname = 'authenticator') then
    execute format('create role authenticator login noinherit password %L',
                   current_setting('local_stack.role_password'));
  end if;
  if not exists (select from pg_roles where rolname = 'supabase_auth_admin') then
    execute format('create role supabase_auth_admin login noinherit createrole password %L',
                   current_setting('local_stack.role_password'));
  end if;
end
$$;

grant anon, authenticated, service_role to authenticator;
grant anon, authenticated, service_role to current_user;

-- Runaway API queries are cut short, as on a hosted project.
alter role anon set statement_timeout = '3s';
alter role authenticated set statement_timeout = '8s';
alter role supabase_auth_admin set search_path = auth;

-- ============================================================================================
-- Schemas and extensions
-- ============================================================================================

create schema if not exists extensions;
grant usage on schema extensions to anon, authenticated, service_role;
create extension if not exists pgcrypto with schema extensions;
create extension if not exists "uuid-ossp" with schema extensions;

grant usage on schema public to anon, authenticated, service_role;
-- What a hosted project gives every table, view, sequence and function the migration role
-- (postgres) creates in public: everything, to every API role. Apps that want less must revoke it,
-- and the local stack has it too so that tests see what a hosted project would allow.
alter default privileges in schema public grant all on tables to anon, authenticated, service_role;
alter default privileges in schema public grant all on sequences to anon, authenticated, service_role;
alter default privileges in schema public grant all on functions to anon, authenticated, service_role;

create schema if not exists auth authorization supabase_auth_admin;
grant usage on schema auth to anon, authenticated, service_role;

-- ============================================================================================
-- auth tables (the columns apps and seeds use, as Supabase Auth defines them)
-- ============================================================================================

set role supabase_auth_admin;

create table if not exists auth.users (
  instance_id uuid,
  id uuid primary key,
  aud varchar(255),
  role varchar(255),
  email varchar(255),
  encrypted_password varchar(255),
  email_confirmed_at timestamptz,
  invited_at timestamptz,
  confirmation_token varchar(255),
  confirmation_sent_at timestamptz,
  recovery_token varchar(255),
  recovery_sent_at timestamptz,
  email_change_token_new varchar(255),
  email_change varchar(255),
  email_change_sent_at timestamptz,
  last_sign_in_at timestamptz,
  raw_app_meta_data jsonb,
  raw_user_meta_data jsonb,
  is_super_admin boolean,
  created_at timestamptz,
  updated_at timestamptz,
  phone text unique default null,
  phone_confirmed_at timestamptz,
  confirmed_at timestamptz generated always as (least(email_confirmed_at, phone_confirmed_at)) stored,
  banned_until timestamptz,
  is_sso_user boolean not null default false,
  deleted_at timestamptz,
  is_anonymous boolean not null default false
);
create unique index if not exists users_email_partial_key on auth.users (email) where is_sso_user = false;
create index if not exists users_instance_id_email_idx on auth.users (instance_id, lower(email));
comment on table auth.users is 'Auth: stores user login data within a secure schema.';

create table if not exists auth.identities (
  id uuid primary key default gen_random_uuid(),
  provider_id text not null,
  user_id uuid not null references auth.users (id) on delete cascade,
  identity_data jsonb not null,
  provider text not null,
  last_sign_in_at timestamptz,
  created_at timestamptz,
  updated_at timestamptz,
  email text generated always as (lower(identity_data ->> 'email')) stored,
  unique (provider_id, provider)
);
create index if not exists identities_user_id_idx on auth.identities (user_id);
comment on table auth.identities is 'Auth: stores identities associated to a user.';

create table if not exists auth.sessions (
  id uuid primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  created_at timestamptz,
  updated_at timestamptz,
  factor_id uuid,
  aal text,
  not_after timestamptz,
  refreshed_at timestamp,
  user_agent text,
  ip inet,
  tag text
);
create index if not exists sessions_user_id_idx on auth.sessions (user_id);
comment on table auth.sessions is 'Auth: stores session data associated to a user.';

create table if not exists auth.refresh_tokens (
  instance_id uuid,
  id bigserial primary key,
  token varchar(255) unique,
  user_id varchar(255),
  revoked boolean,
  created_at timestamptz,
  updated_at timestamptz,
  parent varchar(255),
  session_id uuid references auth.sessions (id) on delete cascade
);
create index if not exists refresh_tokens_session_id_revoked_idx on auth.refresh_tokens (session_id, revoked);
create index if not exists refresh_tokens_parent_idx on auth.refresh_tokens (parent);
comment on table auth.refresh_tokens is 'Auth: store of tokens used to refresh JWT tokens once they expire.';

-- ============================================================================================
-- auth helper functions, exactly as Supabase defines them (PostgREST 12 sets only
-- request.jwt.claims; the legacy per-claim settings are still honoured first)
-- ============================================================================================

create or replace function auth.uid() returns uuid
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.sub', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
  )::uuid
$$;
comment on function auth.uid() is 'Deprecated. Use auth.jwt() -> ''sub'' instead.';

create or replace function auth.role() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.role', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'role')
  )::text
$$;
comment on function auth.role() is 'Deprecated. Use auth.jwt() -> ''role'' instead.';

create or replace function auth.email() returns text
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim.email', true), ''),
    (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'email')
  )::text
$$;
comment on function auth.email() is 'Deprecated. Use auth.jwt() -> ''email'' instead.';

create or replace function auth.jwt() returns jsonb
language sql stable
as $$
  select coalesce(
    nullif(current_setting('request.jwt.claim', true), ''),
    nullif(current_setting('request.jwt.claims', true), '')
  )::jsonb
$$;

reset role;

grant execute on function auth.uid(), auth.role(), auth.email(), auth.jwt()
  to anon, authenticated, service_role;

-- ============================================================================================
-- realtime: Broadcast from the database, as Supabase Realtime's own migrations define it
-- (supabase/realtime lib/realtime/tenants/repo/migrations: redefine_authorization_tables,
-- messages_partitioning, messages_using_uuid, rename_broadcast_send_warning)
-- ============================================================================================

do $$
begin
  if not exists (select from pg_roles where rolname = 'supabase_realtime_admin') then
    execute format('create role supabase_realtime_admin login noinherit password %L',
                   current_setting('local_stack.role_password'));
  end if;
end
$$;

-- The local Realtime service connects as the admin and checks private channels as the JWT's role.
grant anon, authenticated, service_role to supabase_realtime_admin;
grant supabase_realtime_admin to current_user;

create schema if not exists realtime authorization supabase_realtime_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;

-- Supabase partitions this table by day (realtime.messages_YYYY_MM_DD) and drops partitions older
-- than 72 hours. Locally it is one plain table; the Realtime service deletes rows older than 72
-- hours instead (local-stack/realtime/message-listener.ts).
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  id uuid not null default gen_random_uuid(),
  primary key (id, inserted_at)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic);
alter table realtime.messages owner to supabase_realtime_admin;
-- RLS with no policy: nobody but the owner reads or writes until a migration adds policies.
alter table realtime.messages enable row level security;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;
grant all privileges on realtime.messages to supabase_realtime_admin;

create or replace function realtime.topic() returns text
language sql stable
as $$
  select nullif(current_setting('realtime.topic', true), '')::text;
$$;
alter function realtime.topic() owner to supabase_realtime_admin;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    execute format('set local realtime.topic to %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;

-- Local delivery (hosted Realtime reads these rows from the WAL instead): the row is handed to the
-- Realtime service by NOTIFY, which PostgreSQL delivers at commit and never for a rolled-back
-- insert (the service's own authorization probes). A row too large for NOTIFY's 8000-byte payload
-- is announced by id, and the service reads it. As upstream, a row without event or payload is
-- never broadcast.
create or replace function realtime.notify_local_service() returns trigger
language plpgsql
set search_path = ''
as $$
declare
  message text := row_to_json(new)::text;
begin
  if octet_length(message) > 7900 then
    message := json_build_object('id', new.id, 'inserted_at', new.inserted_at, 'truncated', true)::text;
  end if;
  perform pg_notify('realtime_local_messages', message);
  return null;
end;
$$;
alter function realtime.notify_local_service() owner to supabase_realtime_admin;
comment on function realtime.notify_local_service() is
  'Local stack only: hands each new broadcast row to the local Realtime service (LISTEN realtime_local_messages).';

create or replace trigger notify_local_service
  after insert on realtime.messages
  for each row
  when (new.event is not null and new.payload is not null)
  execute function realtime.notify_local_service();

grant execute on function realtime.topic(), realtime.send(jsonb, text, text, boolean)
  to postgres, anon, authenticated, service_role;
