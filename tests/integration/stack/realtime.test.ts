/**
 * The local Realtime service through the gateway, driven by the real supabase-js client (and a raw
 * socket where the client cannot misbehave on purpose): Broadcast from clients and from the database,
 * private channels judged by RLS on realtime.messages, tokens, leaving, bad frames and a restart.
 */
import http from 'node:http';
import { createClient, type RealtimeChannel, type SupabaseClient } from '@supabase/supabase-js';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { signJwt } from '../../../local-stack/jwt.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';
import { collector } from '../../support/collector.ts';

const IDLE_TIMEOUT_MS = 2_000;
const MAX_PAYLOAD_BYTES = 4_096;
const MAX_FRAME_BYTES = 64 * 1024;

let stack: RunningStack;
const clients: SupabaseClient[] = [];
const sockets: WebSocket[] = [];

interface User {
  id: string;
  token: string;
}
let alice: User;
let bob: User;

/** supabase-js as the app makes it, with heartbeats often enough for the test's short idle timeout. */
function realtimeClient(key = stack.anonKey): SupabaseClient {
  const client = createClient(stack.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: WebSocket as never, heartbeatIntervalMs: 500 },
  });
  clients.push(client);
  return client;
}

async function signedUpUser(label: string): Promise<User> {
  const { data, error } = await clientFor(stack).auth.signUp({
    email: uniqueEmail(label),
    password: 'realtime-password',
  });
  if (error || !data.session) throw error ?? new Error('no session');
  return { id: data.user!.id, token: data.session.access_token };
}

function userToken(user: User, expiresInSeconds: number): string {
  const now = Math.floor(Date.now() / 1000);
  return signJwt({ sub: user.id, role: 'authenticated', aud: 'authenticated', iat: now, exp: now + expiresInSeconds }, stack.jwtSecret);
}

async function userClient(token: string): Promise<SupabaseClient> {
  const client = realtimeClient();
  await client.realtime.setAuth(token);
  return client;
}

type SubscribeResult = { status: string; error?: Error };

