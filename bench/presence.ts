/**
 * Presence benchmark: capacity, cost per heartbeat, read latency and cleanup, the project's design
 * (presence per device, status computed by one rule) side by side with the seed's literal one, on a
 * throwaway local stack. Prints figures and writes bench/results/<date>.md, .json and .svg (or
 * BENCH_RESULTS_NAME), compared with the previous results; asserts nothing (shared machines are noisy).
 *
 *   npm run bench                       100,000 readers, about seven minutes
 *   BENCH_READERS=20000 npm run bench   see README for every setting
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startBenchStack, type BenchStack } from './lib/bench-stack.ts';
import { measureCleanups, type CleanupMeasure } from './lib/cleanup.ts';
import { benchConfigFromEnv, type BenchConfig } from './lib/config.ts';
import { enableWalInspection, settledTableUpdates, type TableUpdates } from './lib/database-counters.ts';
import { addReaderHours, addReaders, mirrorIntoSeedDesign, onlineDevices, presenceCounts, setOnlineReaders } from './lib/dataset.ts';
import { growthChartSvg } from './lib/growth-chart.ts';
import {
  HEARTBEAT_TABLE,
  heartbeatRound,
  heartbeatStatements,
  inTurn,
  simulatedReaders,
  type HeartbeatPath,
  type HeartbeatRound,
  type StatementPlan,
} from './lib/heartbeats.ts';
import { describeMachine, type Machine } from './lib/machine.ts';
import { addAuditHistory, measureRollup, type RollupMeasure } from './lib/analytics.ts';
import { measureFollowedTransitions, type FollowedTransitionMeasure } from './lib/followers.ts';
import { measurePush, presencePushCount, type PushMeasure } from './lib/push.ts';
import { measureReadings, type ReadingsMeasure } from './lib/readings.ts';
import { measureReads, type ReadMeasure } from './lib/reads.ts';
import { renderReport, growthSeries } from './lib/report.ts';
import { freeResultsName, newestResults } from './lib/results-files.ts';

export interface GrowthStep {
  readers: number;
  online: number;
  /** The effective statuses of the online readers while reads were measured. */
  statuses?: { available: number; busy: number; away: number };
  stale: number;
  reads: ReadMeasure[];
  cleanups: CleanupMeasure[];
}

/** The presence model this benchmark measures; older results have none (the users.is_online flag of issue 11). */
export const PRESENCE_MODEL = 'per-device status (issue 12)';

export type RecordedConfig = Omit<BenchConfig, 'resultsDir' | 'resultsName' | 'previousResults' | 'schemaPatch'>;

export interface BenchResults {
  /** What presence design the project path had; absent in results from before issue 12. */
  model?: string;
  /** The migrations the stack applied: sha256 of their names and contents, in order (first 12 hex digits). */
  migrations?: { digest: string; files: string[] };
  /** SQL applied after the migrations (BENCH_SCHEMA_PATCH), when a proposed change was measured. */
  schemaPatch?: { file: string; digest: string; sql: string };
  startedAt: string;
  wallSeconds: number;
  machine: Machine;
  config: RecordedConfig;
  growth: GrowthStep[];
  heartbeats: HeartbeatRound[];
  /** pg_stat_user_tables over the whole heartbeat phase, warm-ups included: a cross-check of the WAL counts. */
  heartbeatTableStats: Record<HeartbeatPath, TableUpdates>;
  /** Every statement one more usual heartbeat ran in PostgreSQL, with its plan (rolled back). */
  heartbeatStatements?: StatementPlan[];
  /** Whether those were logged on a connection that had run a heartbeat before (plans cached); older results: the first. */
  heartbeatStatementsWarm?: boolean;
  /** Messages the heartbeat rounds added to the presence topic (must be none); absent before issue 13. */
  heartbeatPushes?: number;
  /** Status changes pushed to Realtime subscribers; absent before issue 13. */
  push?: PushMeasure;
  /** A transition to available with followers to notify; absent before issue 14. */
  followedTransition?: FollowedTransitionMeasure;
  /** The daily presence_analytics rollup of one day, with a month of audit history; absent before issue 15. */
  rollup?: RollupMeasure;
  /** Video readings: each step's cost, the overdue-readings job, a call's signalling; absent before issue 16. */
  readings?: ReadingsMeasure;
}

const MIGRATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'supabase', 'migrations');

