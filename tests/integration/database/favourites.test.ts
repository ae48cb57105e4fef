/**
 * Favourites, by actor, through the API each actor really has (supabase-js through the gateway and
 * PostgREST): a client keeps readers they like and toggles "notify me when available"; anonymous
 * visitors and other clients can neither see nor change them; only readers can be favourites, never
 * oneself, at most 100 per client; they go with either account. Every refusal is also checked for
 * what it did not write. SQL only sets up many rows at once and deletes accounts.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { approveReaderApplications } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, sql, startTestStack, uniqueEmail } from '../../support/test-stack.ts';
import { signUpReader, type Reader, signUpClient as signUpClientOf, type SignedUpClient } from './presence-clients.ts';

interface Favourite {
  client_id: string;
  reader_id: string;
  notify: boolean;
  created_at: string;
}

type Client = SignedUpClient;

let stack: RunningStack;
let anon: SupabaseClient;

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
  anon = clientFor(stack);
});

afterAll(async () => {
  await stack?.stop();
});

const signUpClient = (label: string) => signUpClientOf(stack, label);

/** A client's favourites as they read them. */
async function favouritesOf(client: SupabaseClient): Promise<Favourite[]> {
  const { data, error } = await client.from('favourites').select('*').order('created_at').overrideTypes<Favourite[], { merge: false }>();
  if (error) throw new Error(`favourites failed: ${error.code} ${error.message}`);
  return data;
}

/** What the database holds, whatever any client may see. */
async function storedFavourites(clientId: string): Promise<Array<{ reader_id: string; notify: boolean }>> {
  return sql(stack, 'select reader_id, notify from public.favourites where client_id = $1 order by created_at, reader_id', [clientId]);
}

