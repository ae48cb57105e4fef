-- Where the two browsers of a reading find a way to each other: STUN and TURN servers.
--
-- A TURN relay's password in the app's bundle would be anyone's to relay through. Instead the
-- relay and the database share a secret (coturn's use-auth-secret, the "TURN REST API" scheme): a
-- participant of a live reading is handed a username "<expiry>:<user id>" and, as its password,
-- base64(HMAC-SHA1(secret, username)), which the relay checks without asking anyone and refuses
-- once the expiry has passed. Nobody else gets a credential, and none outlives a day.
--
-- Operations configure the servers with SQL (README, "Ops runbook"); locally none
-- are needed, and the calls connect directly.

-- A row's URLs are all STUN or all TURN (stun:, stuns:, turn:, turns:, then a host, an optional port
-- and query, no spaces: RFC 7064, 7065), one to eight of them: 'stun' or 'turn', else null.
create function private.ice_urls_kind(urls text[]) returns text
language sql
immutable
set search_path = ''
as $$
  select case when count(*) filter (where u ~ '^turns?:') = count(*) then 'turn' when count(*) filter (where u ~ '^stuns?:') = count(*) then 'stun' end
  from unnest(urls) u
  having count(*) between 1 and 8 and bool_and(u ~ '^(stuns?|turns?):[^\s]{1,250}$');
$$;

create table private.reading_ice_servers (
  id smallint generated always as identity primary key,
  urls text[] not null constraint reading_ice_servers_urls_valid check (private.ice_urls_kind(urls) is not null),
  -- The relay's shared secret (coturn's static-auth-secret); null for STUN, which needs no credentials.
  turn_secret text constraint reading_ice_servers_turn_secret_length check (length(turn_secret) between 16 and 512),
  constraint reading_ice_servers_secret_for_turn check ((turn_secret is not null) = (private.ice_urls_kind(urls) = 'turn'))
);
comment on table private.reading_ice_servers is
  'STUN and TURN servers for the video readings'' calls; TURN rows keep the secret shared with the relay, never sent to a browser.';

-- How long a handed-out TURN credential lets its holder allocate and refresh a relay: a day, which
-- outlasts any reading (an allocation is refreshed with the same credential every few minutes).
create function private.reading_turn_credential_ttl() returns interval
  language sql immutable
  return interval '1 day';

create function public.reading_ice_servers(reading_id uuid)
returns jsonb
language plpgsql
security definer
set search_path = ''
as $$
declare
  caller uuid := private.reading_caller();
  reading public.readings := private.own_reading(reading_id, caller);
  username text := extract(epoch from date_trunc('second', now() + private.reading_turn_credential_ttl()))::bigint || ':' || caller;
begin
  if reading.state <> 'live' then
    perform private.refuse_reading('reading_' || reading.state, format('this reading is not under way: it is %s', reading.state));
  end if;
  return coalesce(
    (select jsonb_agg(
              case when s.turn_secret is null then jsonb_build_object('urls', s.urls)
                   else jsonb_build_object('urls', s.urls, 'username', username,
                                           'credential', encode(extensions.hmac(username, s.turn_secret, 'sha1'), 'base64'))
              end order by s.id)
     from private.reading_ice_servers s),
    '[]'::jsonb);
end;
$$;
comment on function public.reading_ice_servers(uuid) is
  'The STUN and TURN servers for a live reading''s call, as RTCIceServer objects; TURN ones with a credential of the caller''s own, valid for a day.';

revoke execute on function private.ice_urls_kind(text[]), private.reading_turn_credential_ttl() from public;
revoke execute on function public.reading_ice_servers(uuid) from public, anon;
grant execute on function public.reading_ice_servers(uuid) to authenticated;
