/**
 * "Notify me when available", by actor: readers go available through the API their browser uses
 * (sign-up and heartbeat, their status choice) or the minute job records it; the database makes one
 * notification per following client who asked, at most one per client and reader in ten minutes,
 * and pushes it on the client's own private Realtime topic, which a real supabase-js channel
 * receives and nobody else may join. Clients read and mark read only their own, and never write
 * them; retention is the service role's. SQL only turns the clock back and sets up many rows.
 */
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { ageDevice, giveDevice, resetPresence, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, sql, startTestStack } from '../../support/test-stack.ts';
import { heartbeat, setStatus, signUpReader, type Reader, signUpClient as signUpClientOf, type SignedUpClient } from './presence-clients.ts';

interface Notification {
  id: number;
  client_id: string;
  reader_id: string;
  available_at: string;
  read_at: string | null;
}

interface Push {
  id: number;
  reader_id: string;
  display_name: string;
  available_at: string;
}

type Client = SignedUpClient;

let stack: RunningStack;
let db: PresenceQuery;
let anon: SupabaseClient;
let service: SupabaseClient;

beforeAll(async () => {
  // No scheduler: the minute job runs when a test says time has passed, never by itself.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  anon = clientFor(stack);
  service = clientFor(stack, stack.serviceRoleKey);
  await resetPresence(db);
});

afterAll(async () => {
  await stack?.stop();
});

const signUpClient = (label: string) => signUpClientOf(stack, label);

/** The client stars the reader through the API, with or without "notify me when available". */
async function follow(client: Client, readerId: string, notify: boolean): Promise<void> {
  const { error } = await client.client.from('favourites').insert({ reader_id: readerId, notify });
  if (error) throw new Error(`favourite failed: ${error.code} ${error.message}`);
}

/** The client's notifications as they read them, newest first. */
async function notificationsOf(client: Client): Promise<Notification[]> {
  const { data, error } = await client.client
    .from('availability_notifications')
    .select('*')
    .order('available_at', { ascending: false })
    .order('id', { ascending: false })
    .overrideTypes<Notification[], { merge: false }>();
  if (error) throw new Error(`notifications failed: ${error.code} ${error.message}`);
  return data;
}

/** How many notifications about this reader the database holds, per client. */
async function storedFor(readerId: string): Promise<Record<string, number>> {
  const rows = await sql<{ client_id: string; n: number }>(
    stack,
    'select client_id, count(*)::int as n from public.availability_notifications where reader_id = $1 group by client_id',
    [readerId],
  );
  return Object.fromEntries(rows.map((row) => [row.client_id, row.n]));
}

/** Turns a reader's history back, as if it had happened that long ago: their notifications and audit rows. */
async function turnBack(readerId: string, by: string): Promise<void> {
  await sql(stack, 'update public.availability_notifications set available_at = available_at - $2::interval where reader_id = $1', [readerId, by]);
  await sql(stack, 'update public.presence_audit_log set changed_at = changed_at - $2::interval where user_id = $1', [readerId, by]);
}

