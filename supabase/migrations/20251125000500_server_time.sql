-- The database's clock for browsers. Presence is judged against server time, and a browser on
-- another origin cannot read a response's Date header (it is not a CORS-safelisted header, and
-- Supabase's gateway does not expose it), so the app asks for the time when it has none recent.
-- Rollback: supabase/rollback/presence.sql

create function public.server_time()
returns timestamptz
language sql
stable
set search_path = ''
as $$
  select now();
$$;
comment on function public.server_time() is
  'The database''s current time, for clients that correct their clock before judging presence.';

revoke execute on function public.server_time() from public;
grant execute on function public.server_time() to anon, authenticated, service_role;
