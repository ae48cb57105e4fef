/**
 * Video readings over Realtime, with real supabase-js clients against the stack's Realtime service:
 * each participant hears of every change of a reading on their own private topic readings:<user id>
 * (event 'reading', a reading_view) and nobody else may join it or send on it; the call's signalling
 * goes between the two participants on the private topic reading:<reading id>, which only they may
 * join and send on, and only while the reading is live. Everyone acts through the API they have.
 */
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, sql, startTestStack } from '../../support/test-stack.ts';
import { heartbeat, signUpReader, type Reader, signUpClient as signUpClientOf } from './presence-clients.ts';
import { collector } from '../../support/collector.ts';

interface ReadingView {
  id: string;
  state: string;
  client_id: string;
  reader_id: string;
  client_name: string;
  reader_name: string;
  price_per_minute: number;
  ended_by: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
  amount: number | null;
}

let stack: RunningStack;
const clients: SupabaseClient[] = [];

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.removeAllChannels();
});

afterAll(async () => {
  await stack?.stop();
});

/** A supabase-js client whose channels are removed after the test. */
function tracked(client: SupabaseClient): SupabaseClient {
  clients.push(client);
  return client;
}

const signUpClient = (label: string) => signUpClientOf(stack, label, tracked(clientFor(stack)));

async function availableReader(label: string): Promise<Reader> {
  const reader = await signUpReader(stack, label);
  tracked(reader.client);
  expect((await heartbeat(reader.client)).status).toBe('available');
  return reader;
}

async function call(client: SupabaseClient, fn: string, args: Record<string, unknown>): Promise<ReadingView> {
  const { data, error } = (await client.rpc(fn, args)) as { data: unknown; error: { code?: string; message: string } | null };
  if (error) throw new Error(`${fn} failed: ${error.code} ${error.message}`);
  return data as ReadingView;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** SUBSCRIBED, or the status the join ended in (CHANNEL_ERROR when refused) and why, within 10 s. */
function joined(channel: RealtimeChannel): Promise<{ status: string; reason?: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ status: 'no answer within 10 s' }), 10_000);
    channel.subscribe((status, error) => {
      if (status === REALTIME_SUBSCRIBE_STATES.CLOSED) return;
      clearTimeout(timer);
      resolve(error ? { status, reason: error.message } : { status });
    });
  });
}

/** A user's own readings topic, as the app listens to it. */
function listenToReadings(client: SupabaseClient, userId: string, onReading: (reading: ReadingView) => void): RealtimeChannel {
  return client
    .channel(`readings:${userId}`, { config: { private: true, broadcast: { ack: true } } })
    .on('broadcast', { event: 'reading' }, (message) => onReading(message.payload as ReadingView));
}

/** A reading's signalling channel, with the options the app's call uses. */
function signalling(client: SupabaseClient, readingId: string, onSignal: (message: { event: string; payload: unknown }) => void = () => {}): RealtimeChannel {
  return client
    .channel(`reading:${readingId}`, { config: { private: true, broadcast: { self: false, ack: true } } })
    .on('broadcast', { event: '*' }, (message) => onSignal({ event: message.event, payload: message.payload as unknown }));
}

/** How a join of a reading's signalling topic ends; the channel is left afterwards (supabase-js reuses one per topic). */
async function tryJoin(client: SupabaseClient, readingId: string): Promise<{ status: string; reason?: string }> {
  const channel = signalling(client, readingId);
  const outcome = await joined(channel);
  await client.removeChannel(channel);
  return outcome;
}

const refusedToRead = (topic: string) => ({
  status: REALTIME_SUBSCRIBE_STATES.CHANNEL_ERROR,
  reason: `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`,
});

