/**
 * Presence benchmark: capacity, cost per heartbeat, read latency and cleanup, the project's design
 * side by side with the seed's literal one, on a throwaway local stack. Prints figures and writes
 * bench/results/<date>.md, .json and .svg; asserts nothing (shared machines are noisy).
 *
 *   npm run bench                       100,000 readers, about six minutes
 *   BENCH_READERS=20000 npm run bench   see README for every setting
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startBenchStack, type BenchStack } from './lib/bench-stack.ts';
import { measureCleanups, type CleanupMeasure } from './lib/cleanup.ts';
import { benchConfigFromEnv, type BenchConfig } from './lib/config.ts';
import { enableWalInspection, settledTableUpdates, type TableUpdates } from './lib/database-counters.ts';
import { addReaders, mirrorIntoSeedDesign, onlineReaderIds, setOnlineReaders } from './lib/dataset.ts';
import { growthChartSvg } from './lib/growth-chart.ts';
import { HEARTBEAT_TABLE, heartbeatRound, inTurn, simulatedReaders, type HeartbeatPath, type HeartbeatRound } from './lib/heartbeats.ts';
import { describeMachine, type Machine } from './lib/machine.ts';
import { measureReads, type ReadMeasure } from './lib/reads.ts';
import { renderReport, growthSeries } from './lib/report.ts';

export interface GrowthStep {
  readers: number;
  online: number;
  stale: number;
  reads: ReadMeasure[];
  cleanups: CleanupMeasure[];
}

export interface BenchResults {
  startedAt: string;
  wallSeconds: number;
  machine: Machine;
  config: Omit<BenchConfig, 'resultsDir'>;
  growth: GrowthStep[];
  heartbeats: HeartbeatRound[];
  /** pg_stat_user_tables over the whole heartbeat phase, warm-ups included: a cross-check of the WAL counts. */
  heartbeatTableStats: Record<HeartbeatPath, TableUpdates>;
}

const scaled = (count: number, size: number, config: BenchConfig) => Math.round((count * size) / config.readers);

async function waitForSeedTable(stack: BenchStack): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const response = await fetch(`${stack.apiUrl}/rest/v1/seed_users?select=id&limit=1`, { headers: { apikey: stack.anonKey } });
    await response.arrayBuffer();
    if (response.ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('PostgREST did not pick up the seed design table (NOTIFY pgrst reload schema).');
}

const updatesBetween = (before: TableUpdates, after: TableUpdates): TableUpdates => ({
  updates: after.updates - before.updates,
  hotUpdates: after.hotUpdates - before.hotUpdates,
});

export async function runBenchmark(config: BenchConfig, log: (line: string) => void = console.log): Promise<BenchResults> {
  const started = Date.now();
  const stack = await startBenchStack();
  const db = new pg.Client({ connectionString: stack.dbUrl });
  try {
    await db.connect();
    await enableWalInspection(db);
    const machine = await describeMachine(db);
    const growth: GrowthStep[] = [];
    let seeded = 0;
    for (const size of config.growth) {
      log(`Seeding readers ${seeded + 1}..${size}`);
      await addReaders(db, seeded + 1, size);
      seeded = size;
      const online = scaled(config.online, size, config);
      const stale = Math.max(1, scaled(config.stale, size, config));
      await setOnlineReaders(db, size, online);
      await mirrorIntoSeedDesign(db);
      await waitForSeedTable(stack);
      // What the every-minute job does: the page's summary reads the counts it records.
      await db.query('select public.refresh_reader_directory_stats()');
      log(`  reads at ${size} readers (${online} online)`);
      const reads = await measureReads(stack, db, { concurrency: config.readConcurrency, seconds: config.readSeconds, warmupSeconds: config.warmupSeconds });
      log(`  cleanups of ${stale} stale readers`);
      const cleanups = await measureCleanups(db, stale);
      growth.push({ readers: size, online, stale, reads, cleanups });
    }

    // Heartbeats come from every reader, online and taking turns: at several hundred a second that
    // puts each reader's heartbeats minutes apart, as on the 60-second interval, so none is absorbed
    // by the 15-second rate limit and both paths do the same writes.
    log('Putting every reader online for the heartbeat rounds');
    await setOnlineReaders(db, config.readers, config.readers);
    await mirrorIntoSeedDesign(db);
    await waitForSeedTable(stack);
    const readers = simulatedReaders(stack, await onlineReaderIds(db));
    const nextReader = { project: inTurn(readers), seed: inTurn(readers) };
    const tableStatsBefore = await settledTableUpdates(db, HEARTBEAT_TABLE);
    const heartbeats: HeartbeatRound[] = [];
    for (let round = 1; round <= config.heartbeatRounds; round += 1) {
      // Alternate which path goes first, so drift on a shared machine favours neither.
      const order: HeartbeatPath[] = round % 2 === 1 ? ['project', 'seed'] : ['seed', 'project'];
      for (const pathName of order) {
        log(`Heartbeats, round ${round}/${config.heartbeatRounds}, ${pathName} path`);
        heartbeats.push(
          await heartbeatRound(stack, db, pathName, round, nextReader[pathName], {
            concurrency: config.heartbeatConcurrency,
            warmupSeconds: config.warmupSeconds,
            seconds: config.heartbeatSeconds,
          }),
        );
      }
    }
    const tableStatsAfter = await settledTableUpdates(db, HEARTBEAT_TABLE);
    const heartbeatTableStats = {
      project: updatesBetween(tableStatsBefore.project, tableStatsAfter.project),
      seed: updatesBetween(tableStatsBefore.seed, tableStatsAfter.seed),
    };
    const { resultsDir: _, ...recorded } = config;
    return { startedAt: new Date(started).toISOString(), wallSeconds: (Date.now() - started) / 1000, machine, config: recorded, growth, heartbeats, heartbeatTableStats };
  } finally {
    await db.end().catch(() => {});
    await stack.stop();
  }
}

/** Writes <date>.md, <date>.json and <date>.svg into the results folder; returns the report's path. */
export function writeResults(results: BenchResults, resultsDir: string): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const name = results.startedAt.slice(0, 10);
  const chartFile = `${name}.svg`;
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(
    path.join(resultsDir, chartFile),
    growthChartSvg(growthSeries(results), { title: 'Time in PostgreSQL as readers grow', yLabel: 'milliseconds (log scale)' }),
  );
  const reportPath = path.join(resultsDir, `${name}.md`);
  fs.writeFileSync(reportPath, renderReport(results, chartFile));
  return reportPath;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = benchConfigFromEnv(process.env, path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'));
  const results = await runBenchmark(config);
  const reportPath = writeResults(results, config.resultsDir);
  console.log(`\n${fs.readFileSync(reportPath, 'utf8')}\nReport: ${path.relative(process.cwd(), reportPath)} (and .json, .svg)`);
}
