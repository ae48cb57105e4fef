-- Live presence: every change of what clients see of a reader's status is pushed to every open
-- readers page and reader page through Supabase Realtime Broadcast from the database, on the topic
-- 'reader-presence', event 'status', with the card's fields that changed. A heartbeat that changes
-- nothing records no transition, so it pushes nothing.
-- Hosted Supabase delivers realtime.messages rows from its WAL; the local stack's Realtime service
-- gets them by LISTEN/NOTIFY. The client code is the same for both.
-- Rollback: supabase/rollback/presence.sql

create function private.presence_push_topic()
returns text
language sql
immutable
set search_path = ''
as $$ select 'reader-presence' $$;
comment on function private.presence_push_topic() is 'The Realtime topic that carries reader status changes (event ''status''); everyone reads it, only the database writes it.';

-- A Realtime channel, not a public one: on a public channel any visitor could broadcast a forged
-- "Luna is available" to every open page. On this one everybody may listen (what it carries is what
-- anyone may read of reader_cards) and, with no insert policy, nobody but the database may send.
create policy "everyone receives reader presence"
  on realtime.messages
  for select
  to anon, authenticated
  using ((select realtime.topic()) = (select private.presence_push_topic()) and extension = 'broadcast');

-- The payload is read from reader_cards, so a push says exactly what a page read would say now.
create function private.push_reader_statuses(readers uuid[])
returns void
language plpgsql
set search_path = ''
as $$
begin
  perform realtime.send(
    jsonb_build_object('reader_id', c.id, 'status', c.status, 'message', c.status_message, 'last_seen_at', c.last_seen_at),
    'status',
    private.presence_push_topic(),
    true
  )
  from public.reader_cards c
  where c.id = any (readers);
end;
$$;
comment on function private.push_reader_statuses(uuid[]) is
  'Broadcasts these readers'' card status (reader_id, status, message, last_seen_at) on the reader-presence topic.';

-- Every recorded transition, one push per reader however many rows one statement recorded (the
-- minute job records many at once).
create function private.push_recorded_transitions()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  perform private.push_reader_statuses(array(select distinct t.user_id from transitions t));
  return null;
end;
$$;
comment on function private.push_recorded_transitions() is 'Pushes the statuses of the readers whose transitions a statement recorded.';

create trigger push_recorded_transitions
  after insert on public.presence_audit_log
  referencing new table as transitions
  for each statement execute function private.push_recorded_transitions();

-- A new message under the same choice ("Busy: in a reading" to "Busy: back at nine") changes the
-- card without a transition. A changed choice, or a transition still to be recorded, is left to the
-- transition: one push per change. An offline card shows no message, so there is nothing to push.
create function private.push_changed_message()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if exists (select from public.reader_cards c where c.id = new.reader_id and c.status <> 'offline' and c.status = c.recorded_status) then
    perform private.push_reader_statuses(array[new.reader_id]);
  end if;
  return null;
end;
$$;
comment on function private.push_changed_message() is 'Pushes a visible reader''s status when only their message changed.';

create trigger push_changed_message
  after update of status_message on private.reader_presence
  for each row
  when (old.chosen_status = new.chosen_status and old.status_message is distinct from new.status_message)
  execute function private.push_changed_message();

revoke execute on function private.push_reader_statuses(uuid[]), private.push_recorded_transitions(),
  private.push_changed_message(), private.presence_push_topic() from public;
grant execute on function private.presence_push_topic() to anon, authenticated;
