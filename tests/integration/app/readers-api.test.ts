import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { getReadersOnlineStatus } from '../../../src/features/presence/api/get-readers-online-status.ts';
import { fetchReaderDirectorySummary } from '../../../src/features/readers/api/fetch-reader-directory-summary.ts';
import { fetchReaderPage, MAX_ROWS_PER_REQUEST, READERS_PAGE_SIZE, type Reader, type ReaderFilters } from '../../../src/features/readers/api/fetch-reader-page.ts';
import { fetchReader } from '../../../src/features/readers/api/fetch-reader.ts';
import { NO_FILTERS } from '../../../src/features/readers/utils/reader-filters.ts';
import type { AppSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
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

function firstPage(client: AppSupabaseClient, clock: ServerClock, filters: ReaderFilters = NO_FILTERS): Promise<Reader[]> {
  return fetchReaderPage(client, clock, { filters, limit: READERS_PAGE_SIZE });
}

test('fetchReaderPage: readers only, flagged online first then best rated, with their level and online derived on server time', async () => {
  const { client, clock } = clientWithClockOff(0);
  const readers = await firstPage(client, clock);
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
    const readers = await firstPage(client, clock);
    expect(readers.map((r) => r.is_online), `clock off by ${hours} h`).toEqual([true, true, false, false]);
  }
});