/** Which schema a run measured: the migrations' names and a digest of their contents, read when the stack starts. */
export function migrationsDigest(dir = MIGRATIONS_DIR): { digest: string; files: string[] } {
  const files = fs
    .readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file}\n`).update(fs.readFileSync(path.join(dir, file)));
  return { digest: hash.digest('hex').slice(0, 12), files };
}

function readSchemaPatch(file: string): { file: string; digest: string; sql: string } {
  const sql = fs.readFileSync(file, 'utf8');
  return { file: path.relative(process.cwd(), path.resolve(file)), digest: createHash('sha256').update(sql).digest('hex').slice(0, 12), sql };
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
  const migrations = migrationsDigest();
  const schemaPatch = config.schemaPatch ? readSchemaPatch(config.schemaPatch) : undefined;
  const stack = await startBenchStack();
  const db = new pg.Client({ connectionString: stack.dbUrl });
  try {
    await db.connect();
    if (schemaPatch) {
      log(`Applying ${schemaPatch.file} after the migrations`);
      await db.query(schemaPatch.sql);
      await db.query(`notify pgrst, 'reload schema'`);
    }
    await enableWalInspection(db);
    const machine = await describeMachine(db);
    const growth: GrowthStep[] = [];
    let seeded = 0;
    for (const size of config.growth) {
      log(`Seeding readers ${seeded + 1}..${size}`);
      await addReaders(db, seeded + 1, size);
      await addReaderHours(db, seeded + 1, size);
      seeded = size;
      const online = scaled(config.online, size, config);
      const stale = Math.max(1, scaled(config.stale, size, config));
      await setOnlineReaders(db, size, online);
      const { available, busy, away } = await presenceCounts(db);
      await mirrorIntoSeedDesign(db);
      await waitForSeedTable(stack);
      log(`  reads at ${size} readers (${online} online: ${available} available, ${busy} busy, ${away} away)`);
      const reads = await measureReads(stack, db, { concurrency: config.readConcurrency, seconds: config.readSeconds, warmupSeconds: config.warmupSeconds });
      log(`  cleanups of ${stale} stale readers, and the directory counts`);
      const cleanups = await measureCleanups(db, stale);
      growth.push({ readers: size, online, statuses: { available, busy, away }, stale, reads, cleanups });
    }

    // Heartbeats come from every reader, online on one device each and taking turns: at several
    // hundred a second that puts each device's heartbeats minutes apart, as on the 60-second
    // interval, so none is absorbed by the 15-second rate limit and both paths do the same writes.
    // The devices exist up front (heard 20 to 60 s ago), as the seed's rows do: every measured
    // heartbeat takes the usual path, and the first heartbeat of a session is not measured.
    log('Putting every reader online, on one device each, for the heartbeat rounds');
    await setOnlineReaders(db, config.readers, config.readers, { idle: false });
    await mirrorIntoSeedDesign(db);
    await waitForSeedTable(stack);
    const readers = simulatedReaders(stack, await onlineDevices(db));
    const nextReader = { project: inTurn(readers), seed: inTurn(readers) };
    const tableStatsBefore = await settledTableUpdates(db, HEARTBEAT_TABLE);
    const pushesBefore = await presencePushCount(db);
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
    const heartbeatPushes = (await presencePushCount(db)) - pushesBefore;
    if (heartbeatPushes !== 0) throw new Error(`the heartbeat rounds pushed ${heartbeatPushes} messages to the presence topic: heartbeats must push nothing`);
    const heartbeatTableStats = {
      project: updatesBetween(tableStatsBefore.project, tableStatsAfter.project),
      seed: updatesBetween(tableStatsBefore.seed, tableStatsAfter.seed),
    };
    log('Plans of the statements inside one heartbeat');
    const statements = await heartbeatStatements(db, readers[0]!);
    log(`Push: ${config.pushSubscribers} subscribers, ${config.pushTransitions} transitions one at a time, a burst of ${config.pushBurst}`);
    const push = await measurePush(
      stack,
      db,
      readers.map((reader) => reader.id),
      { subscribers: config.pushSubscribers, transitions: config.pushTransitions, burst: config.pushBurst },
    );
    log(`Followers: a transition to available with ${config.followers} clients to notify`);
    const followedTransition = await measureFollowedTransitions(
      db,
      readers.slice(2 * config.pushTransitions + config.pushBurst).map((reader) => reader.id),
      config.followers,
    );
    log('Analytics: a month of audit history for one reader in ten, then one day rolled up for every reader');
    await addAuditHistory(db);
    const rollup = await measureRollup(db);
    log(
      `Video readings: ${config.readings} through each path among ${config.finishedReadings} finished ones, a call's signalling in each, then the overdue-readings job`,
    );
    const readings = await measureReadings(
      stack,
      db,
      readers.map((reader) => reader.id),
      { readings: config.readings, finishedReadings: config.finishedReadings },
    );
    const { resultsDir: _, resultsName: __, previousResults: ___, schemaPatch: ____, ...recorded } = config;
    return {
      model: PRESENCE_MODEL,
      migrations,
      ...(schemaPatch ? { schemaPatch } : {}),
      startedAt: new Date(started).toISOString(),
      wallSeconds: (Date.now() - started) / 1000,
      machine,
      config: recorded,
      growth,
      heartbeats,
      heartbeatTableStats,
      heartbeatStatements: statements,
      heartbeatStatementsWarm: true,
      heartbeatPushes,
      push,
      followedTransition,
      rollup,
      readings,
    };
  } finally {
    await db.end().catch(() => {});
    await stack.stop();
  }
}

