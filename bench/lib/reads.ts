/**
 * What visitors read, the project's queries against the seed's: time in PostgreSQL (EXPLAIN
 * ANALYZE as the anon role, plan kept) and requests per second over HTTP through the gateway.
 */
import type pg from 'pg';
import type { BenchStack } from './bench-stack.ts';
import { signJwt } from '../../local-stack/jwt.ts';
import { functionsCalledBy, timeInPostgres, type RequestClaims } from './database-counters.ts';
import { runLoad, type LoadResult } from './load.ts';

export interface ReadMeasure {
  name: string;
  design: 'project' | 'seed';
  postgresMs: number;
  plan: string;
  http: LoadResult;
  /** Size of one answer's body (JSON), bytes. */
  responseBytes: number;
  /** Functions of ours its plan calls per row instead of inlining them (EXPLAIN VERBOSE). */
  calls?: string[];
}

interface ReadQuery {
  name: string;
  design: 'project' | 'seed';
  /** The SQL PostgREST runs for the request, give or take its JSON wrapping. */
  sql: string;
  /** `ids` is a set of reader ids for the status queries, ignored by the others. */
  sqlValues: (ids: string[]) => unknown[];
  request: (stack: BenchStack, ids: string[]) => [path: string, init?: RequestInit];
  /** Run before it is measured (as postgres). */
  prepare?: (db: pg.Client) => Promise<void>;
  /** Who asks, made before it is measured; a visitor (anon) when not given. */
  caller?: (db: pg.Client, stack: BenchStack) => Promise<ReadCaller>;
  /** For a function call: the statement inside it, whose plan shows what it calls per row. */
  innerSql?: string;
}

/** A signed-in user who asks, and the one set of reader ids their request names. */
interface ReadCaller {
  claims: RequestClaims;
  token: string;
  ids: string[];
}

const LEVEL_COLUMNS = 'id, name, color_theme, icon, base_price_per_minute, description';
/** A card as the readers page shows it: profile fields, the effective status and its message, "last seen", the server's clock. */
const CARD_COLUMNS =
  'id, display_name, avatar_url, specialties, average_rating, review_count, status, status_message, is_online, last_seen_at, server_time, next_window_starts_at, next_window_ends_at';
/** What the benchmark's readers page selects from public.reader_cards (the smoke test checks the app asks for no more). */
export const READERS_PAGE_SELECT = `${CARD_COLUMNS},readerLevel:level_id(${LEVEL_COLUMNS})`;
/** The directory's order (users_directory_idx): recorded status (available, busy, away, offline), best rated, id. */
const DIRECTORY_ORDER = 'order=recorded_status.asc,average_rating.desc,id.asc';

/** The SQL PostgREST runs for a page of reader_cards (or of a function returning them) with the level embedded (a lateral join per card). */
function readerCardsPageSql(where: string, order = 'c.recorded_status, c.average_rating desc, c.id', cards = 'public.reader_cards'): string {
  return `select ${CARD_COLUMNS.split(', ')
    .map((column) => `c.${column}`)
    .join(', ')}, lvl."readerLevel"
          from ${cards} c
          left join lateral (
            select to_jsonb(l1) as "readerLevel"
            from (select ${LEVEL_COLUMNS.split(', ')
              .map((column) => `l.${column}`)
              .join(', ')} from public.reader_levels l where l.id = c.level_id) l1
          ) lvl on true
          ${where}
          order by ${order} limit 24`;
}

export const READERS_PAGE = 'Readers page (first page, online first)';
export const AVAILABLE_NOW_PAGE = 'Readers page, available now (first page)';
export const DIRECTORY_SUMMARY = 'Readers page summary (reader and online counts)';
export const FAVOURITES_PAGE = 'Readers page, your favourites (100 ids, first page)';
export const LATER_TODAY_PAGE = 'Readers page, available later today (first page)';

/** "Later today" as a visitor twelve hours before their midnight asks for it: windows starting from now until then. */
const laterTodayBounds = () => ({ after: new Date().toISOString(), before: new Date(Date.now() + 12 * 3600_000).toISOString() });
export const statusQueryName = (count: number) => `getReadersOnlineStatus, ${count} ids`;

