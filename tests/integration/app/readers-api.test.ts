import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import ws from 'ws';
import { getReadersOnlineStatus } from '../../../src/features/presence/api/get-readers-online-status.ts';
import { fetchAllReaders } from '../../../src/features/readers/api/fetch-all-readers.ts';
import { fetchReader } from '../../../src/features/readers/api/fetch-reader.ts';
import { createSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
import { ServerClock } from '../../../src/lib/server-clock.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

const LUNA = '11111111-1111-4111-8111-111111111111';
const ORION = '22222222-2222-4222-8222-222222222222';
const SELENE = '44444444-4444-4444-8444-444444444444';
const ROWAN = '55555555-5555-4555-8555-555555555555';
const CLIENT = '33333333-3333-4333-8333-333333333333';

let stack: RunningStack;

// The app's client is made for browsers; Node 20 has no WebSocket of its own for supabase-js.
globalThis.WebSocket ??= ws as unknown as typeof WebSocket;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  // Seeded readers on both sides of the five-minute rule, all still flagged online but Rowan.
  await sql(stack, 'update public.users set is_online = (id <> $1) where is_reader', [ROWAN]);
  for (const [id, age] of [[LUNA, '10 seconds'], [SELENE, '4 minutes 50 seconds'], [ORION, '5 minutes 10 seconds'], [ROWAN, '1 minute']]) {
    await sql(stack, 'update public.users set last_seen_at = now() - $2::interval where id = $1', [id, age]);
  }
});

// A browser on another origin cannot read the Date header (not CORS-safelisted): the clock must
// then be set from the database's server_time().
const fetchHidingDate: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  const headers = new Headers(response.headers);
  headers.delete('date');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
};

function clientWithClockOff(hours: number, options: { crossOrigin?: boolean } = {}) {
  const clock = new ServerClock(() => Date.now() + hours * 3_600_000);
  const fetchImpl = options.crossOrigin ? fetchHidingDate : undefined;
  return { clock, client: createSupabaseClient(stack.apiUrl, stack.anonKey, clock, { persistSession: false, fetch: fetchImpl }) };
}

test('fetchAllReaders: readers only, best rated first, with their level and online derived on server time', async () => {
  const { client, clock } = clientWithClockOff(0);
  const readers = await fetchAllReaders(client, clock);
  expect(readers.map((r) => [r.id, r.is_online])).toEqual([
    [LUNA, true],
    [SELENE, true],
    [ORION, false],
    [ROWAN, false],
  ]);
  expect(readers[0]).toMatchObject({ display_name: 'Luna Starweaver', readerLevel: { name: 'Master' } });
  expect(readers[0]).toHaveProperty('last_seen_at');
  expect(readers.map((r) => r.id)).not.toContain(CLIENT);
});

test('a browser whose clock is hours wrong in either direction sees the same statuses', async () => {
  for (const hours of [-6, 3]) {
    const { client, clock } = clientWithClockOff(hours);
    const readers = await fetchAllReaders(client, clock);
    expect(readers.map((r) => r.is_online), `clock off by ${hours} h`).toEqual([true, true, false, false]);
  }
});

test('a browser on another origin (no Date header) with a clock hours wrong still sees the right statuses', async () => {
  for (const hours of [-6, 3]) {
    const { client, clock } = clientWithClockOff(hours, { crossOrigin: true });
    const readers = await fetchAllReaders(client, clock);
    expect(readers.map((r) => r.is_online), `clock off by ${hours} h`).toEqual([true, true, false, false]);
    expect(Math.abs(clock.now().getTime() - Date.now())).toBeLessThan(5_000);
    const orion = await fetchReader(client, clock, ORION);
    expect(orion?.is_online).toBe(false);
  }
});

test('anyone may ask the database for its time', async () => {
  const { client } = clientWithClockOff(0);
  const { data, error } = await client.rpc('server_time');
  expect(error).toBeNull();
  expect(Math.abs(Date.parse(data as string) - Date.now())).toBeLessThan(5_000);
});

test('getReadersOnlineStatus: one call, the database\'s rule, clients left out', async () => {
  const { client } = clientWithClockOff(0);
  expect(await getReadersOnlineStatus(client, [LUNA, SELENE, ORION, ROWAN, CLIENT])).toEqual({
    [LUNA]: true,
    [SELENE]: true,
    [ORION]: false,
    [ROWAN]: false,
  });
  expect(await getReadersOnlineStatus(client, [])).toEqual({});
});

test('fetchReader: one reader with their bio and level; clients and unknown or malformed ids are not readers', async () => {
  const { client, clock } = clientWithClockOff(0);
  const luna = await fetchReader(client, clock, LUNA);
  expect(luna).toMatchObject({ id: LUNA, display_name: 'Luna Starweaver', is_online: true, readerLevel: { name: 'Master' } });
  expect(typeof luna?.bio).toBe('string');
  expect(typeof luna?.readerLevel?.base_price_per_minute).toBe('number');
  expect((await fetchReader(client, clock, ORION))?.is_online).toBe(false);

  expect(await fetchReader(client, clock, CLIENT)).toBeNull();
  expect(await fetchReader(client, clock, '99999999-9999-4999-8999-999999999999')).toBeNull();
  expect(await fetchReader(client, clock, 'not-a-uuid')).toBeNull();
});
