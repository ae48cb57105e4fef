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
  await sql(stack, 'update public.users set is_online = false where id = $1', [LUNA]);
});

async function presenceApiAs(email?: string) {
  const client = createSupabaseClient(stack.apiUrl, stack.anonKey, new ServerClock(), { persistSession: false });
  if (email) {
    const { error } = await client.auth.signInWithPassword({ email, password: DEMO_PASSWORD });
    if (error) throw error;
  }
  return createPresenceApi(client, { supabaseUrl: stack.apiUrl, anonKey: stack.anonKey });
}

async function lunaOnline(): Promise<boolean> {
  const [row] = await sql<{ is_online: boolean }>(stack, 'select is_online from public.users where id = $1', [LUNA]);
  return row!.is_online;
}

test('a reader\'s heartbeat marks them online at database time, and going offline marks them offline', async () => {
  const api = await presenceApiAs('luna@demo.test');
  const report = await api.heartbeat();
  expect(report.isOnline).toBe(true);
  expect(Math.abs(Date.parse(report.serverTime) - Date.now())).toBeLessThan(5_000);
  expect(await lunaOnline()).toBe(true);

  expect((await api.goOffline())?.isOnline).toBe(false);
  expect(await lunaOnline()).toBe(false);
});

test('the keepalive request of a closing page marks the reader offline', async () => {
  const api = await presenceApiAs('luna@demo.test');
  await api.heartbeat();
  api.goOfflineOnUnload();

  let online = true;
  for (let attempt = 0; attempt < 50 && online; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    online = await lunaOnline();
  }
  expect(online).toBe(false);
});

test('a client (not a reader) is refused, as an ended session that retrying cannot fix', async () => {
  const api = await presenceApiAs('client@demo.test');
  const error = await api.heartbeat().catch((failure: unknown) => failure);
  expect(error).toMatchObject({ status: 403, code: '42501' });
  expect(isSessionEnded(error)).toBe(true);
});

test('without a session, going offline sends nothing', async () => {
  const api = await presenceApiAs();
  await expect(api.goOffline()).resolves.toBeNull();
});
