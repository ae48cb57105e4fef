import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import ws from 'ws';
import { createPresenceApi, isSessionEnded } from '../../../src/features/presence/api/report-presence.ts';
import { createSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
import { ServerClock } from '../../../src/lib/server-clock.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { DEMO_PASSWORD, sql, startTestStack } from '../../support/test-stack.ts';

const LUNA = '11111111-1111-4111-8111-111111111111';

let stack: RunningStack;

globalThis.WebSocket ??= ws as unknown as typeof WebSocket;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await sql(stack, 'update public.users set is_online = false, last_seen_at = null where id = $1', [LUNA]);
});

/** A presence API as the browser builds it, over Node's fetch; `restCalls` lists what went to PostgREST. */
async function presenceApiAs(email?: string) {
  const restCalls: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/rest/v1/')) restCalls.push(url);
    return fetch(input, init);
  };
  const client = createSupabaseClient(stack.apiUrl, stack.anonKey, new ServerClock(), { persistSession: false, fetch: countingFetch });
  if (email) {
    const { error } = await client.auth.signInWithPassword({ email, password: DEMO_PASSWORD });
    if (error) throw error;
  }
  // The trailing slash is how a configured URL often arrives; the API must not double it.
  const api = createPresenceApi(client, { supabaseUrl: `${stack.apiUrl}/`, anonKey: stack.anonKey, fetch: countingFetch });
  return { api, restCalls };
}

async function lunaPresence(): Promise<{ is_online: boolean; last_seen_at: Date | null }> {
  const [row] = await sql<{ is_online: boolean; last_seen_at: Date | null }>(
    stack,
    'select is_online, last_seen_at from public.users where id = $1',
    [LUNA],
  );
  return row!;
}

async function lunaOnline(): Promise<boolean> {
  return (await lunaPresence()).is_online;
}

test('a reader\'s heartbeat marks them online at database time, and going offline marks them offline', async () => {
  const { api } = await presenceApiAs('luna@demo.test');
  const report = await api.heartbeat();
  expect(report.isOnline).toBe(true);
  expect(Math.abs(Date.parse(report.serverTime) - Date.now())).toBeLessThan(5_000);
  const stored = await lunaPresence();
  expect(stored.is_online).toBe(true);
  // The stamp is the database's own, and the report hands it back.
  expect(Date.parse(report.lastSeenAt!)).toBe(stored.last_seen_at!.getTime());
  expect(Date.parse(report.serverTime)).toBeGreaterThanOrEqual(stored.last_seen_at!.getTime());

  const offline = await api.goOffline();
  expect(offline?.isOnline).toBe(false);
  expect(await lunaOnline()).toBe(false);
});

test('the keepalive request of a closing page marks the reader offline', async () => {
  const { api, restCalls } = await presenceApiAs('luna@demo.test');
  await api.heartbeat();
  expect(await lunaOnline()).toBe(true);

  api.goOfflineOnUnload();
  expect(restCalls.at(-1)).toBe(`${stack.apiUrl}/rest/v1/rpc/reader_go_offline`);

  let online = true;
  for (let attempt = 0; attempt < 50 && online; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    online = await lunaOnline();
  }
  expect(online).toBe(false);
});

test('a client (not a reader) is refused, as an ended session that retrying cannot fix', async () => {
  const { api } = await presenceApiAs('client@demo.test');
  const error = await api.heartbeat().catch((failure: unknown) => failure);
  expect(error).toMatchObject({ name: 'PresenceRequestError', status: 403, code: '42501' });
  expect(isSessionEnded(error)).toBe(true);
});

test('without a session, going offline sends nothing', async () => {
  const { api, restCalls } = await presenceApiAs();
  await expect(api.goOffline()).resolves.toBeNull();
  api.goOfflineOnUnload();
  expect(restCalls).toEqual([]);
});

test('without a session, a heartbeat is refused as an ended session', async () => {
  const { api } = await presenceApiAs();
  const error = await api.heartbeat().catch((failure: unknown) => failure);
  expect(error).toMatchObject({ name: 'PresenceRequestError', status: 401 });
  expect(isSessionEnded(error)).toBe(true);
});