function subscribe(channel: RealtimeChannel): Promise<SubscribeResult> {
  return new Promise((resolve) => {
    channel.subscribe((status, error) => resolve({ status, error }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function websocketUrl(query = `apikey=${stack.anonKey}&vsn=2.0.0`): string {
  return `${stack.apiUrl.replace(/^http/, 'ws')}/realtime/v1/websocket?${query}`;
}

/** A raw socket and every frame it receives (text frames parsed). */
async function rawSocket(): Promise<{ ws: WebSocket; frames: ReturnType<typeof collector<unknown>> }> {
  const ws = new WebSocket(websocketUrl());
  sockets.push(ws);
  const frames = collector<unknown>();
  ws.on('message', (data, isBinary) => frames.push(isBinary ? data : JSON.parse((data as Buffer).toString('utf8'))));
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return { ws, frames };
}

function isReply(frame: unknown, ref: string): frame is [unknown, string, string, 'phx_reply', { status: string; response: Record<string, unknown> }] {
  return Array.isArray(frame) && frame[1] === ref && frame[3] === 'phx_reply';
}

beforeAll(async () => {
  stack = await startTestStack({
    seed: false,
    presenceJobs: false,
    realtimeLimits: { idleTimeoutMs: IDLE_TIMEOUT_MS, maxPayloadBytes: MAX_PAYLOAD_BYTES, maxFrameBytes: MAX_FRAME_BYTES },
  });
  await sql(
    stack,
    `create policy "Users read their own room" on realtime.messages for select to authenticated
       using (realtime.topic() = 'room:' || (select auth.uid())::text);
     create policy "Users write to their own room" on realtime.messages for insert to authenticated
       with check (realtime.topic() = 'room:' || (select auth.uid())::text);`,
  );
  alice = await signedUpUser('alice');
  bob = await signedUpUser('bob');
});

afterEach(async () => {
  for (const client of clients.splice(0)) await client.removeAllChannels();
  for (const ws of sockets.splice(0)) ws.terminate();
});

afterAll(async () => {
  await stack?.stop();
});

describe('joining', () => {
  test('anyone with a valid key joins a public channel, the opaque publishable key too', async () => {
    for (const key of [stack.anonKey, stack.publishableKey]) {
      expect(await subscribe(realtimeClient(key).channel('lobby'))).toEqual({ status: 'SUBSCRIBED', error: undefined });
    }
  });

  test('a private channel is joined only by a role its RLS policy lets read the topic', async () => {
    const topic = `room:${alice.id}`;
    const own = await subscribe((await userClient(alice.token)).channel(topic, { config: { private: true } }));
    expect(own.status).toBe('SUBSCRIBED');

    const reason = `Unauthorized: You do not have permissions to read from this Channel topic: ${topic}`;
    const other = await subscribe((await userClient(bob.token)).channel(topic, { config: { private: true } }));
    expect(other.status).toBe('CHANNEL_ERROR');
    expect(other.error?.message).toBe(reason);
    const anonymous = await subscribe(realtimeClient().channel(topic, { config: { private: true } }));
    expect(anonymous.error?.message).toBe(reason);
  });

  test('an expired or badly signed token is refused with Realtime reasons', async () => {
    const expired = await subscribe((await userClient(userToken(alice, -5))).channel('lobby'));
    expect(expired.status).toBe('CHANNEL_ERROR');
    expect(expired.error?.message).toMatch(/^InvalidJWTToken: Token has expired \d+ seconds ago$/);

    const forged = signJwt({ sub: alice.id, role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 60 }, 'another-secret-that-is-at-least-32-characters');
    const badlySigned = await subscribe((await userClient(forged)).channel('lobby'));
    expect(badlySigned.error?.message).toBe('JwtSignatureError: Failed to validate JWT signature');
  });

  test('postgres_changes bindings are refused with a clear reason', async () => {
    const channel = realtimeClient()
      .channel('changes')
      .on('postgres_changes', { event: '*', schema: 'public' }, () => {});
    const result = await subscribe(channel);
    expect(result.status).toBe('CHANNEL_ERROR');
    expect(result.error?.message).toMatch(/^PostgresChangesUnsupported: /);
  });
});

describe('broadcast', () => {
  test('a client broadcast reaches the other subscribers, and the sender with self; ack confirms it', async () => {
    const received = { sender: collector<unknown>(), other: collector<unknown>() };
    const sender = realtimeClient()
      .channel('chat', { config: { broadcast: { self: true, ack: true } } })
      .on('broadcast', { event: 'hello' }, (message) => received.sender.push(message));
    const other = realtimeClient()
      .channel('chat')
      .on('broadcast', { event: 'hello' }, (message) => received.other.push(message));
    expect((await subscribe(sender)).status).toBe('SUBSCRIBED');
    expect((await subscribe(other)).status).toBe('SUBSCRIBED');

    expect(await sender.send({ type: 'broadcast', event: 'hello', payload: { text: 'hi' } })).toBe('ok');
    const expected = { type: 'broadcast', event: 'hello', payload: { text: 'hi' } };
    expect(await received.other.until((items) => items.length === 1)).toEqual([expected]);
    expect(await received.sender.until((items) => items.length === 1)).toEqual([expected]);
  });

  test('a database broadcast reaches subscribers of its topic and privacy only, with its id', async () => {
    const topic = `room:${alice.id}`;
    const privateMessages = collector<Record<string, unknown>>();
    const publicMessages = collector<Record<string, unknown>>();
    const privateChannel = (await userClient(alice.token))
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: '*' }, (message) => privateMessages.push(message));
    const publicChannel = realtimeClient()
      .channel(topic)
      .on('broadcast', { event: '*' }, (message) => publicMessages.push(message));
    expect((await subscribe(privateChannel)).status).toBe('SUBSCRIBED');
    expect((await subscribe(publicChannel)).status).toBe('SUBSCRIBED');

    await sql(stack, `select realtime.send('{"n": 1}', 'private-event', $1, true)`, [topic]);
    await sql(stack, `select realtime.send('{"n": 2}', 'public-event', $1, false)`, [topic]);

    const [privateMessage] = await privateMessages.until((items) => items.length >= 1);
    const [publicMessage] = await publicMessages.until((items) => items.length >= 1);
    await sleep(300);
    expect(privateMessages.items).toHaveLength(1);
    expect(publicMessages.items).toHaveLength(1);
    expect(privateMessage).toMatchObject({ type: 'broadcast', event: 'private-event', payload: { n: 1 } });
    expect(publicMessage).toMatchObject({ type: 'broadcast', event: 'public-event', payload: { n: 2 } });
    // realtime.send adds the message id to the payload, and Realtime sends it as meta.id.
    const meta = privateMessage!.meta as { id: string };
    expect((privateMessage!.payload as { id: string }).id).toBe(meta.id);
    const [row] = await sql<{ private: boolean }>(stack, 'select private from realtime.messages where id = $1', [meta.id]);
    expect(row).toEqual({ private: true });
  });

  test('a database broadcast too large for NOTIFY is read by id and delivered whole', async () => {
    const messages = collector<Record<string, unknown>>();
    const channel = realtimeClient()
      .channel('large')
      .on('broadcast', { event: 'big' }, (message) => messages.push(message));
    expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
    await sql(stack, `select realtime.send(jsonb_build_object('text', repeat('x', 20000)), 'big', 'large', false)`);
    const [message] = await messages.until((items) => items.length === 1);
    expect((message!.payload as { text: string }).text).toHaveLength(20_000);
  });

  test('a private broadcast needs an INSERT policy: without one it is not passed on', async () => {
    const topic = `room:${alice.id}`;
    const received = collector<unknown>();
    const listener = (await userClient(alice.token))
      .channel(topic, { config: { private: true } })
      .on('broadcast', { event: '*' }, (message) => received.push(message));
    const sender = (await userClient(alice.token)).channel(topic, { config: { private: true, broadcast: { ack: true } } });
    expect((await subscribe(listener)).status).toBe('SUBSCRIBED');
    expect((await subscribe(sender)).status).toBe('SUBSCRIBED');
    expect(await sender.send({ type: 'broadcast', event: 'allowed', payload: {} })).toBe('ok');
    await received.until((items) => items.length === 1);

    await sql(stack, 'drop policy "Users write to their own room" on realtime.messages');
    try {
      const refused = (await userClient(alice.token)).channel(topic, { config: { private: true, broadcast: { ack: true } } });
      expect((await subscribe(refused)).status).toBe('SUBSCRIBED');
      // As Realtime: no reply at all, so an acknowledged send times out.
      expect(await refused.send({ type: 'broadcast', event: 'refused', payload: {} }, { timeout: 1_000 })).toBe('timed out');
      await sleep(200);
      expect(received.items).toHaveLength(1);
    } finally {
      await sql(
        stack,
        `create policy "Users write to their own room" on realtime.messages for insert to authenticated
           with check (realtime.topic() = 'room:' || (select auth.uid())::text)`,
      );
    }
  });
});

describe('tokens and leaving', () => {
  test('setAuth with a fresh token keeps the channel; an expired one closes it with a system error', async () => {
    const client = await userClient(userToken(alice, 600));
    const system = collector<Record<string, unknown>>();
    const statuses = collector<string>();
    const channel = client
      .channel(`room:${alice.id}`, { config: { private: true } })
      .on('system', {}, (message) => system.push(message as Record<string, unknown>));
    channel.subscribe((status) => statuses.push(status));
    await statuses.until((items) => items.includes('SUBSCRIBED'));

    await client.realtime.setAuth(userToken(alice, 900));
    await sleep(300);
    expect(system.items).toEqual([]);
    expect(channel.state).toBe('joined');

    await client.realtime.setAuth(userToken(alice, -10));
    const [message] = await system.until((items) => items.length === 1);
    expect(message).toEqual({
      extension: 'system',
      status: 'error',
      message: expect.stringMatching(/^Token has expired \d+ seconds ago$/) as unknown,
      channel: `room:${alice.id}`,
    });
    await statuses.until((items) => items.includes('CLOSED'));
  });

  test('a token that expires while joined closes the channel', async () => {
    const client = await userClient(userToken(alice, 2));
    const system = collector<Record<string, unknown>>();
    const statuses = collector<string>();
    client
      .channel('short-lived')
      .on('system', {}, (message) => system.push(message as Record<string, unknown>))
      .subscribe((status) => statuses.push(status));
    await statuses.until((items) => items.includes('SUBSCRIBED'));
    const [message] = await system.until((items) => items.length === 1, 5_000);
    expect(message).toMatchObject({ extension: 'system', status: 'error', message: expect.stringMatching(/^Token has expired/) as unknown });
    await statuses.until((items) => items.includes('CLOSED'));
  });

  test('removeChannel leaves: the server says ok and sends the channel nothing more', async () => {
    const client = realtimeClient();
    const received = collector<unknown>();
    const channel = client.channel('leaving').on('broadcast', { event: '*' }, (message) => received.push(message));
    expect((await subscribe(channel)).status).toBe('SUBSCRIBED');
    expect(await client.removeChannel(channel)).toBe('ok');
    await sql(stack, `select realtime.send('{}', 'after', 'leaving', false)`);
    await sleep(300);
    expect(received.items).toEqual([]);
  });
});

describe('the socket', () => {
  test('a heartbeat is answered', async () => {
    const { ws, frames } = await rawSocket();
    ws.send(JSON.stringify([null, '1', 'phoenix', 'heartbeat', {}]));
    expect(await frames.until((items) => items.some((frame) => isReply(frame, '1')))).toContainEqual([
      null,
      '1',
      'phoenix',
      'phx_reply',
      { status: 'ok', response: {} },
    ]);
  });

  test('a socket that sends nothing is closed after the idle timeout', async () => {
    const { ws } = await rawSocket();
    const started = Date.now();
    const code = await new Promise<number>((resolve) => ws.once('close', resolve));
    expect(code).toBe(1000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_TIMEOUT_MS - 100);
    expect(Date.now() - started).toBeLessThan(IDLE_TIMEOUT_MS + 2_000);
  });

  test('bad frames are dropped or refused and the same socket keeps working', async () => {
    const { ws, frames } = await rawSocket();
    ws.send('not json at all');
    ws.send(JSON.stringify({ topic: 'phoenix', event: 'heartbeat' }));
    ws.send(JSON.stringify([1, 2]));
    ws.send(JSON.stringify([null, null, 42, 'x', {}]));
    ws.send(Buffer.from([9, 9, 9, 9]));
    ws.send(Buffer.from([3, 200, 200, 200, 200, 200, 1]));
    ws.send(JSON.stringify(['1', '2', 'realtime:never-joined', 'broadcast', {}]));
    ws.send(JSON.stringify(['3', '3', 'realtime:big', 'phx_join', { config: { broadcast: { ack: true } } }]));
    ws.send(JSON.stringify(['3', '4', 'realtime:big', 'broadcast', { type: 'broadcast', event: 'e', payload: { text: 'x'.repeat(MAX_PAYLOAD_BYTES) } }]));
    ws.send(JSON.stringify([null, '5', 'phoenix', 'heartbeat', {}]));
    const received = await frames.until((items) => items.some((frame) => isReply(frame, '5')));
    expect(received.find((frame) => isReply(frame, '2'))).toEqual([
      '1',
      '2',
      'realtime:never-joined',
      'phx_reply',
      { status: 'error', response: { reason: 'unmatched topic' } },
    ]);
    expect(received.find((frame) => isReply(frame, '3'))).toEqual([
      '3',
      '3',
      'realtime:big',
      'phx_reply',
      { status: 'ok', response: { postgres_changes: [] } },
    ]);
    expect(received.find((frame) => isReply(frame, '4'))).toEqual([
      '3',
      '4',
      'realtime:big',
      'phx_reply',
      { status: 'error', response: { reason: 'payload_size_exceeded' } },
    ]);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  test('a frame over the frame limit closes the socket with 1009, as Realtime does', async () => {
    const { ws } = await rawSocket();
    const closed = new Promise<number>((resolve) => ws.once('close', resolve));
    ws.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closed).toBe(1009);
  });

  test('a missing or unknown apikey is refused with 401 JSON before the upgrade', async () => {
    const upgrade = (query: string) =>
      new Promise<{ status: number; body: unknown }>((resolve, reject) => {
        const request = http.get(`${stack.apiUrl}/realtime/v1/websocket?${query}`, {
          headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' },
        });
        request.on('upgrade', () => reject(new Error('upgraded')));
        request.on('response', (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: JSON.parse(text) }));
        });
        request.on('error', reject);
      });
    expect(await upgrade('vsn=2.0.0')).toEqual({ status: 401, body: expect.objectContaining({ message: 'No API key found in request' }) as unknown });
    expect(await upgrade('apikey=not-a-key&vsn=2.0.0')).toEqual({ status: 401, body: expect.objectContaining({ message: 'Invalid API key' }) as unknown });
  });

  test('after a restart of the service, supabase-js reconnects and rejoins by itself', async () => {
    const received = collector<unknown>();
    const channel = realtimeClient()
      .channel('restart')
      .on('broadcast', { event: '*' }, (message) => received.push(message));
    expect((await subscribe(channel)).status).toBe('SUBSCRIBED');

    await stack.realtime.stop();
    const refused = new WebSocket(websocketUrl());
    refused.on('error', () => {});
    const status = await new Promise<number | undefined>((resolve) =>
      refused.once('unexpected-response', (_request, response) => resolve(response.statusCode)).once('open', () => resolve(undefined)),
    );
    refused.terminate();
    expect(status).toBe(502);
    await stack.realtime.start();

    const deadline = Date.now() + 20_000;
    while (received.items.length === 0 && Date.now() < deadline) {
      await sql(stack, `select realtime.send('{}', 'ping', 'restart', false)`);
      await sleep(250);
    }
    expect(received.items.length).toBeGreaterThan(0);
  }, 30_000);
});