/** Many approved readers at once (sign-up's trigger makes their profiles and applications), for set-ups. */
async function bulkReaders(label: string, count: number): Promise<string[]> {
  const prefix = uniqueEmail(label).replace('@example.test', '');
  const rows = await sql<{ id: string }>(
    stack,
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
     select gen_random_uuid(), 'authenticated', 'authenticated', $1 || '-' || n || '@fixture.test',
            jsonb_build_object('display_name', $1 || ' ' || n, 'is_reader', true), now(), now()
     from generate_series(1, $2::int) as n
     order by n
     returning id`,
    [prefix, count],
  );
  const ids = rows.map((row) => row.id);
  await approveReaderApplications(dbOf(stack), ids);
  return ids;
}

describe('a client', () => {
  let me: Client;
  let luna: Reader;
  let orion: Reader;

  beforeAll(async () => {
    me = await signUpClient('fav-owner');
    luna = await signUpReader(stack, 'fav-luna');
    orion = await signUpReader(stack, 'fav-orion');
  });

  test('stars a reader (notify off by default, their own id and the server time filled in), toggles notify, and unstars', async () => {
    const before = Date.now();
    const added = await me.client.from('favourites').insert({ reader_id: luna.userId }).select().single<Favourite>();
    expect(added.error).toBeNull();
    expect(added.data).toMatchObject({ client_id: me.userId, reader_id: luna.userId, notify: false });
    expect(Math.abs(new Date(added.data!.created_at).getTime() - before)).toBeLessThan(60_000);

    const on = await me.client.from('favourites').update({ notify: true }).eq('reader_id', luna.userId).select();
    expect([on.error, on.data?.length]).toEqual([null, 1]);
    expect(await storedFavourites(me.userId)).toEqual([{ reader_id: luna.userId, notify: true }]);
    await me.client.from('favourites').update({ notify: false }).eq('reader_id', luna.userId);
    expect(await storedFavourites(me.userId)).toEqual([{ reader_id: luna.userId, notify: false }]);

    const removed = await me.client.from('favourites').delete().eq('reader_id', luna.userId).select();
    expect([removed.error, removed.data?.length]).toEqual([null, 1]);
    expect(await favouritesOf(me.client)).toEqual([]);
  });

  test('stars with notify on in one insert, and starring again while ignoring duplicates keeps one row as it was', async () => {
    expect((await me.client.from('favourites').insert({ reader_id: orion.userId, notify: true })).error).toBeNull();
    const again = await me.client.from('favourites').upsert({ reader_id: orion.userId, notify: false }, { ignoreDuplicates: true });
    expect(again.error).toBeNull();
    expect(await storedFavourites(me.userId)).toEqual([{ reader_id: orion.userId, notify: true }]);
    const duplicate = await me.client.from('favourites').insert({ reader_id: orion.userId });
    expect(duplicate.error?.code).toBe('23505');
    await me.client.from('favourites').delete().eq('reader_id', orion.userId);
  });

  test('cannot write created_at, nor move a favourite to another reader or client', async () => {
    const backdated = await me.client.from('favourites').insert({ reader_id: luna.userId, created_at: '2000-01-01T00:00:00Z' });
    expect([backdated.error?.code, backdated.error?.message]).toEqual(['42501', 'permission denied for table favourites']);
    expect(await storedFavourites(me.userId)).toEqual([]);

    await me.client.from('favourites').insert({ reader_id: luna.userId });
    for (const change of [{ created_at: '2000-01-01T00:00:00Z' }, { reader_id: orion.userId }, { client_id: orion.userId }]) {
      const { error } = await me.client.from('favourites').update(change).eq('reader_id', luna.userId);
      expect(error?.code, JSON.stringify(change)).toBe('42501');
    }
    const [row] = await sql(
      stack,
      "select reader_id, client_id, created_at > now() - interval '1 minute' as fresh from public.favourites where client_id = $1",
      [me.userId],
    );
    expect(row).toEqual({ reader_id: luna.userId, client_id: me.userId, fresh: true });
    await me.client.from('favourites').delete().eq('reader_id', luna.userId);
  });

  test('cannot favourite a client, an unknown id or themselves, and hostile values are refused, with nothing written', async () => {
    const other = await signUpClient('fav-not-a-reader');
    for (const readerId of [other.userId, crypto.randomUUID()]) {
      const { error } = await me.client.from('favourites').insert({ reader_id: readerId });
      expect([error?.code, error?.message]).toEqual(['22023', 'only readers can be favourites']);
    }
    // A reader may keep favourites too, but not themselves.
    const self = await luna.client.from('favourites').insert({ reader_id: luna.userId });
    expect(self.error?.code).toBe('23514');
    expect(self.error?.message).toContain('favourites_not_self');

    for (const hostile of [
      { reader_id: 'not-a-uuid' },
      { reader_id: luna.userId, notify: 'maybe' },
      { reader_id: null },
      { reader_id: ['x'] },
      { reader_id: 'a'.repeat(100_000) },
    ]) {
      const { error } = await me.client.from('favourites').insert(hostile as never);
      expect(error, JSON.stringify(hostile).slice(0, 80)).not.toBeNull();
      expect(['22P02', '23502', '22023', 'PGRST204', 'PGRST102'], `${error?.code} ${error?.message}`).toContain(error?.code);
    }
    expect(await storedFavourites(me.userId)).toEqual([]);
    expect(await storedFavourites(luna.userId)).toEqual([]);
  });
});

describe('anon and another client', () => {
  let alice: Client;
  let bob: Client;
  let luna: Reader;

  beforeAll(async () => {
    alice = await signUpClient('fav-alice');
    bob = await signUpClient('fav-bob');
    luna = await signUpReader(stack, 'fav-luna-2');
    const { error } = await alice.client.from('favourites').insert({ reader_id: luna.userId, notify: true });
    expect(error).toBeNull();
  });

  test('anon can neither read nor write favourites', async () => {
    const read = await anon.from('favourites').select('*');
    expect([read.status, read.error?.code]).toEqual([401, '42501']);
    const write = await anon.from('favourites').insert({ client_id: alice.userId, reader_id: luna.userId });
    expect(write.error?.code).toBe('42501');
    expect((await anon.from('favourites').update({ notify: false }).eq('client_id', alice.userId)).error?.code).toBe('42501');
    expect((await anon.from('favourites').delete().eq('client_id', alice.userId)).error?.code).toBe('42501');
    expect(await storedFavourites(alice.userId)).toEqual([{ reader_id: luna.userId, notify: true }]);
  });

  test("another client sees none of Alice's favourites and cannot change or remove them", async () => {
    expect(await favouritesOf(bob.client)).toEqual([]);
    expect((await bob.client.from('favourites').select('*').eq('client_id', alice.userId)).data).toEqual([]);
    const update = await bob.client.from('favourites').update({ notify: false }).eq('client_id', alice.userId).select();
    expect([update.error, update.data]).toEqual([null, []]);
    const remove = await bob.client.from('favourites').delete().eq('client_id', alice.userId).select();
    expect([remove.error, remove.data]).toEqual([null, []]);
    expect(await storedFavourites(alice.userId)).toEqual([{ reader_id: luna.userId, notify: true }]);
  });

  test("another client cannot add a favourite to Alice's list", async () => {
    const other = await signUpReader(stack, 'fav-orion-2');
    const forged = await bob.client.from('favourites').insert({ client_id: alice.userId, reader_id: other.userId });
    expect([forged.error?.code, forged.error?.message]).toEqual(['42501', 'a client keeps favourites in their own list only']);
    expect(await storedFavourites(alice.userId)).toEqual([{ reader_id: luna.userId, notify: true }]);
    expect(await storedFavourites(bob.userId)).toEqual([]);
  });
});

describe("the readers page of a client's favourites (favourite_reader_cards)", () => {
  interface Card {
    id: string;
    status: string;
    display_name: string;
    recorded_status: string;
    readerLevel: { name: string } | null;
  }
  // With the columns it filters and orders on: PostgREST 12 filters a function's rows only on
  // selected columns (PostgREST#3965).
  const CARD = 'id, status, display_name, recorded_status, readerLevel:level_id ( name )';
  let carol: Client;
  let dave: Client;
  let readers: Reader[];

  beforeAll(async () => {
    carol = await signUpClient('fav-page-carol');
    dave = await signUpClient('fav-page-dave');
    readers = await Promise.all(['fav-page-1', 'fav-page-2', 'fav-page-3'].map((label) => signUpReader(stack, label)));
    for (const reader of readers.slice(0, 2)) expect((await carol.client.from('favourites').insert({ reader_id: reader.userId })).error).toBeNull();
    expect((await dave.client.from('favourites').insert({ reader_id: readers[2]!.userId })).error).toBeNull();
    await readers[1]!.client.rpc('reader_heartbeat', { idle_seconds: 0 });
  });

  const favouriteCards = (client: SupabaseClient) => client.rpc('favourite_reader_cards', {}, { get: true }).select(CARD);
  const favouritePage = (client: SupabaseClient, page: Record<string, unknown>) => client.rpc('favourite_reader_cards', page, { get: true }).select(CARD);
  /** The rows of an answer (without generated types the client cannot know the function returns a set). */
  const cardsIn = (answer: { data: unknown; error: unknown }) => {
    expect(answer.error).toBeNull();
    return answer.data as Card[];
  };
  const idsIn = (answer: { data: unknown; error: unknown }) => cardsIn(answer).map((card) => card.id);

  test("are the client's own favourites as reader_cards shows them, level embedded, ordered and filtered as the directory is", async () => {
    const page = cardsIn(await favouriteCards(carol.client).order('recorded_status').order('id'));
    const directory = await anon
      .from('reader_cards')
      .select(CARD)
      .in('id', [readers[0]!.userId, readers[1]!.userId])
      .order('recorded_status')
      .order('id')
      .overrideTypes<Card[], { merge: false }>();
    expect(page).toEqual(directory.data);
    expect(page.map((card) => card.id)).toEqual([readers[1]!.userId, readers[0]!.userId]);
    expect(page[0]).toMatchObject({ status: 'available', readerLevel: { name: expect.any(String) as unknown } });

    expect(idsIn(await favouriteCards(carol.client).eq('status', 'available'))).toEqual([readers[1]!.userId]);
    expect(idsIn(await favouriteCards(carol.client).in('id', [readers[0]!.userId, readers[2]!.userId]))).toEqual([readers[0]!.userId]);
  });

  test('a page is cut in the database, in directory order; a bad page is refused', async () => {
    const page = (size: unknown, offset: unknown) => favouritePage(carol.client, { page_size: size, page_offset: offset });
    expect(idsIn(await page(1, 0))).toEqual([readers[1]!.userId]);
    expect(idsIn(await page(1, 1))).toEqual([readers[0]!.userId]);
    expect(idsIn(await page(24, 2))).toEqual([]);
    expect(idsIn(await page(1000, 0)).sort()).toEqual([readers[0]!.userId, readers[1]!.userId].sort());
    for (const [size, offset, code] of [
      [0, 0, '22023'],
      [1, -1, '22023'],
      ['ten', 0, '22P02'],
      [1, 1e12, '22003'],
    ] as const) {
      const { error } = await page(size, offset);
      expect(error?.code, `${size} from ${offset}`).toBe(code);
    }
  });

  test("another client reads only their own, anon none, and no argument reaches someone else's list", async () => {
    expect(idsIn(await favouriteCards(dave.client))).toEqual([readers[2]!.userId]);
    const asAnon = await favouriteCards(anon);
    expect([asAnon.status, asAnon.error?.code]).toEqual([401, '42501']);
    const naming = await dave.client.rpc('favourite_reader_cards', { client_id: carol.userId }, { get: true });
    expect([naming.status, naming.error?.code]).toEqual([404, 'PGRST202']);
    // Called with POST as well, it still reads only the caller's own.
    expect(idsIn(await dave.client.rpc('favourite_reader_cards', {}).select('id'))).toEqual([readers[2]!.userId]);
  });
});

describe('at most 100 favourites per client', () => {
  test('the 101st is refused with the named limit until one is removed; a duplicate is still ignored', async () => {
    const me = await signUpClient('fav-cap');
    const readers = await bulkReaders('fav-cap', 102);
    // The first 100 in SQL (the same trigger checks them), the rest through the API.
    await sql(stack, 'insert into public.favourites (client_id, reader_id) select $1, unnest($2::uuid[])', [me.userId, readers.slice(0, 100)]);
    expect(await favouritesOf(me.client)).toHaveLength(100);

    const refused = await me.client.from('favourites').insert({ reader_id: readers[100] });
    expect(refused.error).toMatchObject({
      code: '23514',
      message: 'new row for relation "favourites" violates check constraint "favourites_per_client_limit"',
      details: 'A client keeps at most 100 favourites: remove one to add another.',
    });
    expect(refused.status).toBe(400);
    const duplicate = await me.client.from('favourites').upsert({ reader_id: readers[0] }, { ignoreDuplicates: true });
    expect(duplicate.error).toBeNull();
    expect(await storedFavourites(me.userId)).toHaveLength(100);

    await me.client.from('favourites').delete().eq('reader_id', readers[0]);
    expect((await me.client.from('favourites').insert({ reader_id: readers[100] })).error).toBeNull();
    expect(await storedFavourites(me.userId)).toHaveLength(100);
  });

  test('101 sent in one request are refused together, and none is kept', async () => {
    const me = await signUpClient('fav-batch');
    const readers = await bulkReaders('fav-batch', 101);
    const refused = await me.client.from('favourites').insert(readers.map((reader_id) => ({ reader_id })));
    expect([refused.status, refused.error?.code, refused.error?.details]).toEqual([
      400,
      '23514',
      'A client keeps at most 100 favourites: remove one to add another.',
    ]);
    expect(await storedFavourites(me.userId)).toEqual([]);
    expect((await me.client.from('favourites').insert(readers.slice(0, 100).map((reader_id) => ({ reader_id })))).error).toBeNull();
    expect(await storedFavourites(me.userId)).toHaveLength(100);
  });

  test('two additions at once when one place is left: the second waits for the first and is refused', async () => {
    const me = await signUpClient('fav-race');
    const readers = await bulkReaders('fav-race', 101);
    await sql(stack, 'insert into public.favourites (client_id, reader_id) select $1, unnest($2::uuid[])', [me.userId, readers.slice(0, 99)]);
    // The 100th is being added (another tab, say) and not yet committed when the client adds a 101st.
    const first = new pg.Client({ connectionString: stack.dbUrl });
    await first.connect();
    try {
      await first.query('begin');
      await first.query('insert into public.favourites (client_id, reader_id) values ($1, $2)', [me.userId, readers[99]]);
      let settled = false;
      const second = Promise.resolve(me.client.from('favourites').insert({ reader_id: readers[100] })).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await first.query('commit');
      expect((await second).error?.code).toBe('23514');
    } finally {
      await first.end();
    }
    expect(await storedFavourites(me.userId)).toHaveLength(100);
  });
});

describe('favourites go with either account', () => {
  test("deleting a client's account removes their favourites; deleting a reader's removes everyone's favourites of them", async () => {
    const leaving = await signUpClient('fav-leaving');
    const staying = await signUpClient('fav-staying');
    const [luna, orion] = await bulkReaders('fav-accounts', 2);
    await sql(stack, 'insert into public.favourites (client_id, reader_id, notify) values ($1, $3, true), ($1, $4, false), ($2, $3, true), ($2, $4, true)', [
      leaving.userId,
      staying.userId,
      luna,
      orion,
    ]);

    await sql(stack, 'delete from auth.users where id = $1', [leaving.userId]);
    expect(await storedFavourites(leaving.userId)).toEqual([]);
    expect(await storedFavourites(staying.userId)).toHaveLength(2);

    await sql(stack, 'delete from auth.users where id = $1', [luna]);
    expect(await storedFavourites(staying.userId)).toEqual([{ reader_id: orion, notify: true }]);
    expect(await sql(stack, 'select count(*)::int as n from public.favourites where reader_id = $1', [luna])).toEqual([{ n: 0 }]);
  });
});
