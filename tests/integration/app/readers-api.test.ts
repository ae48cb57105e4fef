import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { getReadersOnlineStatus } from '../../../src/features/presence/api/get-readers-online-status.ts';
import { fetchReaderDirectorySummary } from '../../../src/features/readers/api/fetch-reader-directory-summary.ts';
import {
  fetchReaderPage,
  MAX_ROWS_PER_REQUEST,
  READERS_PAGE_SIZE,
  type Reader,
  type ReaderFilters,
} from '../../../src/features/readers/api/fetch-reader-page.ts';
import { fetchReader } from '../../../src/features/readers/api/fetch-reader.ts';
import { NO_FILTERS } from '../../../src/features/readers/utils/reader-filters.ts';
import type { AppSupabaseClient } from '../../../src/lib/create-supabase-client.ts';
import { appClientFor, stackForThisFile } from '../../support/app-stack.ts';
import { approveReaderApplications } from '../../support/presence-fixtures.ts';
import { dbOf, DEMO_IDS, DEMO_PASSWORD, sql } from '../../support/test-stack.ts';

const stack = stackForThisFile();

/** A signed-in device of each reader, last heard `heardAgo` ago (an auth session and its device row). */
async function devicesHeard(readerIds: readonly string[], heardAgo: string): Promise<void> {
  await sql(
    stack(),
    `
    with sessions as (
      insert into auth.sessions (id, user_id, created_at, updated_at, aal)
      select gen_random_uuid(), reader_id, now(), now(), 'aal1' from unnest($1::uuid[]) as reader_id
      returning id, user_id
    )
    insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at)
    select id, user_id, now() - $2::interval, now() - $2::interval from sessions`,
    [readerIds, heardAgo],
  );
}

beforeEach(async () => {
  await sql(stack(), "delete from private.reader_devices; delete from private.reader_presence; update public.users set recorded_status = 'offline'");
  // Luna heard just now; Selene in a reading; Orion silent just past five minutes, still recorded
  // available (the minute job has not run); Rowan signed out.
  await devicesHeard([DEMO_IDS.luna], '10 seconds');
  await devicesHeard([DEMO_IDS.selene], '4 minutes 50 seconds');
  await devicesHeard([DEMO_IDS.orion], '5 minutes 10 seconds');
  await sql(
    stack(),
    `insert into private.reader_presence (reader_id, chosen_status, status_message, chosen_at, expires_at)
    values ($1, 'busy', 'In a moon-cycle reading', now(), now() + interval '1 hour')`,
    [DEMO_IDS.selene],
  );
  await sql(
    stack(),
    `update public.users set recorded_status = case id when $1 then 'busy' else 'available' end::public.presence_status
    where id in ($1, $2, $3)`,
    [DEMO_IDS.selene, DEMO_IDS.luna, DEMO_IDS.orion],
  );
});

function firstPage(client: AppSupabaseClient, filters: ReaderFilters = NO_FILTERS): Promise<Reader[]> {
  return fetchReaderPage(client, { filters, limit: READERS_PAGE_SIZE });
}

test('fetchReaderPage: readers only, in recorded order, each with the status the database judges now and its clock', async () => {
  const client = appClientFor(stack());
  const readers = await firstPage(client);
  // Orion is still listed with the available (recorded a minute ago at most) but shown as he is now.
  expect(readers.map((r) => [r.id, r.status])).toEqual([
    [DEMO_IDS.luna, 'available'],
    [DEMO_IDS.orion, 'offline'],
    [DEMO_IDS.selene, 'busy'],
    [DEMO_IDS.rowan, 'offline'],
  ]);
  expect(readers[0]).toMatchObject({ display_name: 'Luna Starweaver', status_message: null, readerLevel: { name: 'Master' } });
  expect(readers[2]).toMatchObject({ status_message: 'In a moon-cycle reading' });
  for (const reader of readers) expect(Math.abs(Date.parse(reader.server_time) - Date.now())).toBeLessThan(5_000);
  expect(readers.map((r) => r.id)).not.toContain(DEMO_IDS.client);

  // The minute job records Orion's silence; the order follows.
  await sql(stack(), 'select public.mark_inactive_readers_offline()');
  expect((await firstPage(client)).map((r) => r.id)).toEqual([DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.orion, DEMO_IDS.rowan]);
});

