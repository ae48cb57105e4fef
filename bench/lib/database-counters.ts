import type pg from 'pg';

/** What writes cost between two WAL positions, read from the WAL itself (pg_walinspect). */
export interface WriteCost {
  /** Row updates (heap UPDATE and HOT_UPDATE records). */
  updates: number;
  hotUpdates: number;
  walBytes: number;
  /** Of walBytes, whole pages logged by the first write to each page after a checkpoint. */
  fullPageImageBytes: number;
  /** B-tree index entries written (insert and split records). */
  indexWrites: number;
}

export interface TableUpdates {
  updates: number;
  hotUpdates: number;
}

export async function enableWalInspection(db: pg.Client): Promise<void> {
  await db.query('create extension if not exists pg_walinspect');
}

export async function walPosition(db: pg.Client): Promise<string> {
  const {
    rows: [position],
  } = await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
  return position!.lsn;
}

/** WAL can be read once it is flushed; asynchronous commits reach the disk within a second. */
async function waitForFlush(db: pg.Client, to: string): Promise<void> {
  await db.query(`do $$ begin
    for attempt in 1..200 loop
      exit when pg_current_wal_flush_lsn() >= '${to}'::pg_lsn;
      perform pg_sleep(0.05);
    end loop;
  end $$`);
}

/** The transaction id of the caller's open transaction, assigning one if it has none yet. */
export async function currentTransactionId(db: pg.Client): Promise<string> {
  const {
    rows: [current],
  } = await db.query<{ xid: string }>('select pg_current_xact_id()::xid::text as xid');
  return current!.xid;
}

/** The WAL one transaction wrote: all of it, and the part that went into some tables and their indexes. */
export interface TransactionWal {
  bytes: number;
  bytesInto: number;
}

/**
 * The WAL records one transaction wrote between two positions, its subtransactions' too (an
 * exception block in PL/pgSQL is one, as in realtime.send), whole-page images left out: a plain
 * position difference also counts other backends' records and the first write to each page after
 * a checkpoint, which follow the machine rather than the statement measured. `bytesInto` is the
 * part written to `into` (tables, with their indexes): unlike the total, which moves by hundreds
 * of bytes with where a row's new version lands, it isolates one statement's own writes.
 */
export async function transactionWalBetween(db: pg.Client, xid: string, from: string, to: string, into: readonly string[] = []): Promise<TransactionWal> {
  await waitForFlush(db, to);
  // The commit record lists the subtransactions that wrote: "...; subxacts: 812 813".
  const {
    rows: [wal],
  } = await db.query<{ bytes: string; bytes_into: string }>(
    `with records as (select * from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)),
          ours as (
            select $3::xid as xid
            union
            select sub::xid from records r,
                   regexp_split_to_table(substring(r.description from 'subxacts:((?: [0-9]+)+)'), ' ') as sub
            where r.xid = $3::xid and r.resource_manager = 'Transaction' and r.record_type = 'COMMIT' and sub <> ''
          ),
          targets as (
            select pg_relation_filenode(c.oid)::text as filenode from pg_class c
            where c.oid = any($4::regclass[]) or c.oid in (select indexrelid from pg_index where indrelid = any($4::regclass[]))
          )
     select coalesce(sum(r.record_length - r.fpi_length), 0) as bytes,
            coalesce(sum(r.record_length - r.fpi_length) filter (
              where substring(r.block_ref from 'rel [0-9]+/[0-9]+/([0-9]+)') in (select filenode from targets)), 0) as bytes_into
     from records r where r.xid in (select xid from ours)`,
    [from, to, xid, into],
  );
  return { bytes: Number(wal!.bytes), bytesInto: Number(wal!.bytes_into) };
}

/**
 * Transactions rolled back between two positions that had inserted into `relation` (by themselves
 * or in a subtransaction): Realtime's authorisation checks, each a transaction of its own that
 * inserts a probe into realtime.messages and always rolls back. Only transactions that wrote count
 * (a rollback of nothing logs nothing).
 */
export async function rolledBackInsertsInto(db: pg.Client, relation: string, from: string, to: string): Promise<number> {
  if (from === to) return 0;
  await waitForFlush(db, to);
  const {
    rows: [counted],
  } = await db.query<{ transactions: string }>(
    `with records as (select * from pg_get_wal_records_info($1::pg_lsn, $2::pg_lsn)),
          aborted as (
            select r.xid as top, r.xid as member from records r where r.resource_manager = 'Transaction' and r.record_type = 'ABORT'
            union all
            select r.xid, sub::xid from records r,
                   regexp_split_to_table(substring(r.description from 'subxacts:((?: [0-9]+)+)'), ' ') as sub
            where r.resource_manager = 'Transaction' and r.record_type = 'ABORT' and sub <> ''
          )
     select count(distinct a.top::text) as transactions
     from aborted a
     where exists (
       select from records i
       where i.xid = a.member and i.resource_manager = 'Heap' and i.record_type like 'INSERT%'
         and i.block_ref ~ ('rel [0-9]+/[0-9]+/' || pg_relation_filenode($3::regclass) || ' ')
     )`,
    [from, to, relation],
  );
  return Number(counted!.transactions);
}

/**
 * Counted from WAL records rather than pg_stat_user_tables, whose counters backends report up to
 * ten seconds late; between the two positions only the load being measured writes.
 */