describe("each participant's readings topic", () => {
  test('both hear the request ringing, the accept and the end, as the reading functions answer them', async () => {
    const client = await signUpClient('push-client');
    const reader = await availableReader('push-reader');
    const heard = { client: collector<ReadingView>(), reader: collector<ReadingView>() };
    expect(await joined(listenToReadings(client.client, client.userId, heard.client.push))).toEqual({ status: 'SUBSCRIBED' });
    expect(await joined(listenToReadings(reader.client, reader.userId, heard.reader.push))).toEqual({ status: 'SUBSCRIBED' });

    const asked = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: asked.id, accept: true });
    // Heartbeats that are written change no state: nothing is pushed for them.
    await sql(
      stack,
      "update public.readings set client_heard_at = now() - interval '6 seconds', reader_heard_at = now() - interval '6 seconds' where id = $1",
      [asked.id],
    );
    for (const side of [client.client, reader.client]) await call(side, 'reading_heartbeat', { reading_id: asked.id });
    const ended = await call(client.client, 'end_reading', { reading_id: asked.id });

    for (const side of [heard.client, heard.reader]) {
      const readings = await side.until((items) => items.length >= 3);
      await sleep(200);
      expect(side.items.map((reading) => [reading.id, reading.state])).toEqual([
        [asked.id, 'ringing'],
        [asked.id, 'live'],
        [asked.id, 'ended'],
      ]);
      expect(readings[0]).toMatchObject({
        client_id: client.userId,
        client_name: 'Client push-client',
        reader_id: reader.userId,
        reader_name: 'Reader push-reader',
        price_per_minute: 1.99,
      });
      const { server_time: _pushed, ...last } = readings[2]! as ReadingView & { server_time: string };
      const { server_time: _answered, ...answered } = ended as ReadingView & { server_time: string };
      expect(last).toEqual(answered);
    }
  });

  test('a declined and a cancelled request, and one the job expires, are pushed to both', async () => {
    const client = await signUpClient('push-outcomes');
    const reader = await availableReader('push-outcomes');
    const heard = { client: collector<ReadingView>(), reader: collector<ReadingView>() };
    expect((await joined(listenToReadings(client.client, client.userId, heard.client.push))).status).toBe('SUBSCRIBED');
    expect((await joined(listenToReadings(reader.client, reader.userId, heard.reader.push))).status).toBe('SUBSCRIBED');

    const declined = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: declined.id, accept: false });
    const cancelled = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(client.client, 'cancel_reading', { reading_id: cancelled.id });
    const rangOut = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await sql(stack, "update public.readings set requested_at = requested_at - interval '61 seconds' where id = $1", [rangOut.id]);
    await sql(stack, 'select private.end_overdue_readings()');

    const expected = [
      [declined.id, 'ringing'],
      [declined.id, 'declined'],
      [cancelled.id, 'ringing'],
      [cancelled.id, 'cancelled'],
      [rangOut.id, 'ringing'],
      [rangOut.id, 'expired'],
    ];
    for (const side of [heard.client, heard.reader]) {
      await side.until((items) => items.length >= expected.length);
      expect(side.items.map((reading) => [reading.id, reading.state])).toEqual(expected);
    }
  });

  test("nobody joins someone else's readings topic, anon included, and nobody sends on their own", async () => {
    const client = await signUpClient('push-private');
    const stranger = await signUpClient('push-stranger');
    const reader = await availableReader('push-private');
    const topic = `readings:${client.userId}`;
    const heard = collector<ReadingView>();
    const own = listenToReadings(client.client, client.userId, heard.push);
    expect((await joined(own)).status).toBe('SUBSCRIBED');

    const overheard = collector<ReadingView>();
    expect(await joined(listenToReadings(stranger.client, client.userId, overheard.push))).toEqual(refusedToRead(topic));
    expect(await joined(listenToReadings(reader.client, client.userId, overheard.push))).toEqual(refusedToRead(topic));
    expect(await joined(listenToReadings(tracked(clientFor(stack)), client.userId, overheard.push))).toEqual(refusedToRead(topic));

    // The database is the only writer: a forged 'reading' sent on the topic is dropped unanswered.
    const forged = await own.send({ type: 'broadcast', event: 'reading', payload: { id: crypto.randomUUID(), state: 'live' } }, { timeout: 1_500 });
    expect(forged).toBe('timed out');
    const asked = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await heard.until((items) => items.length >= 1);
    await sleep(200);
    expect(heard.items.map((reading) => reading.id)).toEqual([asked.id]);
    expect(overheard.items).toEqual([]);
  });
});