test("fetchReaderPage with the client's favourites: theirs only, in directory order, with the other filters, narrowed to the ids the page has", async () => {
  await sql(stack(), 'delete from public.favourites where client_id = $1', [DEMO_IDS.client]);
  await sql(stack(), 'insert into public.favourites (client_id, reader_id) select $1, unnest($2::uuid[])', [
    DEMO_IDS.client,
    [DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.rowan],
  ]);
  const client = appClientFor(stack());
  const { error } = await client.auth.signInWithPassword({ email: 'client@demo.test', password: DEMO_PASSWORD });
  expect(error).toBeNull();
  const favourites = (favouriteIds: string[], filters: Partial<ReaderFilters> = {}) =>
    firstPage(client, { ...NO_FILTERS, ...filters, favouriteIds }).then((readers) => readers.map((reader) => reader.id));
  try {
    const all = [DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.rowan];
    expect(await favourites(all)).toEqual([DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.rowan]);
    expect(await favourites(all, { availableOnly: true })).toEqual([DEMO_IDS.luna]);
    expect(await favourites(all, { specialty: 'LOVE' })).toEqual([DEMO_IDS.luna, DEMO_IDS.rowan]);
    // The list as the page has it (a star just taken off), never a reader the client does not keep.
    expect(await favourites([DEMO_IDS.selene, DEMO_IDS.orion])).toEqual([DEMO_IDS.selene]);
    expect(await favourites([])).toEqual([]);
  } finally {
    await sql(stack(), 'delete from public.favourites where client_id = $1', [DEMO_IDS.client]);
  }
});

test("an offline reader's card says when they were last seen, and carries no message", async () => {
  await sql(
    stack(),
    `insert into private.reader_presence (reader_id, status_message, last_seen_at)
    values ($1, 'Back on Monday', now() - interval '2 days')`,
    [DEMO_IDS.rowan],
  );
  const readers = await firstPage(appClientFor(stack()));
  const rowan = readers.find((r) => r.id === DEMO_IDS.rowan)!;
  expect(rowan.status).toBe('offline');
  expect(rowan.status_message).toBeNull();
  expect(Date.now() - Date.parse(rowan.last_seen_at!)).toBeGreaterThan(47 * 3_600_000);
});

test("getReadersOnlineStatus: one call, the database's rule (busy is online), clients left out", async () => {
  const client = appClientFor(stack());
  expect(await getReadersOnlineStatus(client, [DEMO_IDS.luna, DEMO_IDS.selene, DEMO_IDS.orion, DEMO_IDS.rowan, DEMO_IDS.client])).toEqual({
    [DEMO_IDS.luna]: true,
    [DEMO_IDS.selene]: true,
    [DEMO_IDS.orion]: false,
    [DEMO_IDS.rowan]: false,
  });
  expect(await getReadersOnlineStatus(client, [])).toEqual({});
});

test('fetchReader: one reader with their bio, level and status; clients and unknown or malformed ids are not readers', async () => {
  const client = appClientFor(stack());
  const selene = await fetchReader(client, DEMO_IDS.selene);
  expect(selene).toMatchObject({ id: DEMO_IDS.selene, display_name: 'Selene Ashgrove', status: 'busy', status_message: 'In a moon-cycle reading' });
  expect(typeof selene?.bio).toBe('string');
  expect(typeof selene?.readerLevel?.base_price_per_minute).toBe('number');
  expect((await fetchReader(client, DEMO_IDS.orion))?.status).toBe('offline');

  expect(await fetchReader(client, DEMO_IDS.client)).toBeNull();
  expect(await fetchReader(client, '99999999-9999-4999-8999-999999999999')).toBeNull();
  expect(await fetchReader(client, 'not-a-uuid')).toBeNull();
});

