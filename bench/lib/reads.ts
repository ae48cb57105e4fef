/**
 * What visitors read, the project's queries against the seed's: time in PostgreSQL (EXPLAIN
 * ANALYZE as the anon role, plan kept) and requests per second over HTTP through the gateway.
 */
import type pg from 'pg';
import type { BenchStack } from './bench-stack.ts';
import { timeInPostgres } from './database-counters.ts';
import { runLoad, type LoadResult } from './load.ts';

export interface ReadMeasure {
  name: string;
  design: 'project' | 'seed';
  postgresMs: number;
  plan: string;
  http: LoadResult;
}

interface ReadQuery {
  name: string;
  design: 'project' | 'seed';
  /** The SQL PostgREST runs for the request, give or take its JSON wrapping. */
  sql: string;
  /** `ids` is a set of reader ids for the status queries, ignored by the others. */
  sqlValues: (ids: string[]) => unknown[];
  request: (stack: BenchStack, ids: string[]) => [path: string, init?: RequestInit];
}

const LEVEL_COLUMNS = 'id, name, color_theme, icon, base_price_per_minute, description';
const CARD_COLUMNS = 'id, display_name, avatar_url, specialties, average_rating, review_count, is_online, last_seen_at';
/** What the app's readers page selects (READER_CARD_COLUMNS; the smoke test keeps the two equal). */
export const READERS_PAGE_SELECT = `${CARD_COLUMNS},readerLevel:level_id(${LEVEL_COLUMNS})`;

function statusQueries(count: number): ReadQuery[] {
  return [
    {
      name: `getReadersOnlineStatus, ${count} ids`,
      design: 'project',
      sql: 'select * from public.get_readers_online_status($1)',
      sqlValues: (ids) => [ids],
      request: (_, ids) => ['/rest/v1/rpc/get_readers_online_status', { method: 'POST', body: JSON.stringify({ reader_ids: ids }) }],
    },
    {
      name: `getReadersOnlineStatus, ${count} ids`,
      design: 'seed',
      sql: 'select id, is_online, last_seen_at from public.seed_users where id = any ($1) and is_reader = true',
      sqlValues: (ids) => [ids],
      request: (_, ids) => [`/rest/v1/seed_users?select=id,is_online,last_seen_at&id=in.(${ids.join(',')})&is_reader=eq.true`],
    },
  ];
}

export const READ_QUERIES: Array<ReadQuery & { ids: number }> = [
  {
    name: 'Readers page (first page, online first)',
    design: 'project',
    ids: 0,
    sql: `select ${CARD_COLUMNS.split(', ').map((column) => `u.${column}`).join(', ')}, to_jsonb(l) as "readerLevel"
          from public.users u left join public.reader_levels l on l.id = u.level_id
          where u.is_reader order by u.is_online desc, u.average_rating desc, u.id limit 24`,
    sqlValues: () => [],
    request: () => [
      `/rest/v1/users?select=${encodeURIComponent(READERS_PAGE_SELECT)}` +
        '&is_reader=eq.true&order=is_online.desc,average_rating.desc,id.asc&limit=24',
    ],
  },
  {
    name: 'Readers page (first page, online first)',
    design: 'seed',
    ids: 0,
    // The seed's fetchAllReaders(): every reader, best rated first; PostgREST's max-rows caps it at 1000.
    sql: `select u.*, to_jsonb(l) as "readerLevel"
          from public.seed_users u left join public.reader_levels l on l.id = u.level_id
          where u.is_reader = true order by u.average_rating desc limit 1000`,
    sqlValues: () => [],
    request: () => [
      `/rest/v1/seed_users?select=${encodeURIComponent(`*,readerLevel:level_id(${LEVEL_COLUMNS})`)}&is_reader=eq.true&order=average_rating.desc`,
    ],
  },
  {
    name: 'Readers page summary (reader and online counts)',
    design: 'project',
    ids: 0,
    sql: 'select * from public.reader_directory_summary()',
    sqlValues: () => [],
    request: () => ['/rest/v1/rpc/reader_directory_summary', { method: 'POST', body: '{}' }],
  },
  ...statusQueries(24).map((query) => ({ ...query, ids: 24 })),
  ...statusQueries(100).map((query) => ({ ...query, ids: 100 })),
];

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
    const sets = idSets.get(query.ids) ?? [[]];
    const { ms, plan } = await timeInPostgres(db, query.sql, query.sqlValues(sets[0]!), 'anon');
    let turn = 0;
    const http = await runLoad({
      concurrency: options.concurrency,
      warmupMs: options.warmupSeconds * 1000,
      durationMs: options.seconds * 1000,
      request: async () => {
        const [path, init] = query.request(stack, sets[turn++ % sets.length]!);
        const response = await fetch(`${stack.apiUrl}${path}`, {
          ...init,
          headers: { apikey: stack.anonKey, authorization: `Bearer ${stack.anonKey}`, 'content-type': 'application/json' },
        });
        const body = await response.arrayBuffer();
        if (!response.ok) throw new Error(`${query.name} (${query.design}): HTTP ${response.status} ${Buffer.from(body).toString().slice(0, 200)}`);
      },
    });
    results.push({ name: query.name, design: query.design, postgresMs: ms, plan, http });
  }
  return results;
}