describe('who is told, and when', () => {
  let reader: Reader;
  let keen: Client;
  let alsoKeen: Client;
  let quiet: Client;
  let stranger: Client;

  beforeAll(async () => {
    reader = await signUpReader(stack, 'notify-luna');
    [keen, alsoKeen, quiet, stranger] = (await Promise.all(['notify-keen', 'notify-also-keen', 'notify-quiet', 'notify-stranger'].map(signUpClient))) as [
      Client,
      Client,
      Client,
      Client,
    ];
    await follow(keen, reader.userId, true);
    await follow(alsoKeen, reader.userId, true);
    await follow(quiet, reader.userId, false);
  });

  test('a followed reader coming online tells each follower who asked, once, with the time of the transition; nobody else', async () => {
    await heartbeat(reader.client);
    const [{ changed_at }] = (await sql<{ changed_at: Date }>(
      stack,
      "select changed_at from public.presence_audit_log where user_id = $1 and new_status = 'available'",
      [reader.userId],
    )) as [{ changed_at: Date }];
    for (const follower of [keen, alsoKeen]) {
      const [notification, ...more] = await notificationsOf(follower);
      expect(more).toEqual([]);
      expect(notification).toMatchObject({ client_id: follower.userId, reader_id: reader.userId, read_at: null });
      expect(new Date(notification!.available_at).getTime()).toBe(changed_at.getTime());
    }
    expect(await notificationsOf(quiet)).toEqual([]);
    expect(await notificationsOf(stranger)).toEqual([]);
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 1, [alsoKeen.userId]: 1 });
  });

  test('busy, away and offline tell nobody, and available again within ten minutes neither (the cooldown)', async () => {
    await setStatus(reader.client, 'busy');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'offline');
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 1, [alsoKeen.userId]: 1 });
    await setStatus(reader.client, 'available');
    expect(
      (await sql(stack, "select count(*)::int as n from public.presence_audit_log where user_id = $1 and new_status = 'available'", [reader.userId]))[0],
    ).toEqual({
      n: 2,
    });
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 1, [alsoKeen.userId]: 1 });
  });

  test('available again ten minutes after the last notification tells each follower who asked again', async () => {
    // Under ten minutes between the last notification and the next transition, whatever the test's own pace.
    await turnBack(reader.userId, '9 minutes 30 seconds');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'available');
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 1, [alsoKeen.userId]: 1 });

    await turnBack(reader.userId, '10 minutes');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'available');
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 2, [alsoKeen.userId]: 2 });
    const [newest, older] = await notificationsOf(keen);
    expect(new Date(newest!.available_at).getTime()).toBeGreaterThan(new Date(older!.available_at).getTime());
    expect(await notificationsOf(quiet)).toEqual([]);
  });

  test('turning notify off stops them; on again, they come', async () => {
    await keen.client.from('favourites').update({ notify: false }).eq('reader_id', reader.userId);
    await turnBack(reader.userId, '11 minutes');
    await setStatus(reader.client, 'busy');
    await setStatus(reader.client, 'available');
    expect(await storedFor(reader.userId)).toEqual({ [keen.userId]: 2, [alsoKeen.userId]: 3 });
  });

  test('the minute job recording several readers available at once tells each follower about each reader, and going offline tells nobody', async () => {
    const follower = await signUpClient('notify-job');
    const readers = await Promise.all(['notify-job-1', 'notify-job-2'].map((label) => signUpReader(stack, label)));
    for (const each of readers) await follow(follower, each.userId, true);
    const sessions = await Promise.all(readers.map((each) => giveDevice(db, each.userId, { heardAgo: '10 seconds' })));
    await sql(stack, 'select public.mark_inactive_readers_offline()');
    expect((await notificationsOf(follower)).map((n) => n.reader_id).sort()).toEqual(readers.map((each) => each.userId).sort());

    for (const session of sessions) await ageDevice(db, session, { heardAgo: '6 minutes' });
    await sql(stack, 'select public.mark_inactive_readers_offline()');
    expect(
      await sql(stack, "select count(*)::int as n from public.reader_cards where id = any ($1) and status = 'offline'", [readers.map((r) => r.userId)]),
    ).toEqual([{ n: 2 }]);
    expect(await notificationsOf(follower)).toHaveLength(2);
  });

  test('a reader nobody follows going available makes no notification', async () => {
    const before = (await sql<{ n: number }>(stack, 'select count(*)::int as n from public.availability_notifications'))[0]!.n;
    const lonely = await signUpReader(stack, 'notify-lonely');
    await heartbeat(lonely.client);
    expect((await sql(stack, 'select count(*)::int as n from public.availability_notifications'))[0]).toEqual({ n: before });
  });

  test('1,000 followers: one notification and one push each, within the heartbeat that made the reader available', async () => {
    const popular = await signUpReader(stack, 'notify-popular');
    await sql(
      stack,
      `with clients as (
         insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
         select gen_random_uuid(), 'authenticated', 'authenticated', 'fan-' || n || '-' || $1::text || '@fixture.test', '{}'::jsonb, now(), now()
         from generate_series(1, 1000) as n
         returning id
       )
       select count(*) from clients`,
      [String(Date.now())],
    );
    await sql(
      stack,
      "insert into public.favourites (client_id, reader_id, notify) select id, $1, true from public.users where display_name like 'fan-%' and not is_reader",
      [popular.userId],
    );
    const started = performance.now();
    await heartbeat(popular.client);
    const took = performance.now() - started;
    expect(
      await sql(stack, 'select count(*)::int as n, count(distinct client_id)::int as clients from public.availability_notifications where reader_id = $1', [
        popular.userId,
      ]),
    ).toEqual([{ n: 1000, clients: 1000 }]);
    expect(
      await sql(
        stack,
        `select count(*)::int as n, count(distinct m.topic)::int as topics
         from realtime.messages m
         join public.availability_notifications a on m.topic = 'notifications:' || a.client_id and (m.payload ->> 'id')::bigint = a.id
         where a.reader_id = $1 and m.event = 'available' and m.private`,
        [popular.userId],
      ),
    ).toEqual([{ n: 1000, topics: 1000 }]);
    // Generous for a busy two-core machine; measured well under a second.
    expect(took).toBeLessThan(5_000);
  }, 60_000);
});

