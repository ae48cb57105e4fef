import { beforeEach, expect, test } from 'vitest';
import { getReadersOnlineStatus } from '../../../src/features/presence/api/get-readers-online-status.ts';
import { fetchAllReaders } from '../../../src/features/readers/api/fetch-all-readers.ts';
import { fetchReader } from '../../../src/features/readers/api/fetch-reader.ts';
import { ServerClock } from '../../../src/lib/server-clock.ts';
import { appClientFor, stackForThisFile } from '../../support/app-stack.ts';
import { DEMO_IDS, sql } from '../../support/test-stack.ts';

const stack = stackForThisFile();

beforeEach(async () => {
  // Seeded readers on both sides of the five-minute rule, all still flagged online but Rowan.
  await sql(stack(), 'update public.users set is_online = (id <> $1) where is_reader', [DEMO_IDS.rowan]);
  for (const [id, age] of [[DEMO_IDS.luna, '10 seconds'], [DEMO_IDS.selene, '4 minutes 50 seconds'], [DEMO_IDS.orion, '5 minutes 10 seconds'], [DEMO_IDS.rowan, '1 minute']]) {
    await sql(stack(), 'update public.users set last_seen_at = now() - $2::interval where id = $1', [id, age]);
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
  return { clock, client: appClientFor(stack(), clock, fetchImpl) };
}

test('fetchAllReaders: readers only, best rated first, with their level and online derived on server time', async () => {
  const { client, clock } = clientWithClockOff(0);
  const readers = await fetchAllReaders(client, clock);
  expect(readers.map((r) => [r.id, r.is_online])).toEqual([
    [DEMO_IDS.luna, true],
    [DEMO_IDS.selene, true],
    [DEMO_IDS.orion, false],
    [DEMO_IDS.rowan, false],
  ]);
  expect(readers[0]).toMatchObject({ display_name: 'Luna Starweaver', readerLevel: { name: 'Master' } });
  expect(readers[0]).toHaveProperty('last_seen_at');
  expect(readers.map((r) => r.id)).not.toContain(DEMO_IDS.client);
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
    const orion = await fetchReader(client, clock, DEMO_IDS.orion);
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
  expect(await getReadersOnlineStatus(client, [DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.orion, DEMO_IDS.rowan, DEMO_IDS.client])).toEqual({
    [DEMO_IDS.luna]: true,
    [DEMO_IDS.selene]: true,
    [DEMO_IDS.orion]: false,
    [DEMO_IDS.rowan]: false,
  });
  expect(await getReadersOnlineStatus(client, [])).toEqual({});
});

test('fetchReader: one reader with their bio and level; clients and unknown or malformed ids are not readers', async () => {
  const { client, clock } = clientWithClockOff(0);
  const luna = await fetchReader(client, clock, DEMO_IDS.luna);
  expect(luna).toMatchObject({ id: DEMO_IDS.luna, display_name: 'Luna Starweaver', is_online: true, readerLevel: { name: 'Master' } });
  expect(typeof luna?.bio).toBe('string');
  expect(typeof luna?.readerLevel?.base_price_per_minute).toBe('number');
  expect((await fetchReader(client, clock, DEMO_IDS.orion))?.is_online).toBe(false);

  expect(await fetchReader(client, clock, DEMO_IDS.client)).toBeNull();
  expect(await fetchReader(client, clock, '99999999-9999-4999-8999-999999999999')).toBeNull();
  expect(await fetchReader(client, clock, 'not-a-uuid')).toBeNull();
});