describe("a reading's signalling topic", () => {
  test('both participants join while it is live, and what one sends reaches the other (and not itself)', async () => {
    const client = await signUpClient('signal-client');
    const reader = await availableReader('signal-reader');
    const asked = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: asked.id, accept: true });

    const received = { client: collector<{ event: string; payload: unknown }>(), reader: collector<{ event: string; payload: unknown }>() };
    const clientSide = signalling(client.client, asked.id, received.client.push);
    const readerSide = signalling(reader.client, asked.id, received.reader.push);
    expect(await joined(clientSide)).toEqual({ status: 'SUBSCRIBED' });
    expect(await joined(readerSide)).toEqual({ status: 'SUBSCRIBED' });

    const offer = { sdp: 'v=0 offer', type: 'offer' };
    expect(await clientSide.send({ type: 'broadcast', event: 'offer', payload: offer })).toBe('ok');
    expect(await received.reader.until((items) => items.length === 1)).toEqual([{ event: 'offer', payload: offer }]);
    const reply = { sdp: 'v=0 answer', type: 'answer' };
    expect(await readerSide.send({ type: 'broadcast', event: 'answer', payload: reply })).toBe('ok');
    expect(await received.client.until((items) => items.length === 1)).toEqual([{ event: 'answer', payload: reply }]);
    await sleep(200);
    // self: false, so nobody hears their own.
    expect(received.client.items).toHaveLength(1);
    expect(received.reader.items).toHaveLength(1);
  });

  test('a third signed-in user and anon cannot join it, nor send on it', async () => {
    const client = await signUpClient('signal-owner');
    const stranger = await signUpClient('signal-stranger');
    const reader = await availableReader('signal-owner');
    const asked = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: asked.id, accept: true });
    const topic = `reading:${asked.id}`;

    const received = collector<{ event: string; payload: unknown }>();
    expect((await joined(signalling(reader.client, asked.id, received.push))).status).toBe('SUBSCRIBED');
    const intruder = signalling(stranger.client, asked.id);
    expect(await joined(intruder)).toEqual(refusedToRead(topic));
    expect(await joined(signalling(tracked(clientFor(stack)), asked.id))).toEqual(refusedToRead(topic));
    // A stranger's send on a channel it was refused never reaches the participants.
    expect(await intruder.send({ type: 'broadcast', event: 'offer', payload: { sdp: 'forged' } }, { timeout: 1_500 })).not.toBe('ok');
    await sleep(200);
    expect(received.items).toEqual([]);
  });

  test('joining while it rings, after it was declined and after it ended is refused', async () => {
    const client = await signUpClient('signal-when');
    const reader = await availableReader('signal-when');
    const ringing = await call(client.client, 'request_reading', { reader_id: reader.userId });
    for (const side of [client.client, reader.client]) {
      expect(await tryJoin(side, ringing.id), 'ringing').toEqual(refusedToRead(`reading:${ringing.id}`));
    }
    await call(reader.client, 'answer_reading', { reading_id: ringing.id, accept: false });
    for (const side of [client.client, reader.client]) {
      expect(await tryJoin(side, ringing.id), 'declined').toEqual(refusedToRead(`reading:${ringing.id}`));
    }

    const live = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: live.id, accept: true });
    for (const side of [client.client, reader.client]) expect(await tryJoin(side, live.id), 'live').toEqual({ status: 'SUBSCRIBED' });
    await call(reader.client, 'end_reading', { reading_id: live.id });
    for (const side of [client.client, reader.client]) {
      expect(await tryJoin(side, live.id), 'ended').toEqual(refusedToRead(`reading:${live.id}`));
    }
  });

  test('a topic that names no reading, or names it in another form, is refused', async () => {
    const client = await signUpClient('signal-names');
    const reader = await availableReader('signal-names');
    const asked = await call(client.client, 'request_reading', { reader_id: reader.userId });
    await call(reader.client, 'answer_reading', { reading_id: asked.id, accept: true });
    expect(await tryJoin(client.client, asked.id)).toEqual({ status: 'SUBSCRIBED' });
    for (const topic of [`reading:${asked.id.toUpperCase()}`, `reading:${asked.id} `, `reading:${crypto.randomUUID()}`, 'reading:x', `readings:${asked.id}`]) {
      const channel = client.client.channel(topic, { config: { private: true } });
      expect(await joined(channel), topic).toEqual(refusedToRead(topic));
      await client.client.removeChannel(channel);
    }
  });
});