test('a browser on another origin (no Date header) with a clock hours wrong still sees the right statuses', async () => {
  for (const hours of [-6, 3]) {
    const { client, clock } = clientWithClockOff(hours, { crossOrigin: true });
    const readers = await firstPage(client, clock);
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

describe('the directory at more than a page', () => {
  const EXTRA_READERS = READERS_PAGE_SIZE + 6;
  // Specialties that tell a literal search from one where %, _, \\ or * act as wildcards.
  const TRICKY_SPECIALTIES = ['100% Love', '10 lessons', 'Love_Spells', 'Lovers', 'Back\\Slash', 'Tasks', 'Star*Gazing'];
  let extraIds: string[] = [];

  beforeAll(async () => {
    const rows = await sql<{ id: string }>(stack(), `
      insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'directory-' || n || '@example.test',
             jsonb_build_object('display_name', 'Directory Reader ' || n, 'is_reader', true), now(), now()
      from generate_series(1, $1::int) as n
      returning id`, [EXTRA_READERS]);
    extraIds = rows.map((row) => row.id);
    for (const [index, id] of extraIds.entries()) {
      await sql(stack(), 'update public.users set specialties = $2 where id = $1', [id, [TRICKY_SPECIALTIES[index] ?? 'Tarot']]);
    }
  });

  afterAll(async () => {
    await sql(stack(), 'delete from auth.users where id = any($1)', [extraIds]);
  });

  beforeEach(async () => {
    // Every third extra reader is flagged online, and a third of those have been silent too long to
    // count; ratings repeat, so ties fall back to the id. Coming online stamps last_seen_at, so the
    // flag goes first and the time after it.
    await sql(stack(), `
      update public.users
      set is_online = array_position($1::uuid[], id) % 3 = 0, average_rating = 3 + (array_position($1::uuid[], id) % 4) * 0.5
      where id = any($1)`, [extraIds]);
    await sql(stack(), `
      update public.users
      set last_seen_at = now() - case when array_position($1::uuid[], id) % 9 = 0 then interval '10 minutes' else interval '30 seconds' end
      where id = any($1)`, [extraIds]);
  });

  /** Every reader's id as the directory should list them, worked out here rather than by the database. */
  async function expectedOrder(): Promise<string[]> {
    const rows = await sql<{ id: string; is_online: boolean; average_rating: string }>(stack(), 'select id, is_online, average_rating from public.users where is_reader');
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort((a, b) => Number(b.is_online) - Number(a.is_online) || Number(b.average_rating) - Number(a.average_rating) || byId(a.id, b.id));
    return rows.map((row) => row.id);
  }

  test('pages follow the directory order (flagged online, best rated, id), and one request rereads them all', async () => {
    const { client, clock } = clientWithClockOff(0);
    const expected = await expectedOrder();
    expect(expected).toHaveLength(4 + EXTRA_READERS);

    const first = await firstPage(client, clock);
    const second = await fetchReaderPage(client, clock, { filters: NO_FILTERS, offset: READERS_PAGE_SIZE, limit: READERS_PAGE_SIZE });
    expect(first).toHaveLength(READERS_PAGE_SIZE);
    expect(second).toHaveLength(expected.length - READERS_PAGE_SIZE);
    expect([...first, ...second].map((r) => r.id)).toEqual(expected);

    const shownSoFar = await fetchReaderPage(client, clock, { filters: NO_FILTERS, limit: 2 * READERS_PAGE_SIZE });
    expect(shownSoFar.map((r) => r.id)).toEqual(expected);
  });

  test('"Online now" asks for readers flagged online; the five-minute rule still decides who shows online', async () => {
    const { client, clock } = clientWithClockOff(0);
    const flagged = new Set((await sql<{ id: string }>(stack(), 'select id from public.users where is_reader and is_online')).map((row) => row.id));

    const online = await firstPage(client, clock, { onlineOnly: true, specialty: '' });

    expect(online.map((r) => r.id)).toEqual((await expectedOrder()).filter((id) => flagged.has(id)));
    expect(online.find((r) => r.id === DEMO_IDS.orion)?.is_online).toBe(false);
    expect(online.filter((r) => !r.is_online)).toHaveLength(1 + 3);
  });

  test('the specialty search matches part of a specialty in any case, taking %, _ and \\ literally', async () => {
    const { client, clock } = clientWithClockOff(0);
    const search = async (specialty: string, onlineOnly = false) =>
      (await firstPage(client, clock, { onlineOnly, specialty })).map((r) => r.specialties.join(', ')).sort();

    expect(await search('LOVE')).toEqual(['100% Love', 'Love_Spells', 'Lovers', 'love, career, celtic cross', 'love, family']);
    expect(await search('love', true)).toEqual(['Love_Spells', 'love, career, celtic cross']);
    // As wildcards, % would also find "10 lessons", _ "Lovers", and \\s (an escaped s) "Tasks".
    expect(await search('0% l')).toEqual(['100% Love']);
    expect(await search('ve_s')).toEqual(['Love_Spells']);
    expect(await search('k\\s')).toEqual(['Back\\Slash']);
    // PostgREST cannot take * literally; it stands for any one character, so the reader is still found.
    expect(await search('r*g')).toEqual(['Star*Gazing']);
    expect(await search('numerology')).toEqual([]);
    expect(await search('   ')).toHaveLength(READERS_PAGE_SIZE);
  });

  test('the summary counts every reader and those online by the five-minute rule, as the cards show them', async () => {
    // What the every-minute inactivity job records; the page reads the recorded counts.
    await sql(stack(), 'select public.refresh_reader_directory_stats()');
    const { client, clock } = clientWithClockOff(0);
    const summary = await fetchReaderDirectorySummary(client);
    // Luna and Selene, and the 10 flagged extra readers but the 3 silent ones.
    expect(summary).toEqual({ readers: 4 + EXTRA_READERS, online: 2 + 7 });

    const everyone = await fetchReaderPage(client, clock, { filters: NO_FILTERS, limit: 2 * READERS_PAGE_SIZE });
    expect(everyone.filter((r) => r.is_online)).toHaveLength(summary.online);
  });
});

describe('a refresh of more rows than PostgREST answers at once', () => {
  const MANY = MAX_ROWS_PER_REQUEST + 50;
  let manyIds: string[] = [];

  beforeAll(async () => {
    const rows = await sql<{ id: string }>(stack(), `
      insert into auth.users (id, aud, role, email, raw_user_meta_data)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'many-' || n || '@example.test', '{"is_reader": true}'
      from generate_series(1, $1::int) as n
      returning id`, [MANY]);
    manyIds = rows.map((row) => row.id);
  });

  afterAll(async () => {
    await sql(stack(), 'delete from auth.users where id = any($1)', [manyIds]);
  });

  test('reads it in slices and returns every row in directory order, none twice', async () => {
    const { client, clock } = clientWithClockOff(0);
    const readers = await fetchReaderPage(client, clock, { filters: NO_FILTERS, limit: MANY + 4 });
    const [{ count }] = (await sql(stack(), 'select count(*)::int as count from public.users where is_reader')) as [{ count: number }];
    expect(readers).toHaveLength(count);
    expect(new Set(readers.map((r) => r.id)).size).toBe(count);
    const [{ ids }] = (await sql(stack(), `
      select array_agg(id order by is_online desc, average_rating desc, id) as ids from public.users where is_reader`)) as [{ ids: string[] }];
    expect(readers.map((r) => r.id)).toEqual(ids);
  });
});
