/**
 * Live presence from the database's side: what it broadcasts on the 'reader-presence' topic (rows
 * of realtime.messages, which hosted Supabase reads from its WAL and the local Realtime service gets
 * by NOTIFY), for which changes; that every visitor's real supabase-js channel receives them; and
 * that no visitor can broadcast on it.
 * Readers act through the API their browser uses; SQL only turns the clock back and runs the minute job.
 */
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { ageDevice, giveDevice, resetPresence, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, sql, startTestStack } from '../../support/test-stack.ts';
import { cardOf, goOffline, heartbeat, sessionIdOf, setStatus, signUpReader, type Card, type Reader } from './presence-clients.ts';

interface Push {
  reader_id: string;
  status: Card['status'];
  message: string | null;
  last_seen_at: string | null;
}

let stack: RunningStack;
let db: PresenceQuery;
let visitor: SupabaseClient;

beforeAll(async () => {
  // No scheduler: the minute job runs when a test says time has passed, never by itself.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  visitor = clientFor(stack);
  await resetPresence(db);
});

afterAll(async () => {
  await visitor?.removeAllChannels();
  await stack?.stop();
});

/** realtime.send adds the message's id to its payload, as Supabase's does; the rest is ours. */
function withoutId({ id, ...push }: Push & { id?: string }): Push {
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return push;
}

/** What the database broadcast about this reader, oldest first, with the row's routing fields. */
async function pushesOf(readerId: string) {
  const rows = await sql<{ topic: string; event: string; private: boolean; extension: string; payload: Push }>(
    stack,
    `select topic, event, private, extension, payload from realtime.messages
     where topic = 'reader-presence' and payload ->> 'reader_id' = $1 order by inserted_at, id`,
    [readerId],
  );
  return rows.map((row) => ({ ...row, payload: withoutId(row.payload) }));
}

const payloadsOf = async (readerId: string) => (await pushesOf(readerId)).map((push) => push.payload);

/** The card as a visitor reads it now, in the shape of a push. */
async function cardAsPush(readerId: string): Promise<Push> {
  const card = await cardOf(visitor, readerId);
  return { reader_id: card.id, status: card.status, message: card.status_message, last_seen_at: card.last_seen_at };
}

async function onlineReader(label: string): Promise<Reader> {
  const reader = await signUpReader(stack, label);
  await heartbeat(reader.client);
  return reader;
}

describe('what the database broadcasts', () => {
  test('a transition is one broadcast on the private channel, event status, saying exactly what the card says', async () => {
    const reader = await onlineReader('push-first');
    const pushes = await pushesOf(reader.userId);
    expect(pushes).toEqual([{ topic: 'reader-presence', event: 'status', private: true, extension: 'broadcast', payload: await cardAsPush(reader.userId) }]);
    expect(pushes[0]!.payload).toMatchObject({ status: 'available', message: null });
    expect(Object.keys(pushes[0]!.payload).sort()).toEqual(['last_seen_at', 'message', 'reader_id', 'status']);
    const [row] = await sql<{ id: string; payload: { id: string } }>(stack, "select id, payload from realtime.messages where payload ->> 'reader_id' = $1", [
      reader.userId,
    ]);
    expect(row!.payload.id).toBe(row!.id);
  });

  test('heartbeats that change nothing broadcast nothing, absorbed or written', async () => {
    const reader = await onlineReader('push-heartbeats');
    const session = await sessionIdOf(reader.client);
    for (let i = 0; i < 3; i += 1) await heartbeat(reader.client);
    await ageDevice(db, session, { heardAgo: '1 minute' });
    await heartbeat(reader.client);
    expect(await payloadsOf(reader.userId)).toHaveLength(1);
  });

  test('busy, a new message under the same choice, away, available again and sign-out: one broadcast each', async () => {
    const reader = await onlineReader('push-choices');
    await setStatus(reader.client, 'busy', 'In a reading');
    expect((await payloadsOf(reader.userId)).at(-1)).toEqual(await cardAsPush(reader.userId));
    await setStatus(reader.client, 'busy', 'Back at nine');
    await setStatus(reader.client, 'busy', 'Back at nine');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'available');
    await goOffline(reader.client);

    const payloads = await payloadsOf(reader.userId);
    expect(payloads.map(({ status, message }) => [status, message])).toEqual([
      ['available', null],
      ['busy', 'In a reading'],
      ['busy', 'Back at nine'],
      ['away', null],
      ['available', null],
      ['offline', null],
    ]);
    expect(payloads.at(-1)).toEqual(await cardAsPush(reader.userId));
    expect(payloads.at(-1)!.last_seen_at).not.toBeNull();
  });

  test('appearing offline broadcasts offline, without the message; a message while hidden broadcasts nothing', async () => {
    const reader = await onlineReader('push-hidden');
    await setStatus(reader.client, 'offline', 'Do not disturb');
    await setStatus(reader.client, 'offline', 'Still hidden');
    const payloads = await payloadsOf(reader.userId);
    expect(payloads.map(({ status, message }) => [status, message])).toEqual([
      ['available', null],
      ['offline', null],
    ]);
  });

  test('the minute job broadcasts each reader it records, once', async () => {
    const readers = await Promise.all(['push-job-1', 'push-job-2', 'push-job-3'].map((label) => onlineReader(label)));
    for (const reader of readers) await ageDevice(db, await sessionIdOf(reader.client), { heardAgo: '6 minutes' });
    const [{ changed }] = (await sql<{ changed: number }>(stack, 'select public.mark_inactive_readers_offline() as changed')) as [{ changed: number }];
    expect(changed).toBeGreaterThanOrEqual(3);
    for (const reader of readers) {
      const payloads = await payloadsOf(reader.userId);
      expect(payloads.map((payload) => payload.status)).toEqual(['available', 'offline']);
      expect(payloads.at(-1)).toEqual(await cardAsPush(reader.userId));
    }
  });

  test('the database functions behind the broadcast are not callable through the API', async () => {
    const stranger = clientFor(stack);
    const forged = await stranger.schema('private' as never).rpc('push_reader_statuses' as never, { readers: [] } as never);
    expect(forged.error).not.toBeNull();
    const [{ count }] = (await sql<{ count: number }>(stack, "select count(*)::int as count from realtime.messages where topic = 'reader-presence'")) as [
      { count: number },
    ];
    expect(count).toBeGreaterThan(0);
  });
});

