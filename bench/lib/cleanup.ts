import type pg from 'pg';
import { clearStaleReaders, makeStaleReaders } from './dataset.ts';

export interface CleanupMeasure {
  fn: 'mark_inactive_readers_offline' | 'cleanup_reader_presence';
  stale: number;
  changed: number;
  /** Median, fastest and slowest of the repeats, as seen by a client on 127.0.0.1. */
  ms: { median: number; min: number; max: number };
  walBytes: number;
  /** EXPLAIN ANALYZE of the statements inside, from one more run (auto_explain), for the report. */
  plan: string;
}

/**
 * The plans of every statement a function runs, as auto_explain logs them; LOG messages reach this
 * client as notices while client_min_messages is log. Not timed: instrumentation slows it down.
 */
async function plansOfStatementsIn(db: pg.Client, call: string): Promise<string> {
  const plans: string[] = [];
  const collect = (message: { message?: string }) => {
    // Only statements that touch tables: not set_config() calls nor the wrappers around the work.
    if (message.message?.startsWith('duration:') && /(Scan|Update|Insert|Delete) on /.test(message.message)) plans.push(message.message);
  };
  db.on('notice', collect);
  try {
    await db.query(`load 'auto_explain';
      set auto_explain.log_min_duration = 0; set auto_explain.log_analyze = on; set auto_explain.log_buffers = on;
      set auto_explain.log_wal = on; set auto_explain.log_triggers = on; set auto_explain.log_nested_statements = on;
      set client_min_messages = log`);
    await db.query(call);
  } finally {
    await db.query('reset client_min_messages; set auto_explain.log_min_duration = -1');
    db.off('notice', collect);
  }
  return plans.join('\n\n');
}

/** Each cleanup function, `repeats` times, on `stale` readers flagged online but silent for 11 minutes. */
export async function measureCleanups(db: pg.Client, stale: number, repeats = 3): Promise<CleanupMeasure[]> {
  const results: CleanupMeasure[] = [];
  for (const fn of ['mark_inactive_readers_offline', 'cleanup_reader_presence'] as const) {
    const times: number[] = [];
    let changed = 0;
    let walBytes = 0;
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      await makeStaleReaders(db, stale);
      const { rows: [start] } = await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      const started = performance.now();
      const { rows: [result] } = await db.query<{ changed: number }>(`select public.${fn}() as changed`);
      times.push(performance.now() - started);
      const { rows: [wal] } = await db.query<{ bytes: string }>('select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), $1)::bigint as bytes', [start!.lsn]);
      changed = result!.changed;
      walBytes = Number(wal!.bytes);
      await clearStaleReaders(db);
    }
    times.sort((a, b) => a - b);
    await makeStaleReaders(db, stale);
    const plan = await plansOfStatementsIn(db, `select public.${fn}()`);
    await clearStaleReaders(db);
    results.push({ fn, stale, changed, ms: { median: times[Math.floor(times.length / 2)]!, min: times[0]!, max: times.at(-1)! }, walBytes, plan });
  }
  return results;
}