function statusQueries(count: number): ReadQuery[] {
  return [
    {
      name: statusQueryName(count),
      design: 'project',
      sql: 'select * from public.get_readers_online_status($1)',
      innerSql: 'select c.id, c.is_online, c.status, c.status_message, c.last_seen_at, c.server_time from public.reader_cards c where c.id = any ($1)',
      sqlValues: (ids) => [ids],
      request: (_, ids) => ['/rest/v1/rpc/get_readers_online_status', { method: 'POST', body: JSON.stringify({ reader_ids: ids }) }],
    },
    {
      name: statusQueryName(count),
      design: 'seed',
      sql: 'select id, is_online, last_seen_at from public.seed_users where id = any ($1) and is_reader = true',
      sqlValues: (ids) => [ids],
      request: (_, ids) => [`/rest/v1/seed_users?select=id,is_online,last_seen_at&id=in.(${ids.join(',')})&is_reader=eq.true`],
    },
  ];
}

export const READ_QUERIES: Array<ReadQuery & { ids: number }> = [
  {
    name: READERS_PAGE,
    design: 'project',
    ids: 0,
    sql: readerCardsPageSql(''),
    sqlValues: () => [],
    request: () => [`/rest/v1/reader_cards?select=${encodeURIComponent(READERS_PAGE_SELECT)}&${DIRECTORY_ORDER}&limit=24`],
  },
  {
    name: READERS_PAGE,
    design: 'seed',
    ids: 0,
    // The seed's fetchAllReaders(): every reader, best rated first; PostgREST's max-rows caps it at 1000.
    sql: `select u.*, to_jsonb(l) as "readerLevel"
          from public.seed_users u left join public.reader_levels l on l.id = u.level_id
          where u.is_reader = true order by u.average_rating desc limit 1000`,
    sqlValues: () => [],
    request: () => [`/rest/v1/seed_users?select=${encodeURIComponent(`*,readerLevel:level_id(${LEVEL_COLUMNS})`)}&is_reader=eq.true&order=average_rating.desc`],
  },
  {
    // The "Available now" filter: the index range of readers recorded available, checked against the rule.
    name: AVAILABLE_NOW_PAGE,
    design: 'project',
    ids: 0,
    sql: readerCardsPageSql(`where c.recorded_status = 'available' and c.status = 'available'`),
    sqlValues: () => [],
    request: () => [
      `/rest/v1/reader_cards?select=${encodeURIComponent(READERS_PAGE_SELECT)}&recorded_status=eq.available&status=eq.available&${DIRECTORY_ORDER}&limit=24`,
    ],
  },
  {
    name: DIRECTORY_SUMMARY,
    design: 'project',
    ids: 0,
    sql: 'select * from public.reader_directory_summary()',
    sqlValues: () => [],
    request: () => ['/rest/v1/rpc/reader_directory_summary', { method: 'POST', body: '{}' }],
    // The minute job's counts, fresh, so the summary reads its one row rather than counting live.
    prepare: async (db) => {
      await db.query('select private.refresh_reader_directory_stats()');
    },
  },
  {
    // A client with the most favourites one may keep (100), in directory order, as the app asks:
    // the first page cut by favourite_reader_cards from their own list, only its cards computed,
    // narrowed to the ids the page has.
    name: FAVOURITES_PAGE,
    design: 'project',
    ids: 0,
    sql: readerCardsPageSql('where c.id = any ($1)', undefined, 'public.favourite_reader_cards(24, 0)'),
    sqlValues: (ids) => [ids],
    // With the column it orders on, as the app asks (PostgREST 12 orders a function's rows only on selected columns).
    request: (_, ids) => [
      `/rest/v1/rpc/favourite_reader_cards?page_size=24&page_offset=0&select=${encodeURIComponent(`${READERS_PAGE_SELECT},recorded_status`)}&id=in.(${ids.join(',')})&${DIRECTORY_ORDER}`,
    ],
    caller: clientWithFavourites,
  },
  {
    // users_next_window_idx: a range of window starts, soonest first, of readers not recorded available; then the rule now.
    name: LATER_TODAY_PAGE,
    design: 'project',
    ids: 0,
    sql: readerCardsPageSql(
      `where c.next_window_starts_at > now() and c.next_window_starts_at < now() + interval '12 hours' and c.recorded_status <> 'available' and c.status <> 'available'`,
      'c.next_window_starts_at, c.average_rating desc, c.id',
    ),
    sqlValues: () => [],
    request: () => {
      const { after, before } = laterTodayBounds();
      return [
        `/rest/v1/reader_cards?select=${encodeURIComponent(READERS_PAGE_SELECT)}&next_window_starts_at=gt.${after}&next_window_starts_at=lt.${before}&recorded_status=neq.available&status=neq.available&order=next_window_starts_at.asc,average_rating.desc,id.asc&limit=24`,
      ];
    },
  },
  ...statusQueries(24).map((query) => ({ ...query, ids: 24 })),
  ...statusQueries(100).map((query) => ({ ...query, ids: 100 })),
];