describe('a visitor subscribed with supabase-js', () => {
  let channel: RealtimeChannel;
  const received: Push[] = [];

  beforeAll(async () => {
    channel = listen(visitor, (message) => received.push(withoutId(message)));
    await subscribed(channel);
  });

  function listen(client: SupabaseClient, onPush: (push: Push) => void, { ack = false } = {}): RealtimeChannel {
    return client
      .channel('reader-presence', { config: { private: true, broadcast: { ack } } })
      .on('broadcast', { event: 'status' }, (message) => onPush(message.payload as Push));
  }

  function subscribed(channel: RealtimeChannel): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the channel did not subscribe within 10 s')), 10_000);
      channel.subscribe((status, error) => {
        if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
          clearTimeout(timer);
          resolve();
        } else if (status !== REALTIME_SUBSCRIBE_STATES.CLOSED) {
          clearTimeout(timer);
          reject(error ?? new Error(status));
        }
      });
    });
  }

  async function nextPushOf(readerId: string, status: Card['status']): Promise<Push> {
    for (let waited = 0; waited < 5_000; waited += 50) {
      const push = received.find((message) => message.reader_id === readerId && message.status === status);
      if (push) return push;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`no ${status} push for ${readerId} within 5 s; received ${JSON.stringify(received)}`);
  }

  test('receives a reader coming online, going busy and leaving, as the cards say, and nothing for a heartbeat', async () => {
    const reader = await onlineReader('push-live');
    expect(await nextPushOf(reader.userId, 'available')).toEqual((await payloadsOf(reader.userId))[0]);
    await setStatus(reader.client, 'busy', 'In a reading');
    expect(await nextPushOf(reader.userId, 'busy')).toMatchObject({ message: 'In a reading' });
    await heartbeat(reader.client);
    await goOffline(reader.client);
    expect(await nextPushOf(reader.userId, 'offline')).toEqual(await cardAsPush(reader.userId));
    expect(received.filter((message) => message.reader_id === reader.userId).map((message) => message.status)).toEqual(['available', 'busy', 'offline']);
  });

  test('a reader whose device the fixtures give (as after a crash and restart) is pushed when recorded', async () => {
    const reader = await signUpReader(stack, 'push-fixture');
    await giveDevice(db, reader.userId, { heardAgo: '10 seconds' });
    await sql(stack, 'select public.mark_inactive_readers_offline()');
    expect(await nextPushOf(reader.userId, 'available')).toEqual(await cardAsPush(reader.userId));
  });

  test('a visitor cannot broadcast a forged status to the others: the channel is readable by all, writable by the database only', async () => {
    const forger = clientFor(stack);
    const forgersChannel = listen(forger, () => {}, { ack: true });
    await subscribed(forgersChannel);
    const forged: Push = { reader_id: '00000000-0000-4000-8000-00000000f04d', status: 'available', message: 'forged', last_seen_at: null };
    const answer = await forgersChannel.send({ type: 'broadcast', event: 'status', payload: forged }, { timeout: 1_500 });
    expect(answer).not.toBe('ok');
    // A real push after the forged one arrives; the forged one never does.
    const reader = await onlineReader('push-after-forgery');
    await nextPushOf(reader.userId, 'available');
    expect(received.some((message) => message.reader_id === forged.reader_id)).toBe(false);
    await forger.removeAllChannels();
  });
});