describe("the client's private channel", () => {
  function join(client: SupabaseClient, topic: string, onPush: (push: Push) => void = () => {}): RealtimeChannel {
    return client
      .channel(topic, { config: { private: true, broadcast: { ack: true } } })
      .on('broadcast', { event: 'available' }, (message) => onPush(message.payload as Push));
  }

  /** SUBSCRIBED, or the status the join ended in (CHANNEL_ERROR when refused), within 10 s. */
  function outcome(channel: RealtimeChannel): Promise<string> {
    return new Promise<string>((resolve) => {
      const timer = setTimeout(() => resolve('no answer within 10 s'), 10_000);
      channel.subscribe((status) => {
        if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) return;
        clearTimeout(timer);
        resolve(status);
      });
    });
  }

  test('receives each notification as it is made, with the reader name; another client and anon cannot join it, and the client cannot send on it', async () => {
    const me = await signUpClient('notify-live');
    const other = await signUpClient('notify-eavesdropper');
    const reader = await signUpReader(stack, 'notify-live-reader');
    await follow(me, reader.userId, true);
    await follow(other, reader.userId, false);
    const topic = `notifications:${me.userId}`;

    const received: Push[] = [];
    const mine = join(me.client, topic, (push) => received.push(push));
    expect(await outcome(mine)).toBe(REALTIME_SUBSCRIBE_STATES.SUBSCRIBED);
    for (const intruder of [other.client, anon]) {
      const theirs = join(intruder, topic);
      expect(await outcome(theirs)).toBe(REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR);
      await intruder.removeChannel(theirs);
    }

    await heartbeat(reader.client);
    for (let waited = 0; received.length === 0 && waited < 5_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    const [notification] = await notificationsOf(me);
    expect(received).toHaveLength(1);
    expect({ ...received[0], available_at: new Date(received[0]!.available_at).getTime() }).toEqual({
      id: notification!.id,
      reader_id: reader.userId,
      display_name: 'Reader notify-live-reader',
      available_at: new Date(notification!.available_at).getTime(),
    });

    const forged = await mine.send({ type: 'broadcast', event: 'available', payload: { ...received[0], display_name: 'Forged' } }, { timeout: 1_500 });
    expect(forged).not.toBe('ok');
    await me.client.removeAllChannels();
  });
});

