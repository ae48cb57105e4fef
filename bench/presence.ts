/**
 * Presence benchmark on this machine: 100,000 readers on a throwaway local stack (embedded
 * PostgreSQL 17 + PostgREST 12). Prints figures; asserts nothing (shared machines are noisy).
 *   npm run bench            READERS=20000 HEARTBEATS=2000 LIST_SECONDS=3 npm run bench
 */
import { signJwt } from '../local-stack/jwt.ts';
import type { RunningStack } from '../local-stack/stack.ts';
import { sql, startTestStack } from '../tests/support/test-stack.ts';
import { runLoad } from './lib/load.ts';

const READERS = Number(process.env.READERS ?? 100_000);
const HEARTBEATS = Number(process.env.HEARTBEATS ?? 3_000);
const LIST_SECONDS = Number(process.env.LIST_SECONDS ?? 5);
const CONCURRENCY = 16;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

async function inParallel(count: number, task: (index: number) => Promise<void>): Promise<number> {
  let next = 0;
  const { ms } = await timed(() =>
    Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < count) await task(next++);
      }),
    ),
  );
  return ms;
}

async function tableCounters(stack: RunningStack) {
  const [row] = await sql<{ updates: string; hot: string; wal: string }>(stack, `
    select n_tup_upd as updates, n_tup_hot_upd as hot, pg_current_wal_lsn()::text as wal
    from pg_stat_user_tables where relid = 'public.users'::regclass`);
  return row!;
}

async function main(): Promise<void> {
  const stack = await startTestStack({ seed: false });
  try {
    console.log(`Seeding ${READERS} readers...`);
    await sql(stack, "insert into public.reader_levels (name, color_theme, icon, base_price_per_minute) values ('Apprentice', 'slate', 'sparkles', 1.99)");
    await sql(stack, `
      insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
      select gen_random_uuid(), 'authenticated', 'authenticated', 'bench-' || n || '@example.test',
             jsonb_build_object('display_name', 'Reader ' || n, 'is_reader', true), now(), now()
      from generate_series(1, $1::int) as n`, [READERS]);
    await sql(stack, 'update public.users set average_rating = round((random() * 5)::numeric, 2), is_online = true');
    await sql(stack, "update public.users set last_seen_at = now() - interval '1 minute'");
    await sql(stack, 'vacuum analyze public.users');
    const ids = (await sql<{ id: string }>(stack, 'select id from public.users order by random() limit $1', [HEARTBEATS])).map((r) => r.id);

    const listUrl = `${stack.apiUrl}/rest/v1/users?select=*,readerLevel:level_id(*)&is_reader=eq.true&order=average_rating.desc`;
    const list = await runLoad({
      concurrency: CONCURRENCY,
      warmupMs: 1_000,
      durationMs: LIST_SECONDS * 1_000,
      request: async () => {
        const response = await fetch(listUrl, { headers: { apikey: stack.anonKey } });
        if (!response.ok) throw new Error(`readers list: ${response.status}`);
        await response.arrayBuffer();
      },
    });
    const [plan] = await sql<{ 'QUERY PLAN': Array<{ 'Execution Time': number }> }>(
      stack,
      'explain (analyze, format json) select * from public.users where is_reader order by average_rating desc limit 1000',
    );
    const queryMs = plan!['QUERY PLAN'][0]!['Execution Time'];

    const before = await tableCounters(stack);
    const now = Math.floor(Date.now() / 1000);
    const tokens = ids.map((id) => signJwt({ sub: id, role: 'authenticated', aud: 'authenticated', exp: now + 3600 }, stack.jwtSecret));
    const heartbeatMs = await inParallel(tokens.length, async (index) => {
      const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/reader_heartbeat`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, authorization: `Bearer ${tokens[index]}`, 'content-type': 'application/json' },
        body: '{}',
      });
      if (!response.ok) throw new Error(`heartbeat: ${response.status} ${await response.text()}`);
      await response.arrayBuffer();
    });
    // Table statistics reach pg_stat_user_tables about a second after the backends go idle.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const after = await tableCounters(stack);
    const [{ bytes }] = (await sql(stack, 'select pg_wal_lsn_diff($1, $2)::bigint as bytes', [after.wal, before.wal])) as [{ bytes: string }];
    const updates = Number(after.updates) - Number(before.updates);
    const hot = Number(after.hot) - Number(before.hot);

    const absorbedMs = await inParallel(tokens.length, async (index) => {
      const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/reader_heartbeat`, {
        method: 'POST',
        headers: { apikey: stack.anonKey, authorization: `Bearer ${tokens[index]}`, 'content-type': 'application/json' },
        body: '{}',
      });
      await response.arrayBuffer();
    });

    await sql(stack, "update public.users set last_seen_at = now() - interval '6 minutes' where id in (select id from public.users where is_online limit 10000)");
    const cleanup = await timed(() => sql<{ changed: number }>(stack, 'select public.mark_inactive_readers_offline() as changed'));

    const figures = [
      ['readers', READERS],
      [
        'readers list through PostgREST (1000 rows + level)',
        `${list.perSecond.toFixed(1)} req/s at ${CONCURRENCY} concurrent, p50 ${list.latencyMs.p50.toFixed(0)} ms, p95 ${list.latencyMs.p95.toFixed(0)} ms, p99 ${list.latencyMs.p99.toFixed(0)} ms, ${list.errors} errors`,
      ],
      ['readers list query execution in PostgreSQL (1000 rows)', `${queryMs.toFixed(2)} ms`],
      ['heartbeats through PostgREST (writes)', `${(tokens.length / (heartbeatMs / 1000)).toFixed(0)} /s`],
      ['heartbeats absorbed by the rate limit', `${(tokens.length / (absorbedMs / 1000)).toFixed(0)} /s`],
      ['HOT updates among heartbeat writes', `${hot}/${updates} (${((hot / Math.max(updates, 1)) * 100).toFixed(0)}%)`],
      ['WAL per heartbeat', `${(Number(bytes) / tokens.length).toFixed(0)} B`],
      [`mark_inactive_readers_offline() on 10,000 stale`, `${cleanup.ms.toFixed(0)} ms, changed ${cleanup.result[0]?.changed}`],
    ];
    console.log('\nPresence benchmark');
    for (const [name, value] of figures) console.log(`  ${String(name).padEnd(52)} ${value}`);
  } finally {
    await stack.stop();
  }
}

await main();