export async function writeCostBetween(db: pg.Client, from: string, to: string): Promise<WriteCost> {
  if (from === to) return { updates: 0, hotUpdates: 0, walBytes: 0, fullPageImageBytes: 0, indexWrites: 0 };
  await waitForFlush(db, to);
  const {
    rows: [cost],
  } = await db.query<{ wal: string; fpi: string; updates: string; hot: string; index_writes: string }>(
    `with records as (
       select "resource_manager/record_type" as kind, count, fpi_size from pg_get_wal_stats($1::pg_lsn, $2::pg_lsn, true)
     )
     select pg_wal_lsn_diff($2::pg_lsn, $1::pg_lsn)::bigint as wal,
            coalesce((select sum(fpi_size) from records), 0) as fpi,
            coalesce((select sum(count) from records where kind ~ '^Heap/(UPDATE|HOT_UPDATE)'), 0) as updates,
            coalesce((select sum(count) from records where kind ~ '^Heap/HOT_UPDATE'), 0) as hot,
            coalesce((select sum(count) from records where kind ~ '^Btree/(INSERT_LEAF|INSERT_UPPER|INSERT_POST|SPLIT)'), 0) as index_writes`,
    [from, to],
  );
  return {
    updates: Number(cost!.updates),
    hotUpdates: Number(cost!.hot),
    walBytes: Number(cost!.wal),
    fullPageImageBytes: Number(cost!.fpi),
    indexWrites: Number(cost!.index_writes),
  };
}

// Backends that went idle less than a second after their last report wait up to 10 s to report again.
const TABLE_STATS_SETTLE_MS = 11_000;

/** pg_stat_user_tables' update counters of each table, once every backend has reported (call when no load runs). */
export async function settledTableUpdates<Table extends string>(db: pg.Client, tables: Record<Table, string>): Promise<Record<Table, TableUpdates>> {
  await new Promise((resolve) => setTimeout(resolve, TABLE_STATS_SETTLE_MS));
  const { rows } = await db.query<{ name: string; updates: string; hot: string }>(
    `select schemaname || '.' || relname as name, n_tup_upd as updates, n_tup_hot_upd as hot
     from pg_stat_user_tables where schemaname || '.' || relname = any ($1)`,
    [Object.values(tables)],
  );
  const byName = new Map(rows.map((row) => [row.name, { updates: Number(row.updates), hotUpdates: Number(row.hot) }]));
  return Object.fromEntries(Object.entries<string>(tables).map(([key, name]) => [key, byName.get(name)!])) as Record<Table, TableUpdates>;
}

/** Who a measured query runs as: the role and JWT claims PostgREST would set for the request. */
export interface RequestClaims {
  role: 'anon' | 'authenticated' | 'service_role';
  /** The signed-in user, for a query that reads auth.uid(). */
  sub?: string;
  /** Their auth session, for a function that checks it is still active. */
  session_id?: string;
}

/** For the rest of the transaction, as PostgREST does for a request. */
export async function actAs(db: pg.Client, claims: RequestClaims): Promise<void> {
  await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [claims.role, JSON.stringify(claims)]);
}

/** Median execution time of a query in PostgreSQL (EXPLAIN ANALYZE) as the request's `claims` say, and its last plan. */
export async function timeInPostgres(db: pg.Client, query: string, values: unknown[], claims: RequestClaims, runs = 7): Promise<{ ms: number; plan: string }> {
  const times: number[] = [];
  let plan = '';
  for (let run = 0; run < runs; run += 1) {
    await db.query('begin');
    try {
      await actAs(db, claims);
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${query}`, values);
      plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      times.push(Number(/Execution Time: ([\d.]+) ms/.exec(plan)![1]));
    } finally {
      await db.query('rollback');
    }
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)]!, plan };
}

/**
 * The project's own functions a query's plan still calls, as `schema.name`: a SQL function that is
 * not inlined (it has a SET clause, or claims a volatility its body does not have) runs as a query
 * of its own for every row and every call site, which is where time goes when few buffers are read.
 */
export function functionsCalledIn(plan: string): string[] {
  // Only the plan's own lines: auto_explain prints each statement's text first, which names what it
  // calls whether or not the planner inlined it.
  let inText = false;
  const planLines = plan.split('\n').filter((line) => {
    if (line.startsWith('Query Text:')) inText = true;
    else if (inText && (/\(cost=/.test(line) || line.startsWith('Query Parameters:'))) inText = false;
    return !inText && !line.startsWith('Query Parameters:');
  });
  return [...new Set(planLines.flatMap((line) => [...line.matchAll(/\b((?:private|public)\.\w+)\(/g)].map((match) => match[1]!)))].sort();
}

/** The functions of ours a query calls per row (EXPLAIN VERBOSE shows every expression), as the request's `claims` say. */
export async function functionsCalledBy(db: pg.Client, query: string, values: unknown[], claims: RequestClaims): Promise<string[]> {
  await db.query('begin');
  try {
    await actAs(db, claims);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`explain (verbose, costs off) ${query}`, values);
    // The function a query calls by name (an RPC) is the request itself, not a per-row call.
    return functionsCalledIn(rows.map((row) => row['QUERY PLAN']).join('\n')).filter((name) => !query.includes(`${name}(`));
  } finally {
    await db.query('rollback');
  }
}