test('a reader appearing offline looks offline to clients, last seen when they chose it', async () => {
  await sql(
    stack(),
    `insert into private.reader_presence (reader_id, chosen_status, status_message, chosen_at)
    values ($1, 'offline', 'Secret', now() - interval '3 minutes')`,
    [DEMO_IDS.luna],
  );
  const luna = await fetchReader(appClientFor(stack()), DEMO_IDS.luna);
  expect(luna).toMatchObject({ status: 'offline', status_message: null });
  expect(Date.now() - Date.parse(luna!.last_seen_at!)).toBeGreaterThan(170_000);
  expect(await getReadersOnlineStatus(appClientFor(stack()), [DEMO_IDS.luna])).toEqual({ [DEMO_IDS.luna]: false });
});

describe('the directory at more than a page', () => {
  const EXTRA_READERS = READERS_PAGE_SIZE + 6;
  // Specialties that tell a literal search from one where %, _, \\ or * act as wildcards.
  const TRICKY_SPECIALTIES = ['100% Love', '10 lessons', 'Love_Spells', 'Lovers', 'Back\\Slash', 'Tasks', 'Star*Gazing'];
  let extraIds: string[] = [];

  beforeAll(async () => {
    const rows = await sql<{ id: string }>(
      stack(),
      `
      insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'directory-' || n || '@example.test',
             jsonb_build_object('display_name', 'Directory Reader ' || n, 'is_reader', true), now(), now()
      from generate_series(1, $1::int) as n
      returning id`,
      [EXTRA_READERS],
    );
    extraIds = rows.map((row) => row.id);
    await approveReaderApplications(dbOf(stack()), extraIds);
    for (const [index, id] of extraIds.entries()) {
      await sql(stack(), 'update public.users set specialties = $2 where id = $1', [id, [TRICKY_SPECIALTIES[index] ?? 'Tarot']]);
    }
  });

  afterAll(async () => {
    await sql(stack(), 'delete from auth.users where id = any($1)', [extraIds]);
  });

  const STATUS_ORDER = ['available', 'busy', 'away', 'offline'];

  beforeEach(async () => {
    // Every third extra reader has a live device, and a third of those were recorded available but
    // went silent too long ago to count; ratings repeat, so ties fall back to the id.
    await sql(stack(), 'update public.users set average_rating = 3 + (array_position($1::uuid[], id) % 4) * 0.5 where id = any($1)', [extraIds]);
    const position = (id: string) => extraIds.indexOf(id) + 1;
    await devicesHeard(
      extraIds.filter((id) => position(id) % 3 === 0 && position(id) % 9 !== 0),
      '30 seconds',
    );
    await devicesHeard(
      extraIds.filter((id) => position(id) % 9 === 0),
      '10 minutes',
    );
    await sql(
      stack(),
      `update public.users set recorded_status = 'available'
      where id = any($1) and id in (select reader_id from private.reader_devices)`,
      [extraIds],
    );
  });

  /** Every reader's id as the directory should list them, worked out here rather than by the database. */
  async function expectedOrder(): Promise<string[]> {
    const rows = await sql<{ id: string; recorded_status: string; average_rating: string }>(
      stack(),
      'select id, recorded_status, average_rating from public.users where is_reader',
    );
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    rows.sort(
      (a, b) =>
        STATUS_ORDER.indexOf(a.recorded_status) - STATUS_ORDER.indexOf(b.recorded_status) ||
        Number(b.average_rating) - Number(a.average_rating) ||
        byId(a.id, b.id),
    );
    return rows.map((row) => row.id);
  }

  test('pages follow the directory order (recorded status, best rated, id), and one request rereads them all', async () => {
    const client = appClientFor(stack());
    const expected = await expectedOrder();
    expect(expected).toHaveLength(4 + EXTRA_READERS);

    const first = await firstPage(client);
    const second = await fetchReaderPage(client, { filters: NO_FILTERS, offset: READERS_PAGE_SIZE, limit: READERS_PAGE_SIZE });
    expect(first).toHaveLength(READERS_PAGE_SIZE);
    expect(second).toHaveLength(expected.length - READERS_PAGE_SIZE);
    expect([...first, ...second].map((r) => r.id)).toEqual(expected);

    const shownSoFar = await fetchReaderPage(client, { filters: NO_FILTERS, limit: 2 * READERS_PAGE_SIZE });
    expect(shownSoFar.map((r) => r.id)).toEqual(expected);
  });

  test('"Available now" lists exactly the readers available now, in directory order', async () => {
    const client = appClientFor(stack());
    const available = new Set(
      (await sql<{ reader_id: string }>(stack(), "select reader_id from private.reader_presence_now where status = 'available'")).map((row) => row.reader_id),
    );
    // Luna and the 7 extra readers heard 30 seconds ago; not Orion nor the 3 silent ones, recorded available all the same.
    expect(available.size).toBe(1 + 7);

    const shown = await firstPage(client, { availableOnly: true, specialty: '' });

    expect(shown.map((r) => r.id)).toEqual((await expectedOrder()).filter((id) => available.has(id)));
    expect(shown.every((r) => r.status === 'available')).toBe(true);
  });

  test('the specialty search matches part of a specialty in any case, taking %, _ and \\ literally', async () => {
    const client = appClientFor(stack());
    const search = async (specialty: string, availableOnly = false) =>
      (await firstPage(client, { availableOnly, specialty })).map((r) => r.specialties.join(', ')).sort();

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

  test('the summary counts every reader and each status as the cards show them', async () => {
    // What the every-minute job records; the page reads the recorded counts.
    await sql(stack(), 'select private.refresh_reader_directory_stats()');
    const client = appClientFor(stack());
    const summary = await fetchReaderDirectorySummary(client);
    expect(summary).toMatchObject({ readers: 4 + EXTRA_READERS, available: 1 + 7, busy: 1, away: 0 });

    const everyone = await fetchReaderPage(client, { filters: NO_FILTERS, limit: 2 * READERS_PAGE_SIZE });
    expect(everyone.filter((r) => r.status === 'available')).toHaveLength(summary.available);
    expect(everyone.filter((r) => r.status === 'busy')).toHaveLength(summary.busy);
  });
});

describe('a refresh of more rows than PostgREST answers at once', () => {
  const MANY = MAX_ROWS_PER_REQUEST + 50;
  let manyIds: string[] = [];

  beforeAll(async () => {
    const rows = await sql<{ id: string }>(
      stack(),
      `
      insert into auth.users (id, aud, role, email, raw_user_meta_data)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'many-' || n || '@example.test', '{"is_reader": true}'
      from generate_series(1, $1::int) as n
      returning id`,
      [MANY],
    );
    manyIds = rows.map((row) => row.id);
    await approveReaderApplications(dbOf(stack()), manyIds);
  });

  afterAll(async () => {
    await sql(stack(), 'delete from auth.users where id = any($1)', [manyIds]);
  });

  test('reads it in slices and returns every row in directory order, none twice', async () => {
    const client = appClientFor(stack());
    const readers = await fetchReaderPage(client, { filters: NO_FILTERS, limit: MANY + 4 });
    const [{ count }] = (await sql(stack(), 'select count(*)::int as count from public.users where is_reader')) as [{ count: number }];
    expect(readers).toHaveLength(count);
    expect(new Set(readers.map((r) => r.id)).size).toBe(count);
    const [{ ids }] = (await sql(
      stack(),
      `
      select array_agg(id order by recorded_status, average_rating desc, id) as ids from public.users where is_reader`,
    )) as [{ ids: string[] }];
    expect(readers.map((r) => r.id)).toEqual(ids);
  });
});