describe('reading and marking read', () => {
  let alice: Client;
  let bob: Client;
  let aliceIds: number[];
  let bobIds: number[];

  beforeAll(async () => {
    [alice, bob] = (await Promise.all(['notify-alice', 'notify-bob'].map(signUpClient))) as [Client, Client];
    const readers = await Promise.all(['notify-read-1', 'notify-read-2'].map((label) => signUpReader(stack, label)));
    for (const reader of readers) {
      await follow(alice, reader.userId, true);
      await follow(bob, reader.userId, true);
      await heartbeat(reader.client);
    }
    aliceIds = (await notificationsOf(alice)).map((n) => n.id);
    bobIds = (await notificationsOf(bob)).map((n) => n.id);
  });

  async function readAtOf(ids: number[]): Promise<Array<string | null>> {
    const rows = await sql<{ read_at: Date | null }>(stack, 'select read_at from public.availability_notifications where id = any ($1) order by id', [ids]);
    return rows.map((row) => row.read_at?.toISOString() ?? null);
  }

  test('a client reads only their own, newest first', async () => {
    expect(aliceIds).toHaveLength(2);
    expect(bobIds).toHaveLength(2);
    const everything = await alice.client.from('availability_notifications').select('client_id');
    expect(everything.data).toEqual([{ client_id: alice.userId }, { client_id: alice.userId }]);
    expect((await alice.client.from('availability_notifications').select('*').in('id', bobIds)).data).toEqual([]);
    const anonRead = await anon.from('availability_notifications').select('*');
    expect([anonRead.status, anonRead.error?.code]).toEqual([401, '42501']);
  });

  test("marks some of their own read at the server's time; ids of another client's are ignored and stay unread", async () => {
    const marked = await alice.client.rpc('mark_availability_notifications_read', { notification_ids: [aliceIds[0], ...bobIds, 999_999_999] });
    expect([marked.error, marked.data]).toEqual([null, 1]);
    const [{ fresh }] = (await sql<{ fresh: boolean }>(
      stack,
      "select read_at between now() - interval '1 minute' and now() as fresh from public.availability_notifications where id = $1",
      [aliceIds[0]],
    )) as [{ fresh: boolean }];
    expect(fresh).toBe(true);
    expect(await readAtOf(bobIds)).toEqual([null, null]);
    expect((await readAtOf([aliceIds[1]!]))[0]).toBeNull();
  });

  test('marks all of their own read with no ids; a second call changes nothing', async () => {
    const firstReadAt = await readAtOf([aliceIds[0]!]);
    expect((await alice.client.rpc('mark_availability_notifications_read')).data).toBe(1);
    expect((await readAtOf(aliceIds)).every((readAt) => readAt !== null)).toBe(true);
    expect(await readAtOf([aliceIds[0]!])).toEqual(firstReadAt);
    expect((await alice.client.rpc('mark_availability_notifications_read', { notification_ids: null })).data).toBe(0);
    expect((await alice.client.rpc('mark_availability_notifications_read', { notification_ids: [] })).data).toBe(0);
    expect(await readAtOf(bobIds)).toEqual([null, null]);
  });

  test('more than 1,000 ids, malformed ids and anon are refused with nothing marked', async () => {
    const tooMany = await bob.client.rpc('mark_availability_notifications_read', {
      notification_ids: [...bobIds, ...Array.from({ length: 999 }, (_, i) => i + 1)],
    });
    expect([tooMany.error?.code, tooMany.error?.message]).toEqual(['22023', 'at most 1000 notification ids per call, got 1001']);
    const malformed = await bob.client.rpc('mark_availability_notifications_read', { notification_ids: ['x'] });
    expect(malformed.error?.code).toBe('22P02');
    const wrongType = await bob.client.rpc('mark_availability_notifications_read', { notification_ids: 'all' });
    expect(wrongType.error).not.toBeNull();
    const anonCall = await anon.rpc('mark_availability_notifications_read');
    expect([anonCall.status, anonCall.error?.code]).toEqual([401, '42501']);
    expect(await readAtOf(bobIds)).toEqual([null, null]);
  });

  test('clients cannot make, change or delete notifications, their own included', async () => {
    const before = await sql(
      stack,
      'select id, client_id, reader_id, available_at, read_at from public.availability_notifications where client_id = $1 order by id',
      [bob.userId],
    );
    const insert = await bob.client
      .from('availability_notifications')
      .insert({ client_id: bob.userId, reader_id: alice.userId, available_at: new Date().toISOString() });
    expect(insert.error?.code).toBe('42501');
    const update = await bob.client.from('availability_notifications').update({ read_at: '2000-01-01T00:00:00Z' }).in('id', bobIds);
    expect(update.error?.code).toBe('42501');
    const remove = await bob.client.from('availability_notifications').delete().in('id', bobIds);
    expect(remove.error?.code).toBe('42501');
    expect(
      await sql(stack, 'select id, client_id, reader_id, available_at, read_at from public.availability_notifications where client_id = $1 order by id', [
        bob.userId,
      ]),
    ).toEqual(before);
    // Nor through the database functions behind them.
    const hidden = await bob.client.schema('private' as never).rpc('notify_followers_of_available_readers' as never);
    expect(hidden.error).not.toBeNull();
  });

  test('notifications go with either account', async () => {
    const leaving = await signUpClient('notify-leaving');
    const reader = await signUpReader(stack, 'notify-leaving-reader');
    await follow(leaving, reader.userId, true);
    await follow(alice, reader.userId, true);
    await heartbeat(reader.client);
    expect(await storedFor(reader.userId)).toEqual({ [leaving.userId]: 1, [alice.userId]: 1 });
    await sql(stack, 'delete from auth.users where id = $1', [leaving.userId]);
    expect(await storedFor(reader.userId)).toEqual({ [alice.userId]: 1 });
    await sql(stack, 'delete from auth.users where id = $1', [reader.userId]);
    expect(await storedFor(reader.userId)).toEqual({});
  });
});

describe('retention', () => {
  test('the purge removes only notifications older than seven days (read or not) and says how many', async () => {
    const client = await signUpClient('notify-retention');
    const reader = await signUpReader(stack, 'notify-retention-reader');
    await sql(
      stack,
      `insert into public.availability_notifications (client_id, reader_id, available_at, read_at)
       values ($1, $2, now() - interval '7 days 1 minute', null), ($1, $2, now() - interval '8 days', now()),
              ($1, $2, now() - interval '6 days 23 hours', null)`,
      [client.userId, reader.userId],
    );
    const purged = await service.rpc('purge_availability_notifications');
    expect([purged.error, purged.data]).toEqual([null, 2]);
    expect(await notificationsOf(client)).toHaveLength(1);
    expect((await service.rpc('purge_availability_notifications')).data).toBe(0);
    const tooYoung = await service.rpc('purge_availability_notifications', { older_than: '30 minutes' });
    expect([tooYoung.error?.code, tooYoung.error?.message]).toEqual(['22023', 'refusing to purge notifications younger than an hour (asked for 00:30:00)']);
    expect(await notificationsOf(client)).toHaveLength(1);
  });

  test('anon and signed-in users cannot run the purge', async () => {
    const client = await signUpClient('notify-purger');
    for (const caller of [anon, client.client]) {
      const { error } = await caller.rpc('purge_availability_notifications', { older_than: '1 hour' });
      expect(error?.code).toBe('42501');
    }
  });
});