export interface WriteOptions {
  /** File name without extension (default: the run's date); never overwrites, a suffix is added instead. */
  name?: string;
  /** Results to compare with: a JSON file; by default the newest results already in the folder. */
  previous?: string;
}

function loadPrevious(resultsDir: string, previous: string | undefined, except: string) {
  return previous
    ? { file: path.relative(resultsDir, previous), results: JSON.parse(fs.readFileSync(previous, 'utf8')) as BenchResults }
    : newestResults(resultsDir, except);
}

function writeReportAndChart(results: BenchResults, resultsDir: string, name: string, previous: ReturnType<typeof loadPrevious>): string {
  const chartFile = `${name}.svg`;
  fs.writeFileSync(
    path.join(resultsDir, chartFile),
    growthChartSvg(growthSeries(results), { title: 'Time in PostgreSQL as readers grow', yLabel: 'milliseconds (log scale)' }),
  );
  // Findings written after a run (<name>.notes.md) become the report's last section.
  const notesFile = path.join(resultsDir, `${name}.notes.md`);
  const notes = fs.existsSync(notesFile) ? fs.readFileSync(notesFile, 'utf8') : undefined;
  const reportPath = path.join(resultsDir, `${name}.md`);
  fs.writeFileSync(reportPath, renderReport(results, chartFile, previous ?? undefined, notes));
  return reportPath;
}

/** Writes <name>.md, <name>.json and <name>.svg into the results folder; returns the report's path. */
export function writeResults(results: BenchResults, resultsDir: string, options: WriteOptions = {}): string {
  fs.mkdirSync(resultsDir, { recursive: true });
  const name = freeResultsName(resultsDir, options.name ?? results.startedAt.slice(0, 10));
  const previous = loadPrevious(resultsDir, options.previous, `${name}.json`);
  fs.writeFileSync(path.join(resultsDir, `${name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  return writeReportAndChart(results, resultsDir, name, previous);
}

/**
 * The report and chart of saved results written again (after the renderer changed, or notes were
 * added): only <name>.md and <name>.svg next to the JSON are rewritten, the measurements never.
 * The comparison is with `previous`, or the newest results that ran before these.
 */
export function renderSavedResults(jsonPath: string, previous?: string): string {
  const resultsDir = path.dirname(jsonPath);
  const name = path.basename(jsonPath, '.json');
  const results = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as BenchResults;
  const earlier = previous ? loadPrevious(resultsDir, previous, `${name}.json`) : newestResults(resultsDir, `${name}.json`, results.startedAt);
  return writeReportAndChart(results, resultsDir, name, earlier);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--render') {
  // npm run bench -- --render bench/results/<name>.json
  const reportPath = renderSavedResults(process.argv[3] ?? '', process.env.BENCH_PREVIOUS || undefined);
  console.log(`Report: ${path.relative(process.cwd(), reportPath)} (and .svg)`);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const config = benchConfigFromEnv(process.env, path.join(path.dirname(fileURLToPath(import.meta.url)), 'results'));
  const results = await runBenchmark(config);
  const reportPath = writeResults(results, config.resultsDir, { name: config.resultsName, previous: config.previousResults });
  console.log(`\n${fs.readFileSync(reportPath, 'utf8')}\nReport: ${path.relative(process.cwd(), reportPath)} (and .json, .svg)`);
}
