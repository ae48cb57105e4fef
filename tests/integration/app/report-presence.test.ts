import { beforeEach, expect, test } from 'vitest';
import { createPresenceApi, isSessionEnded, type PresenceApi } from '../../../src/features/presence/api/report-presence.ts';
import { ApiError } from '../../../src/lib/api-error.ts';
import { appClientFor, stackForThisFile } from '../../support/app-stack.ts';
import { DEMO_IDS, DEMO_PASSWORD, sql } from '../../support/test-stack.ts';

const stack = stackForThisFile();

beforeEach(async () => {
  await sql(stack(), 'delete from private.reader_devices where reader_id = $1', [DEMO_IDS.luna]);
  await sql(stack(), 'delete from private.reader_presence where reader_id = $1', [DEMO_IDS.luna]);
  await sql(stack(), "update public.users set recorded_status = 'offline' where id = $1", [DEMO_IDS.luna]);
  // Each test makes transitions; the per-minute limit must not carry over from the one before.
  await sql(stack(), 'delete from public.presence_audit_log where user_id = $1', [DEMO_IDS.luna]);
});

/** A presence API as the browser builds it (one signed-in browser: one device); `restCalls` lists what went to PostgREST. */
async function presenceApiAs(email?: string): Promise<{ api: PresenceApi; restCalls: string[] }> {
  const restCalls: string[] = [];
  const countingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/rest/v1/')) restCalls.push(url);
    return fetch(input, init);
  };
  const client = appClientFor(stack(), countingFetch);
  if (email) {
    const { error } = await client.auth.signInWithPassword({ email, password: DEMO_PASSWORD });
    if (error) throw error;
  }
  // The trailing slash is how a configured URL often arrives; the API must not double it.
  const api = createPresenceApi(client, { supabaseUrl: `${stack().apiUrl}/`, anonKey: stack().anonKey, fetch: countingFetch });
  return { api, restCalls };
}

/** What a client sees of Luna. */
async function lunaAsSeen(): Promise<{ status: string; status_message: string | null }> {
  const { data, error } = await appClientFor(stack()).from('reader_cards').select('status, status_message').eq('id', DEMO_IDS.luna).single();
  if (error) throw error;
  return data;
}

test('a heartbeat makes the reader available at database time; going offline takes their only device offline', async () => {
  const { api } = await presenceApiAs('luna@demo.test');
  const own = await api.heartbeat(0);
  expect(own).toMatchObject({ status: 'available', chosenStatus: 'available', hidden: false, devices: 1 });
  expect(Math.abs(own.serverTime.at.getTime() - Date.now())).toBeLessThan(5_000);
  expect(await lunaAsSeen()).toEqual({ status: 'available', status_message: null });

  const offline = await api.goOffline();
  expect(offline).toMatchObject({ status: 'offline', devices: 0 });
  expect((await lunaAsSeen()).status).toBe('offline');
});

test('a heartbeat reports how long the browser has had no input; the database makes the reader away after ten minutes', async () => {
  const { api } = await presenceApiAs('luna@demo.test');
  expect((await api.heartbeat(11 * 60)).status).toBe('away');
  expect((await lunaAsSeen()).status).toBe('away');
  // Input again: the next heartbeat (even within 15 seconds) brings them back.
  expect((await api.heartbeat(0)).status).toBe('available');
});

test('the reader chooses busy with a message, appears offline, and comes back', async () => {
  const { api } = await presenceApiAs('luna@demo.test');
  await api.heartbeat(0);

  const busy = await api.setStatus({ status: 'busy', message: '  In a reading  ', expiresAt: null });
  expect(busy).toMatchObject({ status: 'busy', chosenStatus: 'busy', statusMessage: 'In a reading' });
  // Busy without an end time ends by itself after two hours.
  expect(Date.parse(busy.expiresAt!) - busy.serverTime.at.getTime()).toBeCloseTo(2 * 3_600_000, -3);
  expect(await lunaAsSeen()).toEqual({ status: 'busy', status_message: 'In a reading' });

  const hidden = await api.setStatus({ status: 'offline', message: '', expiresAt: null });
  expect(hidden).toMatchObject({ status: 'offline', hidden: true, devices: 1 });
  expect(await lunaAsSeen()).toEqual({ status: 'offline', status_message: null });
  // Heartbeats go on while hidden, and change nothing others see.
  expect((await api.heartbeat(0)).hidden).toBe(true);

  expect((await api.setStatus({ status: 'available', message: '', expiresAt: null })).status).toBe('available');
  expect((await lunaAsSeen()).status).toBe('available');
});

test('a message over the limit is refused by the database, with the constraint a form can point to', async () => {
  const { api } = await presenceApiAs('luna@demo.test');
  await api.heartbeat(0);
  const error = await api.setStatus({ status: 'busy', message: 'x'.repeat(81), expiresAt: null }).catch((failure: unknown) => failure);
  expect(error).toBeInstanceOf(ApiError);
  expect(error).toMatchObject({ status: 400, code: '23514' });
  expect((error as ApiError).serverMessage).toContain('reader_status_message_length');
  expect((await lunaAsSeen()).status).toBe('available');
});

test('two browsers of one reader: one leaving keeps them available, the last one takes them offline', async () => {
  const laptop = await presenceApiAs('luna@demo.test');
  const phone = await presenceApiAs('luna@demo.test');
  await laptop.api.heartbeat(0);
  expect((await phone.api.heartbeat(0)).devices).toBe(2);

  expect(await phone.api.goOffline()).toMatchObject({ status: 'available', devices: 1 });
  expect((await lunaAsSeen()).status).toBe('available');
  expect(await laptop.api.goOffline()).toMatchObject({ status: 'offline', devices: 0 });
  expect((await lunaAsSeen()).status).toBe('offline');
});

test('the keepalive request of a closing page takes the device offline', async () => {
  const { api, restCalls } = await presenceApiAs('luna@demo.test');
  await api.heartbeat(0);

  api.goOfflineOnUnload();
  expect(restCalls.at(-1)).toBe(`${stack().apiUrl}/rest/v1/rpc/reader_go_offline`);

  let status = 'available';
  for (let attempt = 0; attempt < 50 && status !== 'offline'; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await lunaAsSeen()).status;
  }
  expect(status).toBe('offline');
});

test('a client (not a reader) is refused, as an ended session that retrying cannot fix', async () => {
  const { api } = await presenceApiAs('client@demo.test');
  const error = await api.heartbeat(0).catch((failure: unknown) => failure);
  expect(error).toMatchObject({ name: 'ApiError', status: 403, code: '42501' });
  expect(isSessionEnded(error)).toBe(true);
});

test('without a session, going offline sends nothing and a heartbeat is refused as an ended session', async () => {
  const { api, restCalls } = await presenceApiAs();
  await expect(api.goOffline()).resolves.toBeNull();
  api.goOfflineOnUnload();
  expect(restCalls).toEqual([]);
  const error = await api.heartbeat(0).catch((failure: unknown) => failure);
  expect(error).toMatchObject({ name: 'ApiError', status: 401 });
  expect(isSessionEnded(error)).toBe(true);
});
