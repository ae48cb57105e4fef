import type pg from 'pg';
import { autoExplained } from '../../tests/support/auto-explain.ts';
import { writeCostBetween, type WriteCost } from './database-counters.ts';
import { clearStaleReaders, makeStaleReaders } from './dataset.ts';

export type PresenceJob = 'mark_inactive_readers_offline' | 'cleanup_reader_presence' | 'refresh_reader_directory_stats' | 'record_presence_minute';

export interface CleanupMeasure {
  fn: PresenceJob;
  /** Stale readers (a device heard eleven minutes ago, recorded available) present when it ran. */
  stale: number;
  /** Readers whose status it recorded (the minute's recording: counter rows folded); null for a job that changes nothing it counts. */
  changed: number | null;
  /** Median, fastest and slowest of the repeats, as seen by a client on 127.0.0.1. */
  ms: { median: number; min: number; max: number };
  walBytes: number;
  /** What the median run wrote, from its WAL: row updates and how many were HOT, index entries, full-page images. */
  cost: WriteCost;
  /** EXPLAIN ANALYZE of the statements inside, from one more run (auto_explain), for the report. */
  plan: string;
}

/**
 * A statement run once per row (a trigger's, as each transition's push) is logged once per run: the
 * first plan of each statement stands for all its runs, with their number. Runs are the same
 * statement when their logs differ in numbers only (times, costs, buffers).
 */
export function oncePerStatement(plans: readonly string[]): string[] {
  const byStatement = new Map<string, { plan: string; runs: number }>();
  for (const plan of plans) {
    const statement = plan.replace(/\d+(\.\d+)?/g, '#');
    const seen = byStatement.get(statement);
    if (seen) seen.runs += 1;
    else byStatement.set(statement, { plan, runs: 1 });
  }
  return [...byStatement.values()].map(({ plan, runs }) => (runs === 1 ? plan : `${plan}\n(ran ${runs} times in all; the first run is shown)`));
}

/** The plans of the statements inside a job that touch tables (not set_config() calls nor the wrappers around the work). */
async function plansOfStatementsIn(db: pg.Client, call: string): Promise<string> {
  const plans = await autoExplained(db, async () => {
    await db.query(call);
  });
  return oncePerStatement(plans.filter((plan) => /(Scan|Update|Insert|Delete) on /.test(plan))).join('\n\n');
}

interface JobCall {
  fn: PresenceJob;
  /** Answers one row with `changed`. */
  call: string;
  /** Whether it runs on stale readers (the cleanups) or on the data set as it is (the counts). */
  onStale: boolean;
}

/** The every-minute and every-ten-minutes jobs of the presence schedule, as the scheduler calls them. */
export const PRESENCE_JOBS: JobCall[] = [
  { fn: 'mark_inactive_readers_offline', call: 'select public.mark_inactive_readers_offline() as changed', onStale: true },
  { fn: 'cleanup_reader_presence', call: 'select public.cleanup_reader_presence() as changed', onStale: true },
  { fn: 'refresh_reader_directory_stats', call: 'select private.refresh_reader_directory_stats(), null::integer as changed', onStale: false },
  // The every-minute job that runs: the directory counts above, plus the minute's row of the
  // presence series (readers recorded online but stale counted too) and this minute's counters.
  { fn: 'record_presence_minute', call: 'select private.record_presence_minute() as changed', onStale: true },
];

/**
 * Each job, `repeats` times: the cleanups and the minute's recording on `stale` readers whose device
 * went silent eleven minutes ago while they are recorded available, the directory counts on the
 * data set as it is.
 */
export async function measureCleanups(db: pg.Client, stale: number, repeats = 3): Promise<CleanupMeasure[]> {
  const results: CleanupMeasure[] = [];
  for (const job of PRESENCE_JOBS) {
    const runs: Array<{ ms: number; changed: number | null; cost: WriteCost }> = [];
    for (let repeat = 0; repeat < repeats; repeat += 1) {
      if (job.onStale) await makeStaleReaders(db, stale);
      const {
        rows: [start],
      } = await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      const started = performance.now();
      const {
        rows: [result],
      } = await db.query<{ changed: number | null }>(job.call);
      const ms = performance.now() - started;
      const {
        rows: [end],
      } = await db.query<{ lsn: string }>('select pg_current_wal_insert_lsn()::text as lsn');
      runs.push({ ms, changed: result!.changed, cost: await writeCostBetween(db, start!.lsn, end!.lsn) });
      if (job.onStale) await clearStaleReaders(db);
    }
    runs.sort((a, b) => a.ms - b.ms);
    const middle = runs[Math.floor(runs.length / 2)]!;
    if (job.onStale) await makeStaleReaders(db, stale);
    const plan = await plansOfStatementsIn(db, job.call);
    if (job.onStale) await clearStaleReaders(db);
    results.push({
      fn: job.fn,
      stale: job.onStale ? stale : 0,
      changed: middle.changed,
      ms: { median: middle.ms, min: runs[0]!.ms, max: runs.at(-1)!.ms },
      walBytes: middle.cost.walBytes,
      cost: middle.cost,
      plan,
    });
  }
  return results;
}