/** A new client (one per dataset size) keeping 100 readers drawn from every reader, signed in. */
async function clientWithFavourites(db: pg.Client, stack: BenchStack): Promise<ReadCaller> {
  const {
    rows: [client],
  } = await db.query<{ id: string }>(
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
     values (gen_random_uuid(), 'authenticated', 'authenticated', 'favourites-' || gen_random_uuid() || '@bench.test', '{"display_name": "Favourites client"}', now(), now())
     returning id`,
  );
  const { rows } = await db.query<{ reader_id: string }>(
    `insert into public.favourites (client_id, reader_id)
     select $1, id from public.users where is_reader order by random() limit 100
     returning reader_id`,
    [client!.id],
  );
  const claims = { role: 'authenticated', sub: client!.id } as const;
  const token = signJwt({ ...claims, aud: 'authenticated', exp: Math.floor(Date.now() / 1000) + 24 * 3600 }, stack.jwtSecret);
  return { claims, token, ids: rows.map((row) => row.reader_id) };
}

/** Reader id sets to ask about, drawn from every reader (online and not), a different one per request. */
export async function readerIdSets(db: pg.Client, size: number, sets = 64): Promise<string[][]> {
  const { rows } = await db.query<{ id: string }>('select id from public.users where is_reader order by random() limit $1', [size * sets]);
  const ids = rows.map((row) => row.id);
  return Array.from({ length: sets }, (_, set) => ids.slice(set * size, set * size + size)).filter((set) => set.length > 0);
}

export async function measureReads(
  stack: BenchStack,
  db: pg.Client,
  options: { concurrency: number; seconds: number; warmupSeconds: number },
): Promise<ReadMeasure[]> {
  const idSets = new Map<number, string[][]>();
  for (const size of [24, 100]) idSets.set(size, await readerIdSets(db, size));
  const results: ReadMeasure[] = [];
  for (const query of READ_QUERIES) {
    await query.prepare?.(db);
    const caller = await query.caller?.(db, stack);
    const sets = caller ? [caller.ids] : (idSets.get(query.ids) ?? [[]]);
    const claims: RequestClaims = caller?.claims ?? { role: 'anon' };
    const { ms, plan } = await timeInPostgres(db, query.sql, query.sqlValues(sets[0]!), claims);
    const calls = await functionsCalledBy(db, query.innerSql ?? query.sql, query.sqlValues(sets[0]!), claims);
    let turn = 0;
    let responseBytes = 0;
    const http = await runLoad({
      concurrency: options.concurrency,
      warmupMs: options.warmupSeconds * 1000,
      durationMs: options.seconds * 1000,
      request: async () => {
        const [path, init] = query.request(stack, sets[turn++ % sets.length]!);
        const response = await fetch(`${stack.apiUrl}${path}`, {
          ...init,
          headers: { apikey: stack.anonKey, authorization: `Bearer ${caller?.token ?? stack.anonKey}`, 'content-type': 'application/json' },
        });
        const body = await response.arrayBuffer();
        if (!response.ok) throw new Error(`${query.name} (${query.design}): HTTP ${response.status} ${Buffer.from(body).toString().slice(0, 200)}`);
        responseBytes ||= body.byteLength;
      },
    });
    results.push({ name: query.name, design: query.design, postgresMs: ms, plan, http, responseBytes, calls });
  }
  return results;
}
