/** The benchmark's Markdown report and chart data, from its results alone (pure, so it is testable). */
import type { BenchResults } from '../presence.ts';
import type { CleanupMeasure } from './cleanup.ts';
import { functionsCalledIn } from './database-counters.ts';
import type { GrowthSeries } from './growth-chart.ts';
import type { HeartbeatPath, HeartbeatRound, StatementPlan } from './heartbeats.ts';
import { otherCpuSeconds } from './process-cpu.ts';
import type { RollupMeasure } from './analytics.ts';
import type { FollowedTransitionMeasure } from './followers.ts';
import type { PushMeasure } from './push.ts';
import { readingLifeCycle, type LifeCyclePart, type ReadingStep, type ReadingStepMeasure } from './reading-life-cycle.ts';
import type { OverdueJobRun, ReadingsMeasure } from './readings.ts';
import type { ReadMeasure } from './reads.ts';

// The names the reads are recorded under (reads.ts); kept here so the report reads old results too.
const READERS_PAGE = 'Readers page (first page, online first)';
const AVAILABLE_NOW_PAGE = 'Readers page, available now (first page)';
const DIRECTORY_SUMMARY = 'Readers page summary (reader and online counts)';
const FAVOURITES_PAGE = 'Readers page, your favourites (100 ids, first page)';
const LATER_TODAY_PAGE = 'Readers page, available later today (first page)';
const statusQuery = (count: number) => `getReadersOnlineStatus, ${count} ids`;
const HEARTBEAT_INTERVAL_SECONDS = 60;
/** What results without a `model` measured. */
const EARLIER_MODEL = 'users.is_online flag (issue 11)';

const fixed = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (value: number) => (Math.abs(value) < 10 ? fixed(value, 2) : fixed(value, Math.abs(value) < 100 ? 1 : 0));
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export interface PathTotals {
  requests: number;
  errors: number;
  seconds: number;
  writes: number;
  hotRatio: number;
  walPerWrite: number;
  /** WAL per write without full-page images, which depend on when the last checkpoint ran. */
  walRecordsPerWrite: number;
  indexWritesPerWrite: number;
  writesPerSecond: number;
  cpu: { postgres: number; postgrest: number; gateway: number; loadTool: number };
  /** CPU seconds other processes on the machine used meanwhile (not the benchmark's), when known. */
  otherCpu?: number;
}

export function pathTotals(rounds: readonly HeartbeatRound[], path: HeartbeatPath): PathTotals {
  const ofPath = rounds.filter((round) => round.path === path);
  const writes = sum(ofPath.map((round) => round.cost.updates));
  const seconds = sum(ofPath.map((round) => round.load.durationMs / 1000));
  const perWrite = (value: number) => (writes === 0 ? 0 : value / writes);
  const cpu = (part: keyof PathTotals['cpu']) => sum(ofPath.map((round) => round.cpu[part]));
  return {
    requests: sum(ofPath.map((round) => round.load.requests)),
    errors: sum(ofPath.map((round) => round.load.errors)),
    seconds,
    writes,
    hotRatio: perWrite(sum(ofPath.map((round) => round.cost.hotUpdates))),
    walPerWrite: perWrite(sum(ofPath.map((round) => round.cost.walBytes))),
    walRecordsPerWrite: perWrite(sum(ofPath.map((round) => round.cost.walBytes - round.cost.fullPageImageBytes))),
    indexWritesPerWrite: perWrite(sum(ofPath.map((round) => round.cost.indexWrites))),
    writesPerSecond: seconds === 0 ? 0 : writes / seconds,
    cpu: { postgres: cpu('postgres'), postgrest: cpu('postgrest'), gateway: cpu('gateway'), loadTool: cpu('loadTool') },
    ...(ofPath.length > 0 && ofPath.every((round) => otherCpuSeconds(round.cpu) !== undefined)
      ? { otherCpu: sum(ofPath.map((round) => otherCpuSeconds(round.cpu)!)) }
      : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Project against seed: a ratio only when both sides answered
// ---------------------------------------------------------------------------------------------

/** One side of a comparison: how many requests it answered (and failed), and the rate compared. */
export interface RateSide {
  label: string;
  answers: number;
  errors: number;
  firstError?: string;
  rate: number;
}

/**
 * A ratio of two rates, or why there is none: a side that answered no request (every one failed or
 * timed out), or answered but did nothing to compare, has no rate, and a ratio against it would be
 * a division by zero dressed up as a figure.
 */
export type RateComparison = { kind: 'ratio'; ratio: number } | { kind: 'none'; reason: string };

/** "HTTP 500 canceling statement due to statement timeout" from "<query> (seed): HTTP 500 {...,"message":"..."}". */
export function errorSummary(firstError: string | undefined): string {
  const text = (firstError ?? '').replace(/^.*?: (?=HTTP )/, '');
  const message = /"message":"((?:[^"\\]|\\.)*)"/.exec(text)?.[1];
  const status = /^HTTP \d+/.exec(text)?.[0];
  return (message && status ? `${status} ${message}` : text).slice(0, 120);
}

function silence(side: RateSide): string {
  const failures = side.errors === 0 ? 'no request completed' : `all ${fixed(side.errors)} requests failed`;
  return `${side.label} got no answers (${failures}${side.firstError ? `; first: ${side.firstError.slice(0, 120)}` : ''})`;
}

export function compareRates(project: RateSide, seed: RateSide): RateComparison {
  const silent = [project, seed].filter((side) => side.answers === 0);
  if (silent.length > 0) return { kind: 'none', reason: silent.map(silence).join('; ') };
  const idle = [project, seed].filter((side) => !(side.rate > 0));
  if (idle.length > 0) return { kind: 'none', reason: idle.map((side) => `${side.label} answered but measured nothing to compare (0/s)`).join('; ') };
  return { kind: 'ratio', ratio: project.rate / seed.rate };
}

export const describeComparison = (comparison: RateComparison, digits = 2) =>
  comparison.kind === 'ratio' ? `${fixed(comparison.ratio, digits)}×` : `no ratio: ${comparison.reason}`;

const writesPerSecond = (round: HeartbeatRound) => round.cost.updates / (round.load.durationMs / 1000);

const heartbeatSide = (round: HeartbeatRound): RateSide => ({
  label: `the ${round.path} path`,
  answers: round.load.requests,
  errors: round.load.errors,
  firstError: round.load.firstError,
  rate: writesPerSecond(round),
});

/** Project against seed, round by round: the ratio of heartbeat writes per second (when both answered), and both p95s. */
export function roundComparisons(rounds: readonly HeartbeatRound[]) {
  const numbers = [...new Set(rounds.map((round) => round.round))];
  return numbers.map((number) => {
    const project = rounds.find((round) => round.round === number && round.path === 'project')!;
    const seed = rounds.find((round) => round.round === number && round.path === 'seed')!;
    return { round: number, project, seed, comparison: compareRates(heartbeatSide(project), heartbeatSide(seed)) };
  });
}

const readSide = (measure: ReadMeasure, label: string): RateSide => ({
  label,
  answers: measure.http.requests,
  errors: measure.http.errors,
  firstError: measure.http.firstError,
  rate: measure.http.perSecond,
});

function read(reads: readonly ReadMeasure[], name: string, design: 'project' | 'seed'): ReadMeasure | undefined {
  return reads.find((measure) => measure.name === name && measure.design === design);
}

const job = (step: BenchResults['growth'][number], fn: CleanupMeasure['fn']) => step.cleanups.find((c) => c.fn === fn);

export function growthSeries(results: BenchResults): GrowthSeries[] {
  const series = (label: string, value: (step: BenchResults['growth'][number]) => number | undefined): GrowthSeries => ({
    label,
    points: results.growth.flatMap((step) => {
      const measured = value(step);
      return measured === undefined ? [] : [{ readers: step.readers, value: measured }];
    }),
  });
  return [
    series('Readers page, project', (step) => read(step.reads, READERS_PAGE, 'project')?.postgresMs),
    series('Readers page, seed (fetchAllReaders)', (step) => read(step.reads, READERS_PAGE, 'seed')?.postgresMs),
    series('Status of 100 readers, project', (step) => read(step.reads, statusQuery(100), 'project')?.postgresMs),
    series('Page summary counts, project', (step) => read(step.reads, DIRECTORY_SUMMARY, 'project')?.postgresMs),
    series('Cleanup of 10% stale (mark_inactive_readers_offline)', (step) => job(step, 'mark_inactive_readers_offline')?.ms.median),
    series('Readers page, available now, project', (step) => read(step.reads, AVAILABLE_NOW_PAGE, 'project')?.postgresMs),
    series('Directory counts job (refresh_reader_directory_stats)', (step) => job(step, 'refresh_reader_directory_stats')?.ms.median),
    series('Minute recording job (record_presence_minute)', (step) => job(step, 'record_presence_minute')?.ms.median),
  ];
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

export type TargetStatus = 'met' | 'missed' | 'not measured';

export interface Target {
  name: string;
  target: string;
  measured: string;
  status: TargetStatus;
  /** How far off, and why, when missed; what is missing, when not measured. */
  gap?: string;
}

const PART_NAMES: Record<keyof PathTotals['cpu'], string> = { postgres: 'PostgreSQL', postgrest: 'PostgREST', gateway: 'gateway', loadTool: 'load tool' };

const perThousand = (totals: PathTotals, part: keyof PathTotals['cpu']) => (totals.cpu[part] / Math.max(totals.requests, 1)) * 1000;

function cpuBreakdown(totals: PathTotals, cores: number): string {
  const parts = (Object.keys(PART_NAMES) as Array<keyof PathTotals['cpu']>).map((part) => `${PART_NAMES[part]} ${fixed(totals.cpu[part], 1)} s`);
  const others = totals.otherCpu === undefined ? '' : `; other work on the machine ${fixed(totals.otherCpu, 1)} s`;
  return `CPU over ${fixed(totals.seconds, 0)} s of load on ${cores} cores: ${parts.join(', ')}${others}`;
}

/** "calls private.a, private.b per row (not inlined)", or '' when the plan calls none of ours. */
function callsText(calls: readonly string[] | undefined): string {
  if (!calls || calls.length === 0) return '';
  return `its plan calls ${calls.map((name) => `\`${name}\``).join(', ')} as functions (not inlined, a query of their own per call)`;
}

/** Of the statements one heartbeat ran: how many, how many only computed an expression (SQL function bodies), the total. */
export function heartbeatStatementSummary(statements: readonly StatementPlan[] | undefined): string | undefined {
  if (!statements || statements.length === 0) return undefined;
  const top = statements.at(-1)!;
  const inner = statements.slice(0, -1);
  const expressions = inner.filter((statement) => !statement.touchesTables);
  return (
    `one heartbeat ran ${inner.length} statements inside \`reader_heartbeat()\` (${fixed(top.ms, 2)} ms in all under auto_explain), ` +
    `${expressions.length} of them reading no table: bodies of SQL helper functions run as queries of their own (${fixed(sum(expressions.map((e) => e.ms)), 2)} ms)`
  );
}

/** "Buffers: shared hit=35 read=2" of a plan's top node: the pages it touched. */
export function planBuffers(plan: string): number | undefined {
  const line = /Buffers: shared ([^\n]*)/.exec(plan)?.[1];
  if (line === undefined) return undefined;
  return sum([...line.matchAll(/(?:hit|read)=(\d+)/g)].map((match) => Number(match[1])));
}

/** The indexes a plan reads, in order of first use. */
export function planIndexes(plan: string): string[] {
  return [...new Set([...plan.matchAll(/ using (\w+)/g)].map((match) => match[1]!))];
}

function cleanupCost(cleanup: CleanupMeasure): string {
  const readers = Math.max(cleanup.changed ?? 0, 1);
  const base = `${fixed(cleanup.walBytes / readers)} B of WAL per reader`;
  if (!cleanup.cost) return base;
  const { updates, hotUpdates, indexWrites, fullPageImageBytes } = cleanup.cost;
  return (
    `${base} (${fixed(fullPageImageBytes / readers)} B of it full-page images), ${fixed(updates / readers, 2)} row updates ` +
    `(${fixed(updates === 0 ? 0 : (hotUpdates / updates) * 100)}% HOT) and ${fixed(indexWrites / readers, 2)} index entries per reader`
  );
}

const statusOf = (met: boolean): TargetStatus => (met ? 'met' : 'missed');

export function evaluateTargets(results: BenchResults): Target[] {
  const cores = results.machine.cores;
  const comparisons = roundComparisons(results.heartbeats);
  const project = pathTotals(results.heartbeats, 'project');
  const seed = pathTotals(results.heartbeats, 'seed');
  const largest = results.growth.at(-1)!;
  const readers = fixed(largest.readers);
  const targets: Target[] = [];

  // Heartbeats: rounds where the seed path answered nothing have no ratio and are left out; a round
  // where the project path answered nothing is a miss.
  const projectSilent = comparisons.filter((c) => c.project.load.requests === 0);
  const measured = comparisons.flatMap((c) => (c.comparison.kind === 'ratio' ? [{ ...c, ratio: c.comparison.ratio }] : []));
  const ratio = median(measured.map((c) => c.ratio));
  const lowerP95 = measured.filter((c) => c.project.load.latencyMs.p95 < c.seed.load.latencyMs.p95).length;
  const roundsText = comparisons.map((c) => describeComparison(c.comparison)).join(', ');
  targets.push({
    name: 'Heartbeat writes/s, project vs seed (median of rounds)',
    target: '≥ 1.4×, lower p95 in every round',
    measured:
      measured.length === 0
        ? `no ratio in any round (${roundsText})`
        : `${fixed(ratio, 2)}× (rounds: ${roundsText}); p95 lower in ${lowerP95}/${measured.length} rounds` +
          (measured.length < comparisons.length ? ` (${comparisons.length - measured.length} round(s) without a ratio left out)` : ''),
    status: projectSilent.length > 0 ? 'missed' : measured.length === 0 ? 'not measured' : statusOf(ratio >= 1.4 && lowerP95 === measured.length),
    gap:
      projectSilent.length > 0
        ? `The project path got no answers in round(s) ${projectSilent.map((c) => c.round).join(', ')}: ${projectSilent.map((c) => describeComparison(c.comparison)).join('; ')}.`
        : measured.length === 0
          ? `The seed path got no answers, so there is nothing to compare with: ${roundsText}.`
          : `${ratio < 1.4 ? `${fixed(1.4 - ratio, 2)}× short. ` : ''}${lowerP95 < measured.length ? `p95 not lower in ${measured.length - lowerP95} round(s). ` : ''}` +
            `Project: ${cpuBreakdown(project, cores)}. Seed: ${cpuBreakdown(seed, cores)}. ` +
            `Per 1,000 heartbeats PostgreSQL used ${fixed(perThousand(project, 'postgres'), 2)} CPU s on the project path and ${fixed(perThousand(seed, 'postgres'), 2)} on the seed's; ` +
            `PostgREST, the gateway and the load tool used ${fixed(perThousand(project, 'postgrest') + perThousand(project, 'gateway') + perThousand(project, 'loadTool'), 2)} and ` +
            `${fixed(perThousand(seed, 'postgrest') + perThousand(seed, 'gateway') + perThousand(seed, 'loadTool'), 2)} s, on the same ${cores} cores.` +
            (heartbeatStatementSummary(results.heartbeatStatements)
              ? ` In PostgreSQL, ${heartbeatStatementSummary(results.heartbeatStatements)} (section 2).`
              : ''),
  });

  const noWrites = project.writes === 0;
  targets.push({
    name: 'WAL per heartbeat write (project), full-page images apart',
    target: '≤ 200 B',
    measured: noWrites
      ? 'no heartbeat write measured'
      : `${fixed(project.walRecordsPerWrite)} B, ${fixed(project.walPerWrite)} B with them (seed: ${fixed(seed.walRecordsPerWrite)} B, ${fixed(seed.walPerWrite)} B)`,
    status: noWrites ? 'not measured' : statusOf(project.walRecordsPerWrite <= 200),
    gap: noWrites
      ? 'The project path wrote nothing in the measured windows.'
      : `${fixed(project.walRecordsPerWrite - 200)} B over; ${fixed(project.indexWritesPerWrite, 2)} index entries and ${fixed(project.hotRatio, 3)} HOT per write.`,
  });
  targets.push({
    name: 'HOT update ratio of heartbeat writes (project, private.reader_devices)',
    target: '≥ 0.95',
    measured: noWrites ? 'no heartbeat write measured' : `${fixed(project.hotRatio, 3)} (seed: ${fixed(seed.hotRatio, 3)})`,
    status: noWrites ? 'not measured' : statusOf(project.hotRatio >= 0.95),
    gap: noWrites
      ? 'The project path wrote nothing in the measured windows.'
      : `${fixed(0.95 - project.hotRatio, 3)} short; ${fixed(project.indexWritesPerWrite, 2)} index entries per write.`,
  });

  const pageTarget = (name: string, label: string) => {
    const measure = read(largest.reads, name, 'project');
    if (!measure) return;
    const seedPage = read(largest.reads, READERS_PAGE, 'seed');
    targets.push({
      name: `${label} in PostgreSQL at ${readers} readers`,
      target: '≤ 1 ms',
      measured: `${ms(measure.postgresMs)} ms${name === READERS_PAGE && seedPage ? ` (seed query: ${ms(seedPage.postgresMs)} ms)` : ''}`,
      status: statusOf(measure.postgresMs <= 1),
      gap:
        `${ms(measure.postgresMs - 1)} ms over; the plan touched ${fixed(planBuffers(measure.plan) ?? 0)} buffers through ${planIndexes(measure.plan).join(', ') || 'no index'}` +
        `${measure.calls?.length ? `, and ${callsText(measure.calls)}` : ''} (section 3).`,
    });
  };
  pageTarget(READERS_PAGE, 'Readers page');
  pageTarget(AVAILABLE_NOW_PAGE, 'Readers page, available now,');
  pageTarget(FAVOURITES_PAGE, 'Readers page, your favourites (100),');
  pageTarget(LATER_TODAY_PAGE, 'Readers page, available later today,');

  const page = read(largest.reads, READERS_PAGE, 'project');
  const seedPage = read(largest.reads, READERS_PAGE, 'seed');
  if (page && seedPage) {
    const comparison = compareRates(readSide(page, "the project's page"), readSide(seedPage, "the seed's page"));
    targets.push({
      name: `Readers page over HTTP at ${results.config.readConcurrency} clients, project vs seed`,
      target: '≥ 20×',
      measured:
        comparison.kind === 'ratio'
          ? `${fixed(comparison.ratio, 1)}× (${fixed(page.http.perSecond, 0)} vs ${fixed(seedPage.http.perSecond, 1)} requests/s)` +
            [page, seedPage]
              .filter((m) => m.http.errors > 0)
              .map(
                (m) =>
                  `; the ${m.design}'s page answered ${fixed(m.http.requests)} and failed ${fixed(m.http.errors)} (first: ${errorSummary(m.http.firstError)})`,
              )
              .join('')
          : describeComparison(comparison),
      status: page.http.requests === 0 ? 'missed' : comparison.kind === 'ratio' ? statusOf(comparison.ratio >= 20) : 'not measured',
      gap: comparison.kind === 'ratio' ? `${fixed(20 - comparison.ratio, 1)}× short.` : `${comparison.reason}.`,
    });
  }

  const cleanup = job(largest, 'mark_inactive_readers_offline');
  if (cleanup) {
    targets.push({
      name: `Cleanup of ${fixed(cleanup.stale)} stale readers (mark_inactive_readers_offline, median)`,
      target: '≤ 100 ms',
      measured: `${ms(cleanup.ms.median)} ms (${cleanupCost(cleanup)})`,
      status: statusOf(cleanup.ms.median <= 100),
      gap:
        `${ms(cleanup.ms.median - 100)} ms over. Recording a reader offline changes users.recorded_status, which leads ` +
        'users_directory_idx (the directory order), so the update cannot be HOT: a new row version and an entry in each of ' +
        "the users table's indexes per reader, and an audit row with its key. The candidates are every reader with a device or " +
        'recorded other than offline, each judged by the status rule over its devices' +
        `${functionsCalledIn(cleanup.plan).length ? `; ${callsText(functionsCalledIn(cleanup.plan))}` : ''}. The plans in section 4 show the split.`,
    });
  }

  const status100 = read(largest.reads, statusQuery(100), 'project');
  if (status100) {
    targets.push({
      name: 'Bulk status for 100 ids in PostgreSQL',
      target: '≤ 2 ms',
      measured: `${ms(status100.postgresMs)} ms`,
      status: statusOf(status100.postgresMs <= 2),
      gap: `${ms(status100.postgresMs - 2)} ms over; ${fixed(planBuffers(status100.plan) ?? 0)} buffers${status100.calls?.length ? `; for each id ${callsText(status100.calls)}` : ''}.`,
    });
  }
  const push = results.push;
  if (push) {
    targets.push({
      name: `Push latency, commit to each of ${fixed(push.subscribers)} subscribers (p95)`,
      target: '< 500 ms, none lost',
      measured: `${ms(push.latencyMs.p95)} ms (p50 ${ms(push.latencyMs.p50)}, p99 ${ms(push.latencyMs.p99)}); ${fixed(push.lost)} lost`,
      status: statusOf(push.latencyMs.p95 < 500 && push.lost === 0),
      gap: `${push.lost > 0 ? `${fixed(push.lost)} deliveries lost; ` : ''}p95 ${ms(push.latencyMs.p95)} ms. The subscribers decode every message in the benchmark's own process, so their time is in it.`,
    });
  }
  return targets;
}

// ---------------------------------------------------------------------------------------------
// Against the previous results
// ---------------------------------------------------------------------------------------------

export interface PreviousResults {
  /** Its file name, for the report. */
  file: string;
  results: BenchResults;
}

type Better = 'higher' | 'lower';

interface Figure {
  what: string;
  better: Better;
  /** Relative change within which a move is noise on a shared 2-core machine. */
  noise: number;
  /** Absolute change within which a move is noise (tiny times). */
  noiseAbsolute?: number;
  format: (value: number) => string;
  value: (results: BenchResults) => number | undefined;
  /** The evidence of why it moved, from both results. */
  why?: (before: BenchResults, now: BenchResults) => string;
  /** Not the project's figure but the machine's (the seed's unchanged design, other work): it is not judged. */
  gauge?: true;
}

export interface FigureChange {
  what: string;
  before?: number;
  now?: number;
  beforeText: string;
  nowText: string;
  change: string;
  verdict: 'better' | 'worse' | 'same' | 'new' | 'gone' | 'gauge';
  why: string;
}

const capacity = (writes: number) => Math.floor((writes * HEARTBEAT_INTERVAL_SECONDS) / 1000) * 1000;
const ratioMedian = (results: BenchResults) => {
  const ratios = roundComparisons(results.heartbeats).flatMap((c) => (c.comparison.kind === 'ratio' ? [c.comparison.ratio] : []));
  return ratios.length === 0 ? undefined : median(ratios);
};
const largestStep = (results: BenchResults) => results.growth.at(-1);
const readAt = (results: BenchResults, name: string, design: 'project' | 'seed') => {
  const step = largestStep(results);
  return step ? read(step.reads, name, design) : undefined;
};
const jobAt = (results: BenchResults, fn: CleanupMeasure['fn']) => {
  const step = largestStep(results);
  return step ? job(step, fn) : undefined;
};
const p95Median = (results: BenchResults, path: HeartbeatPath) => {
  const values = results.heartbeats.filter((round) => round.path === path && round.load.requests > 0).map((round) => round.load.latencyMs.p95);
  return values.length === 0 ? undefined : median(values);
};
const pct = (before: number, now: number) => (before === 0 ? '' : `${now >= before ? '+' : '−'}${fixed(Math.abs((now / before - 1) * 100))}%`);
const arrow = (before: number | undefined, now: number | undefined, format: (value: number) => string) =>
  before === undefined || now === undefined ? undefined : `${format(before)} → ${format(now)}`;

function cpuWhy(path: HeartbeatPath) {
  return (before: BenchResults, now: BenchResults) => {
    const [a, b] = [pathTotals(before.heartbeats, path), pathTotals(now.heartbeats, path)];
    const parts = (Object.keys(PART_NAMES) as Array<keyof PathTotals['cpu']>).map(
      (part) => `${PART_NAMES[part]} ${fixed(perThousand(a, part), 2)} → ${fixed(perThousand(b, part), 2)}`,
    );
    return `CPU s per 1,000 heartbeats: ${parts.join(', ')}`;
  };
}

function seedGauge(before: BenchResults, now: BenchResults): string {
  const [a, b] = [pathTotals(before.heartbeats, 'seed').writesPerSecond, pathTotals(now.heartbeats, 'seed').writesPerSecond];
  return `the seed path, the same design in both runs, went ${fixed(a)} → ${fixed(b)} writes/s (${pct(a, b)}): the machine's share of the move`;
}

function readWhy(name: string, design: 'project' | 'seed') {
  return (before: BenchResults, now: BenchResults) => {
    const [a, b] = [readAt(before, name, design), readAt(now, name, design)];
    if (!a || !b) return '';
    const notes = [
      `buffers ${arrow(planBuffers(a.plan), planBuffers(b.plan), fixed) ?? 'n/a'}`,
      `indexes ${planIndexes(a.plan).join(', ') || 'none'} → ${planIndexes(b.plan).join(', ') || 'none'}`,
      ...(b.calls?.length ? [`now ${callsText(b.calls)}`] : []),
    ];
    return notes.join('; ');
  };
}

function httpWhy(name: string, design: 'project' | 'seed') {
  return (before: BenchResults, now: BenchResults) => {
    const [a, b] = [readAt(before, name, design), readAt(now, name, design)];
    if (!a || !b) return '';
    const bytes = b.responseBytes ? `answer ${a.responseBytes ? `${fixed(a.responseBytes)} → ` : ''}${fixed(b.responseBytes)} B` : '';
    return [`in PostgreSQL ${ms(a.postgresMs)} → ${ms(b.postgresMs)} ms`, bytes].filter(Boolean).join('; ');
  };
}

function cleanupWhy(fn: CleanupMeasure['fn']) {
  return (before: BenchResults, now: BenchResults) => {
    const [a, b] = [jobAt(before, fn), jobAt(now, fn)];
    if (!a || !b) return '';
    const perReader = (c: CleanupMeasure) => c.walBytes / Math.max(c.changed ?? 0, 1);
    const calls = functionsCalledIn(b.plan);
    return `WAL per reader ${fixed(perReader(a))} → ${fixed(perReader(b))} B${b.cost ? `; ${cleanupCost(b)}` : ''}${calls.length ? `; ${callsText(calls)}` : ''}`;
  };
}

const FIGURES: Figure[] = [
  {
    what: 'Push latency p95, ms',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 20,
    format: (v) => ms(v),
    value: (r) => r.push?.latencyMs.p95,
  },
  {
    what: 'Push deliveries/s (burst)',
    better: 'higher',
    noise: 0.15,
    format: (v) => fixed(v),
    value: (r) => r.push?.burst.deliveriesPerSecond,
  },
  {
    what: 'Heartbeat writes/s, project vs seed (median ratio)',
    better: 'higher',
    noise: 0.1,
    format: (v) => `${fixed(v, 2)}×`,
    value: ratioMedian,
    why: (a, b) =>
      `project path ${pct(pathTotals(a.heartbeats, 'project').writesPerSecond, pathTotals(b.heartbeats, 'project').writesPerSecond)}; ${seedGauge(a, b)}`,
  },
  {
    what: 'Heartbeat writes/s, project path',
    better: 'higher',
    noise: 0.1,
    format: (v) => fixed(v),
    value: (r) => pathTotals(r.heartbeats, 'project').writesPerSecond,
    why: cpuWhy('project'),
  },
  {
    what: 'Other work on the machine during the heartbeat rounds, CPU s',
    gauge: true,
    better: 'lower',
    noise: 0.25,
    format: (v) => fixed(v, 1),
    value: (r) => {
      const [a, b] = [pathTotals(r.heartbeats, 'project').otherCpu, pathTotals(r.heartbeats, 'seed').otherCpu];
      return a === undefined || b === undefined ? undefined : a + b;
    },
  },
  {
    what: 'Heartbeat writes/s, seed path',
    gauge: true,
    better: 'higher',
    noise: 0.1,
    format: (v) => fixed(v),
    value: (r) => pathTotals(r.heartbeats, 'seed').writesPerSecond,
    why: cpuWhy('seed'),
  },
  { what: 'Heartbeat p95, project path (median of rounds)', better: 'lower', noise: 0.15, format: (v) => `${ms(v)} ms`, value: (r) => p95Median(r, 'project') },
  {
    what: 'WAL per heartbeat write, project (records)',
    better: 'lower',
    noise: 0.05,
    format: (v) => `${fixed(v)} B`,
    value: (r) => pathTotals(r.heartbeats, 'project').walRecordsPerWrite,
    why: (a, b) =>
      `index entries per write ${fixed(pathTotals(a.heartbeats, 'project').indexWritesPerWrite, 2)} → ${fixed(pathTotals(b.heartbeats, 'project').indexWritesPerWrite, 2)}`,
  },
  {
    what: 'HOT ratio of heartbeat writes, project',
    better: 'higher',
    noise: 0,
    noiseAbsolute: 0.01,
    format: (v) => fixed(v, 3),
    value: (r) => pathTotals(r.heartbeats, 'project').hotRatio,
  },
  {
    what: 'PostgreSQL CPU s per 1,000 heartbeats, project',
    better: 'lower',
    noise: 0.1,
    format: (v) => fixed(v, 2),
    value: (r) => perThousand(pathTotals(r.heartbeats, 'project'), 'postgres'),
    why: (_, b) => heartbeatStatementSummary(b.heartbeatStatements) ?? '',
  },
  {
    what: 'PostgreSQL CPU s per 1,000 heartbeats, seed',
    gauge: true,
    better: 'lower',
    noise: 0.1,
    format: (v) => fixed(v, 2),
    value: (r) => perThousand(pathTotals(r.heartbeats, 'seed'), 'postgres'),
  },
  {
    what: 'Readers page in PostgreSQL, project',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 0.05,
    format: (v) => `${ms(v)} ms`,
    value: (r) => readAt(r, READERS_PAGE, 'project')?.postgresMs,
    why: readWhy(READERS_PAGE, 'project'),
  },
  {
    what: 'Readers page requests/s, project',
    better: 'higher',
    noise: 0.15,
    format: (v) => fixed(v, 1),
    value: (r) => readAt(r, READERS_PAGE, 'project')?.http.perSecond,
    why: httpWhy(READERS_PAGE, 'project'),
  },
  {
    what: 'Readers page in PostgreSQL, seed',
    gauge: true,
    better: 'lower',
    noise: 0.25,
    format: (v) => `${ms(v)} ms`,
    value: (r) => readAt(r, READERS_PAGE, 'seed')?.postgresMs,
  },
  {
    what: 'Readers page requests/s, seed',
    gauge: true,
    better: 'higher',
    noise: 0.15,
    format: (v) => fixed(v, 1),
    value: (r) => readAt(r, READERS_PAGE, 'seed')?.http.perSecond,
  },
  {
    what: 'Readers page, available now, in PostgreSQL',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 0.05,
    format: (v) => `${ms(v)} ms`,
    value: (r) => readAt(r, AVAILABLE_NOW_PAGE, 'project')?.postgresMs,
  },
  {
    what: 'Readers page summary in PostgreSQL',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 0.05,
    format: (v) => `${ms(v)} ms`,
    value: (r) => readAt(r, DIRECTORY_SUMMARY, 'project')?.postgresMs,
    why: readWhy(DIRECTORY_SUMMARY, 'project'),
  },
  {
    what: 'Readers page summary requests/s',
    better: 'higher',
    noise: 0.15,
    format: (v) => fixed(v, 1),
    value: (r) => readAt(r, DIRECTORY_SUMMARY, 'project')?.http.perSecond,
    why: httpWhy(DIRECTORY_SUMMARY, 'project'),
  },
  ...[24, 100].flatMap((count): Figure[] => [
    {
      what: `Status of ${count} ids in PostgreSQL, project`,
      better: 'lower',
      noise: 0.25,
      noiseAbsolute: 0.05,
      format: (v) => `${ms(v)} ms`,
      value: (r) => readAt(r, statusQuery(count), 'project')?.postgresMs,
      why: readWhy(statusQuery(count), 'project'),
    },
    {
      what: `Status of ${count} ids requests/s, project`,
      better: 'higher',
      noise: 0.15,
      format: (v) => fixed(v, 1),
      value: (r) => readAt(r, statusQuery(count), 'project')?.http.perSecond,
      why: httpWhy(statusQuery(count), 'project'),
    },
  ]),
  {
    what: 'mark_inactive_readers_offline(), stale readers offline',
    better: 'lower',
    noise: 0.2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => jobAt(r, 'mark_inactive_readers_offline')?.ms.median,
    why: cleanupWhy('mark_inactive_readers_offline'),
  },
  {
    what: 'cleanup_reader_presence(), stale readers offline',
    better: 'lower',
    noise: 0.2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => jobAt(r, 'cleanup_reader_presence')?.ms.median,
    why: cleanupWhy('cleanup_reader_presence'),
  },
  {
    what: 'Directory counts job (refresh_reader_directory_stats)',
    better: 'lower',
    noise: 0.2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => jobAt(r, 'refresh_reader_directory_stats')?.ms.median,
  },
  {
    what: 'Minute recording job (record_presence_minute: the directory counts and the minute of the presence series)',
    better: 'lower',
    noise: 0.2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => jobAt(r, 'record_presence_minute')?.ms.median,
  },
  {
    what: 'Daily analytics rollup of one day, a month of audit history (rollup_presence_analytics)',
    better: 'lower',
    noise: 0.2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => r.rollup?.ms.median,
  },
  {
    what: 'Video reading of 30 minutes, time in PostgreSQL (computed from its steps)',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 2,
    format: (v) => `${ms(v)} ms`,
    value: (r) => (r.readings ? readingLifeCycle(r.readings.steps).total.postgresMs : undefined),
  },
  {
    what: 'Video reading of 30 minutes, WAL (computed from its steps)',
    better: 'lower',
    noise: 0.05,
    format: (v) => `${fixed(v / 1024, 1)} KiB`,
    value: (r) => (r.readings ? readingLifeCycle(r.readings.steps).total.walBytes : undefined),
  },
  {
    what: 'end_overdue_readings() with a few overdue among the finished readings',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 0.5,
    format: (v) => `${ms(v)} ms`,
    value: (r) => r.readings?.overdueJob.runs.at(-1)?.ms.median,
    why: (a, b) => {
      const [before, now] = [a.readings?.overdueJob.runs.at(-1), b.readings?.overdueJob.runs.at(-1)];
      return before && now ? `buffers ${fixed(before.buffers)} → ${fixed(now.buffers)}; indexes ${now.indexes.join(', ') || 'none'}` : '';
    },
  },
  {
    what: 'Reading signalling delivery p95, send to the other participant',
    better: 'lower',
    noise: 0.25,
    noiseAbsolute: 10,
    format: (v) => `${ms(v)} ms`,
    value: (r) => r.readings?.signalling.latencyMs.p95,
  },
  {
    what: 'Capacity: readers online at the 60-second interval',
    better: 'higher',
    noise: 0.1,
    format: (v) => fixed(v),
    value: (r) => capacity(pathTotals(r.heartbeats, 'project').writesPerSecond),
  },
];

/** Every figure of both runs, with its move, whether that is beyond the noise, and the evidence of why. */
export function compareWithPrevious(now: BenchResults, before: BenchResults): FigureChange[] {
  return FIGURES.filter((figure) => figure.value(before) !== undefined || figure.value(now) !== undefined).map((figure) => {
    const [a, b] = [figure.value(before), figure.value(now)];
    const text = (value: number | undefined) => (value === undefined || !Number.isFinite(value) ? '–' : figure.format(value));
    const row = { what: figure.what, before: a, now: b, beforeText: text(a), nowText: text(b) };
    if (a === undefined || !Number.isFinite(a))
      return { ...row, change: '', verdict: b === undefined ? 'gone' : 'new', why: b === undefined ? '' : 'not measured before' };
    if (b === undefined || !Number.isFinite(b)) return { ...row, change: '', verdict: 'gone', why: 'not measured in this run' };
    const delta = b - a;
    const withinNoise = Math.abs(delta) <= Math.max(Math.abs(a) * figure.noise, figure.noiseAbsolute ?? 0);
    const improved = figure.better === 'higher' ? delta > 0 : delta < 0;
    const verdict = figure.gauge ? 'gauge' : withinNoise ? 'same' : improved ? 'better' : 'worse';
    return { ...row, change: pct(a, b), verdict, why: figure.why?.(before, now) ?? '' };
  });
}

/** What differs in the schema measured: the migrations' digest, a proposed change applied after them. */
function schemaDifference(before: BenchResults, now: BenchResults): string {
  const notes: string[] = [];
  if (before.migrations && now.migrations && before.migrations.digest !== now.migrations.digest) {
    notes.push(`The migrations differ (sha256 ${before.migrations.digest} then, ${now.migrations.digest} now).`);
  } else if (before.migrations && now.migrations) {
    notes.push(`Same migrations (sha256 ${now.migrations.digest}).`);
  }
  if (before.schemaPatch?.digest !== now.schemaPatch?.digest) {
    const patched = (run: BenchResults) => (run.schemaPatch ? `\`${run.schemaPatch.file}\` applied after them` : 'the migrations alone');
    notes.push(`That run measured ${patched(before)}, this one ${patched(now)}.`);
  }
  return notes.length === 0 ? '' : ` ${notes.join(' ')}`;
}

function comparisonSection(results: BenchResults, previous: PreviousResults | undefined): string {
  if (!previous) return 'No previous results to compare with.';
  const before = previous.results;
  const [modelBefore, modelNow] = [before.model ?? EARLIER_MODEL, results.model ?? EARLIER_MODEL];
  const sizes = [largestStep(before)?.readers, largestStep(results)?.readers];
  const changes = compareWithPrevious(results, before);
  const worse = changes.filter((c) => c.verdict === 'worse');
  const lines = [
    `Against [${previous.file}](${previous.file}) (${before.startedAt.slice(0, 16).replace('T', ' ')} UTC), at ${fixed(sizes[0] ?? 0)} readers then and ${fixed(sizes[1] ?? 0)} now. ` +
      (modelBefore === modelNow
        ? `Both runs measured the same presence model (${modelNow}), so a move beyond the noise is the code's or the machine's: the seed path, unchanged, is the gauge of the machine.`
        : `That run measured the earlier presence model (${modelBefore}); this one measures ${modelNow}, so the project path's moves are the redesign's, and the seed path, the same in both, is the gauge of the machine.`) +
      schemaDifference(before, results),
    '',
    `"Same" means within the noise of this machine (10–25% depending on the figure); "gauge" marks the machine's figures (the seed's design, unchanged, and other work), which are not judged. ${worse.length === 0 ? 'No figure of the project got worse beyond the noise.' : `Worse beyond the noise: ${worse.map((c) => c.what).join('; ')}.`}`,
    '',
    '| Figure | Before | Now | Change | | Evidence |',
    '|---|---|---|---|---|---|',
    ...changes.map((c) => `| ${c.what} | ${c.beforeText} | ${c.nowText} | ${c.change} | ${c.verdict} | ${c.why} |`),
  ];
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------------------------

function heartbeatTable(results: BenchResults): string {
  const rows = results.heartbeats.map((round) => {
    const { load, cost } = round;
    return `| ${round.round} | ${round.path} | ${fixed(load.perSecond)} | ${fixed(writesPerSecond(round))} | ${ms(load.latencyMs.p50)} | ${ms(load.latencyMs.p95)} | ${ms(load.latencyMs.p99)} | ${load.errors} | ${load.requests === 0 ? '–' : fixed(cost.updates / load.requests, 2)} |`;
  });
  const ratios = roundComparisons(results.heartbeats).map((c) =>
    c.comparison.kind === 'ratio'
      ? `round ${c.round}: ${fixed(c.comparison.ratio, 2)}× the writes/s, p95 ${ms(c.project.load.latencyMs.p95)} vs ${ms(c.seed.load.latencyMs.p95)} ms`
      : `round ${c.round}: ${describeComparison(c.comparison)}`,
  );
  return [
    '| Round | Path | Requests/s | Writes/s | p50 ms | p95 ms | p99 ms | Errors | Writes per request |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Project against seed: ${ratios.join('; ')}.`,
  ].join('\n');
}

function costTable(results: BenchResults): string {
  const line = (path: HeartbeatPath) => {
    const totals = pathTotals(results.heartbeats, path);
    const cpu = (part: keyof PathTotals['cpu']) => fixed(perThousand(totals, part), 2);
    return `| ${path} | ${fixed(totals.walRecordsPerWrite)} | ${fixed(totals.walPerWrite - totals.walRecordsPerWrite)} | ${fixed(totals.hotRatio, 3)} | ${fixed(totals.indexWritesPerWrite, 2)} | ${cpu('postgres')} | ${cpu('postgrest')} | ${cpu('gateway')} | ${cpu('loadTool')} |`;
  };
  return [
    '| Path | WAL bytes per write | + full-page images | HOT ratio | Index entries per write | CPU s per 1000: PostgreSQL | PostgREST | Gateway | Load tool |',
    '|---|---|---|---|---|---|---|---|---|',
    line('project'),
    line('seed'),
  ].join('\n');
}

function readsTable(step: BenchResults['growth'][number]): string {
  return [
    '| Query | Design | PostgreSQL ms | Requests/s | p50 ms | p95 ms | p99 ms | Errors | Answer bytes |',
    '|---|---|---|---|---|---|---|---|---|',
    ...step.reads.map((r) =>
      r.http.requests === 0
        ? `| ${r.name} | ${r.design} | ${ms(r.postgresMs)} | no answers | – | – | – | ${r.http.errors} | – |`
        : `| ${r.name} | ${r.design} | ${ms(r.postgresMs)} | ${fixed(r.http.perSecond, 1)} | ${ms(r.http.latencyMs.p50)} | ${ms(r.http.latencyMs.p95)} | ${ms(r.http.latencyMs.p99)} | ${r.http.errors} | ${r.responseBytes ? fixed(r.responseBytes) : '–'} |`,
    ),
  ].join('\n');
}

function growthTable(results: BenchResults): string {
  const cell = (step: BenchResults['growth'][number], name: string, design: 'project' | 'seed') => {
    const measure = read(step.reads, name, design);
    if (!measure) return '–';
    return `${ms(measure.postgresMs)} ms, ${measure.http.requests === 0 ? 'no answers' : `${fixed(measure.http.perSecond, 1)}/s`}`;
  };
  const jobCell = (step: BenchResults['growth'][number], fn: CleanupMeasure['fn']) => {
    const measure = job(step, fn);
    if (!measure) return '–';
    return `${ms(measure.ms.median)} ms${measure.changed === null ? '' : ` (${fixed(measure.changed)})`}`;
  };
  return [
    '| Readers | Online | Readers page, project | Available now, project | Readers page, seed | Status 100 ids, project | Status 100 ids, seed | mark_inactive (stale) | cleanup_reader_presence | Directory counts job | Minute recording job |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...results.growth.map(
      (step) =>
        `| ${fixed(step.readers)} | ${fixed(step.online)} | ${cell(step, READERS_PAGE, 'project')} | ${cell(step, AVAILABLE_NOW_PAGE, 'project')} | ${cell(step, READERS_PAGE, 'seed')} | ${cell(step, statusQuery(100), 'project')} | ${cell(step, statusQuery(100), 'seed')} | ${jobCell(step, 'mark_inactive_readers_offline')} | ${jobCell(step, 'cleanup_reader_presence')} | ${jobCell(step, 'refresh_reader_directory_stats')} | ${jobCell(step, 'record_presence_minute')} |`,
    ),
  ].join('\n');
}

function cleanupLine(c: CleanupMeasure): string {
  const range = `median ${ms(c.ms.median)} ms (${ms(c.ms.min)}–${ms(c.ms.max)})`;
  if (c.changed === null) return `- \`${c.fn}()\` with ${fixed(c.stale)} stale readers: ${range}, ${fixed(c.walBytes / 1024, 1)} KiB of WAL.`;
  return `- \`${c.fn}()\` with ${fixed(c.stale)} stale readers: ${range}, changed ${fixed(c.changed)}, ${fixed(c.walBytes / 1024)} KiB of WAL: ${cleanupCost(c)}.`;
}

const TARGET_MARK: Record<TargetStatus, string> = { met: 'met', missed: 'missed', 'not measured': 'not measured' };

function statementsTable(statements: readonly StatementPlan[]): string {
  return [
    '| # | Statement (first words) | ms | Reads a table |',
    '|---|---|---|---|',
    ...statements.map(
      (st, index) =>
        `| ${index + 1} | ${st.query ? `\`${st.query.replace(/\|/g, '\\|').replace(/`/g, "'")}\`` : '(a SQL-standard function body: no text)'} | ${fixed(st.ms, 3)} | ${st.touchesTables ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
}

function machineNoise(results: BenchResults): string {
  const [project, seed] = [pathTotals(results.heartbeats, 'project'), pathTotals(results.heartbeats, 'seed')];
  if (project.otherCpu === undefined || seed.otherCpu === undefined) return '';
  const seconds = project.seconds + seed.seconds;
  const other = project.otherCpu + seed.otherCpu;
  return ` While the heartbeat rounds were measured, other work on this machine (not the benchmark's) used ${fixed(other, 1)} CPU s of the ${fixed(seconds * results.machine.cores)} its ${results.machine.cores} cores had (${fixed((other / Math.max(seconds * results.machine.cores, 1e-9)) * 100)}%).`;
}

export function renderReport(results: BenchResults, chartFile: string, previous?: PreviousResults, notes?: string): string {
  const { machine, config } = results;
  const project = pathTotals(results.heartbeats, 'project');
  const seed = pathTotals(results.heartbeats, 'seed');
  const largest = results.growth.at(-1)!;
  const targets = evaluateTargets(results);
  const loadSeconds = project.seconds + seed.seconds;
  const busiest = (Object.keys(PART_NAMES) as Array<keyof PathTotals['cpu']>).sort((a, b) => project.cpu[b] - project.cpu[a])[0]!;
  const statuses = largest.statuses;
  const notMet = targets.filter((t) => t.status !== 'met');
  return `# Presence benchmark, ${results.startedAt.slice(0, 10)}

Presence model measured: ${results.model ?? EARLIER_MODEL}${results.migrations ? `, migrations ${results.migrations.files.map((file) => `\`${file}\``).join(', ')} (sha256 ${results.migrations.digest})` : ''}.

${
  results.schemaPatch
    ? `**Not the migrations alone:** \`${results.schemaPatch.file}\` (sha256 ${results.schemaPatch.digest}) was applied after them, to measure a proposed change before making it:\n\n\`\`\`sql\n${results.schemaPatch.sql.trim()}\n\`\`\`\n\n`
    : ''
}Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}; Node ${machine.node}, PostgreSQL ${machine.postgres} (embedded, fsync and synchronous commit on), PostgREST ${machine.postgrest}, the project's gateway. Every request went through the gateway on 127.0.0.1; the load tool is \`bench/lib/load.ts\` (closed loop, Node fetch) in its own process. Run took ${fixed(results.wallSeconds)} s.

Settings: ${fixed(config.readers)} readers, ${fixed(config.online)} online${statuses ? ` (${fixed(statuses.available)} available, ${fixed(statuses.busy)} busy, ${fixed(statuses.away)} away)` : ''}, ${fixed(config.stale)} stale for the cleanups; heartbeats at ${config.heartbeatConcurrency} concurrent, ${config.heartbeatRounds} rounds of ${config.heartbeatSeconds} s per path after ${config.warmupSeconds} s of warm-up; reads at ${config.readConcurrency} concurrent for ${config.readSeconds} s each. Ratios hold on a noisy machine; absolute figures are for the record.${machineNoise(results)}

## Targets

| What | Target | Measured | |
|---|---|---|---|
${targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${TARGET_MARK[t.status]} |`).join('\n')}

${notMet.map((t) => `- **${t.status === 'missed' ? 'Missed' : 'Not measured'}: ${t.name}.** ${t.gap}`).join('\n') || 'Every target was met.'}

**Capacity:** the project path sustained ${fixed(project.writesPerSecond)} heartbeat writes/s at ${config.heartbeatConcurrency} concurrent (the seed path ${fixed(seed.writesPerSecond)}/s), so one ${machine.cores}-core machine like this one keeps about **${fixed(capacity(project.writesPerSecond))} readers online** at the ${HEARTBEAT_INTERVAL_SECONDS}-second interval, one device each (seed design: about ${fixed(capacity(seed.writesPerSecond))}), with PostgreSQL, PostgREST, the gateway and the load tool sharing the same cores; under project load the busiest was ${PART_NAMES[busiest]} (${fixed(project.seconds === 0 ? 0 : (project.cpu[busiest] / project.seconds) * 100)}% of one core).

## Compared with the previous results

${comparisonSection(results, previous)}

## 1. Heartbeats: project path against the seed's literal path

Project: \`POST /rest/v1/rpc/reader_heartbeat\` with \`{}\`, a token whose \`session_id\` names the reader's device (its auth session): the database's clock, rate-limited, one HOT update of the device's narrow row in \`private.reader_devices\`, committed asynchronously, then the reader's status read back (no write unless it changed). Seed: \`PATCH /rest/v1/seed_users?id=eq.<id>\` with \`is_online\` and a client-sent \`last_seen_at\`, on a copy of the same rows with the seed's indexes, trigger and policies. For these rounds all ${fixed(config.readers)} readers are online on one device each, created up front and heard 20 to 60 s before the rounds (as the seed's rows exist up front), so every measured heartbeat is the usual one, not a session's first (which checks the session and inserts the row); readers take turns (one turn across all rounds), so each one's heartbeats are minutes apart, as on the 60-second interval (the rate limit absorbs none), and each request is a real write on both paths. ${fixed(project.requests + seed.requests)} requests in ${fixed(loadSeconds)} s measured.

${heartbeatTable(results)}

## 2. Cost per heartbeat

Counted from the WAL of the measured windows with \`pg_walinspect\`: bytes, heap updates and how many were HOT, B-tree entries written. Full-page images are shown apart: the first write to a page after a checkpoint logs the whole 8 KB page, whichever design wrote it, so they follow checkpoint timing (the seed path also logs its index pages). \`pg_stat_user_tables\` over the whole phase, warm-ups included, agrees: project (\`private.reader_devices\`) ${fixed(results.heartbeatTableStats.project.hotUpdates)} HOT of ${fixed(results.heartbeatTableStats.project.updates)} updates, seed (\`seed_users\`) ${fixed(results.heartbeatTableStats.seed.hotUpdates)} of ${fixed(results.heartbeatTableStats.seed.updates)}. CPU from \`/proc\`, every process of each part, per 1,000 requests.

${costTable(results)}
${
  results.heartbeatStatements?.length
    ? `
### Inside one heartbeat

Every statement PostgreSQL ran for one more usual heartbeat after the rounds (auto_explain with ANALYZE, BUFFERS and WAL, nested statements included; its device heard 30 s before, rolled back)${
        results.heartbeatStatementsWarm
          ? ", on a connection that had run one before, so its statements were planned already, as on PostgREST's connections"
          : ': the first on its connection, so planning is in it too, and planning folds the constant helpers (the intervals) by running them, which a connection that has run the function before does not do again'
      }: ${heartbeatStatementSummary(results.heartbeatStatements)}. Times are under instrumentation, larger than in the rounds; what PostgREST runs around the call (role, claims, the JSON of the answer) is not in it.

${statementsTable(results.heartbeatStatements)}

<details><summary>Plans of the statements inside one heartbeat</summary>

${results.heartbeatStatements.map((st, index) => `**${index + 1}.**\n\n\`\`\`\n${st.plan}\n\`\`\``).join('\n\n')}

</details>
`
    : ''
}
## 3. Reads at ${fixed(largest.readers)} readers (${config.readConcurrency} concurrent clients)

The project's readers page reads 24 cards of \`public.reader_cards\` (card fields, the effective status by the presence rule, message, last seen, server time, the level embedded) in directory order from \`users_directory_idx\` (recorded status, then best rated); "available now" adds \`recorded_status=eq.available&status=eq.available\`. The seed's \`fetchAllReaders()\` reads every reader with \`select *\` and sorts them (PostgREST's max-rows stops it at 1,000). The status queries ask about random readers, a different set per request. The summary reads the counts the minute job recorded just before.

${readsTable(largest)}
${
  largest.reads.some((r) => r.calls?.length)
    ? `\nFunctions of ours the plans call for each row instead of inlining them (EXPLAIN VERBOSE): ${largest.reads
        .filter((r) => r.calls?.length)
        .map((r) => `${r.name} (${r.design}): ${r.calls!.map((name) => `\`${name}\``).join(', ')}`)
        .join('; ')}.\n`
    : ''
}
<details><summary>Plans at ${fixed(largest.readers)} readers (EXPLAIN ANALYZE as anon)</summary>

${largest.reads.map((r) => `**${r.name}, ${r.design}**\n\n\`\`\`\n${r.plan}\n\`\`\``).join('\n\n')}

</details>

## 4. Cleanup and the minute jobs

Stale readers: a device heard eleven minutes ago while the reader is still recorded available (a crashed browser). Each job's WAL is read like the heartbeats'.

${largest.cleanups.map(cleanupLine).join('\n')}

<details><summary>Plans of the statements inside the jobs at ${fixed(largest.readers)} readers (auto_explain, one more run)</summary>

${largest.cleanups.map((c) => `**${c.fn}()**\n\n\`\`\`\n${c.plan}\n\`\`\``).join('\n\n')}

</details>

## 5. Growth

![Time in PostgreSQL as readers grow](${chartFile})

${growthTable(results)}
${results.push ? pushSection(results.push, results.heartbeatPushes) : ''}
${results.followedTransition ? followersSection(results.followedTransition) : ''}
${results.rollup ? rollupSection(results.rollup) : ''}
${results.readings ? readingsSection(results.readings) : ''}
${notes ? `\n## ${5 + [results.push, results.followedTransition, results.rollup, results.readings].filter(Boolean).length + 1}. Investigation\n\n${notes.trim()}\n` : ''}`;
}

const STEP_NAMES: Record<ReadingStep, string> = {
  request: 'Request',
  accept: 'Accept',
  'heartbeat-client': 'Heartbeat, client',
  'heartbeat-reader': 'Heartbeat, reader',
  'heartbeat-absorbed': 'Heartbeat absorbed',
  end: 'End',
};

const bytesText = (value: number) => (value < 10 * 1024 ? `${fixed(value)} B` : `${fixed(value / 1024, 1)} KiB`);

/** "3: `readings:<id>` ×2, `reader-presence` ×1" */
function messagesText(step: ReadingStepMeasure): string {
  const topics = Object.entries(step.topics).map(([topic, count]) => `\`${topic}\` ×${count}`);
  return topics.length === 0 ? fixed(step.messages) : `${fixed(step.messages)}: ${topics.join(', ')}`;
}

function lifeCyclePartName(part: LifeCyclePart, perMinute: number): string {
  if (part.step === 'heartbeat-client') return `\`reading_heartbeat\`, client (${perMinute} a minute)`;
  if (part.step === 'heartbeat-reader') return `\`reading_heartbeat\`, reader (${perMinute} a minute)`;
  return { request: '`request_reading`', accept: '`answer_reading` (accept)', end: '`end_reading`' }[part.step as 'request' | 'accept' | 'end'];
}

function overdueRow(run: OverdueJobRun): string {
  const overdue = run.overdue.ringing + run.overdue.live === 0 ? 'none' : `${run.overdue.ringing} rang out, ${run.overdue.live} left live`;
  return `| ${overdue} | ${fixed(run.ended)} | ${ms(run.ms.median)} ms | ${ms(run.ms.min)}–${ms(run.ms.max)} ms | ${fixed(run.buffers)} | ${run.indexes.map((index) => `\`${index}\``).join(', ') || 'none'} | ${run.seqScan ? '**yes**' : 'no'} |`;
}

function readingsSection({ readings, finishedReadings, steps, overdueJob, signalling }: ReadingsMeasure): string {
  const cycle = readingLifeCycle(steps);
  const perMinute = cycle.heartbeatsPerMinutePerSide;
  const checks = signalling.checksPerCall.joins + signalling.checksPerCall.sends;
  const events = Object.entries(signalling.messagesPerCall)
    .map(([event, count]) => `${count} ${event}`)
    .join(', ');
  const messagesPerCall = Object.values(signalling.messagesPerCall).reduce((total, count) => total + count, 0);
  return `
## 9. Video readings

${fixed(readings)} readings through each path, one after another, each between a fresh client and an available reader with a live device, on a table holding ${fixed(finishedReadings)} finished readings; the first reading of each path warmed up and is not counted. **Over HTTP**: each call as the browsers make it, \`POST /rest/v1/rpc/<function>\` through the gateway and PostgREST with the user's token, from sending it to reading the answer. **In PostgreSQL**: the same call as PostgREST runs it (role and JWT claims set) in a transaction of its own: the statement's time seen from 127.0.0.1, its COMMIT (synchronous, fsync on) apart, the WAL records of the transaction and its subtransactions (whole-page images left out), and the \`realtime.messages\` rows it inserted (what it pushed). Before the measured heartbeats both sides' last heartbeats are set 15 s back (committed apart), as on the 15-second interval, so each is a write; the absorbed one is the client's again at once.

| Step | Call | HTTP p50 | HTTP p95 | PostgreSQL p50 | PostgreSQL p95 | COMMIT p50 | WAL p50 | WAL p95 | Messages pushed |
|---|---|---|---|---|---|---|---|---|---|
${steps
  .map(
    (step) =>
      `| ${STEP_NAMES[step.step]} | ${step.call} | ${ms(step.httpMs.p50)} ms | ${ms(step.httpMs.p95)} ms | ${ms(step.postgresMs.p50)} ms | ${ms(step.postgresMs.p95)} ms | ${ms(step.commitMs.p50)} ms | ${fixed(step.walBytes.p50)} B | ${fixed(step.walBytes.p95)} B | ${messagesText(step)} |`,
  )
  .join('\n')}

**A ${cycle.minutes}-minute reading**, computed from the medians above (not measured as one reading): requested, accepted, a heartbeat from each side every 15 seconds (${perMinute} a minute each, every one a write), ended by a participant.

| Part | Calls | In PostgreSQL | COMMITs | WAL | Messages |
|---|---|---|---|---|---|
${cycle.parts.map((part) => `| ${lifeCyclePartName(part, perMinute)} | ${fixed(part.count)} | ${ms(part.postgresMs)} ms | ${ms(part.commitMs)} ms | ${bytesText(part.walBytes)} | ${fixed(part.messages)} |`).join('\n')}
| **Whole reading** | **${fixed(cycle.total.statements)}** | **${ms(cycle.total.postgresMs)} ms** | ${ms(cycle.total.commitMs)} ms | **${bytesText(cycle.total.walBytes)}** | ${fixed(cycle.total.messages)} |

While it is live a reading costs, each minute, ${cycle.perLiveMinute.statements} heartbeats: ${ms(cycle.perLiveMinute.postgresMs)} ms in PostgreSQL and ${bytesText(cycle.perLiveMinute.walBytes)} of WAL. Its call adds ${fixed(checks)} authorisation checks by the Realtime service (below, ${ms(signalling.checkMs.read)} and ${ms(signalling.checkMs.write)} ms each), more if a browser joins again; the job below runs every minute whatever is live.

### The job that ends overdue readings

\`private.end_overdue_readings()\` as the every-minute job calls it, among the ${fixed(finishedReadings)} finished readings (the table: ${fixed(overdueJob.tablePages)} pages of 8 KiB): with nothing overdue (nearly every minute), then with requests that rang out and live readings one side left, made through the functions and set back in time. Five runs each, each rolled back so each finds the same; buffers and indexes are those of its two statements that find overdue readings, and end them when there are some (their new row versions and index entries; auto_explain, one more run); its time also includes what ending them sets off (presence, audit, pushes).

| Overdue | Ended | Median | Range | Buffers | Indexes read | Reads \`readings\` whole |
|---|---|---|---|---|---|---|
${overdueJob.runs.map(overdueRow).join('\n')}

<details><summary>Plans of the job's statements that look for overdue readings</summary>

${overdueJob.runs.map((run) => `**${run.overdue.ringing + run.overdue.live === 0 ? 'Nothing overdue' : `${run.overdue.ringing + run.overdue.live} overdue`}**\n\n\`\`\`\n${run.plan}\n\`\`\``).join('\n\n')}

</details>

### A call's signalling

Two supabase-js clients (this process, \`ws\` transport), the participants signed in, join \`reading:<id>\` through the gateway with the app's options (\`private\`, \`broadcast: { self: false, ack: true }\`) while the reading is live, and exchange a typical call: ${events} (SDPs of about 4 KB); each message is sent once the one before reached the other side. Over ${fixed(signalling.calls)} calls:

| Messages per call | Payload bytes per call | Socket bytes per call, sent / received | Delivery p50 | p95 | max | Lost | Join p50 | Join p95 |
|---|---|---|---|---|---|---|---|---|
| ${fixed(messagesPerCall)} | ${bytesText(signalling.payloadBytesPerCall)} | ${bytesText(signalling.wireBytesPerCall.sent)} / ${bytesText(signalling.wireBytesPerCall.received)} | ${ms(signalling.latencyMs.p50)} ms | ${ms(signalling.latencyMs.p95)} ms | ${ms(signalling.latencyMs.max)} ms | ${fixed(signalling.lost)} | ${ms(signalling.joinMs.p50)} ms | ${ms(signalling.joinMs.p95)} ms |

Payload bytes: what the app hands supabase-js (\`{ type, event, payload }\` as JSON); socket bytes: the frames both participants' sockets sent and received from the first hello to the bye's acknowledgement (acknowledgements included, WebSocket headers not). A join runs from \`subscribe()\` to SUBSCRIBED: the socket opened, the join, its read check.

**Authorisation in PostgreSQL:** per call the Realtime service ran ${fixed(signalling.checksPerCall.joins)} checks on the joins and ${fixed(signalling.checksPerCall.sends)} on the sends (medians), counted in the WAL as rolled-back transactions that inserted into \`realtime.messages\`: a read check per join (a probe row inserted, read back as the user through the policy that calls \`private.may_signal_on()\`, rolled back) and a write check per channel at its first send (the user's insert, rolled back; later sends reuse the answer). Each is five statements: begin, the probe's insert, the claims, the read, rollback; or begin, the claims, a savepoint, the insert, rollback. Run as the service runs them (its own code, timed from this process over 127.0.0.1), a read check takes ${ms(signalling.checkMs.read)} ms and a write check ${ms(signalling.checkMs.write)} ms (medians).
`;
}

function rollupSection({ readers, auditRows, day, readersOnline, ms: runMs }: RollupMeasure): string {
  return `
## 8. The daily analytics rollup

\`private.rollup_presence_analytics('${day}')\` recomputed every reader's day (${fixed(readers)} readers, each in their own time zone) from an audit log of ${fixed(auditRows)} rows: a month in which one reader in ten was online twice a day. It wrote ${fixed(readersOnline)} reader-days. Median of three runs, each replacing the day's rows as a re-run does: **${ms(runMs.median)} ms** (${ms(runMs.min)} to ${ms(runMs.max)} ms), once a day.
`;
}

function followersSection({ followers, followed, unfollowed }: FollowedTransitionMeasure): string {
  return `
## 7. A transition with followers to notify

A reader whom ${fixed(followers)} clients follow with "Notify me when available" on becomes available (busy first, then available, recorded as \`set_reader_status\` does): the database makes one notification per follower and pushes each on that follower's own Realtime topic, in the transition's transaction. Medians of five readers each way, time in PostgreSQL and the WAL records the transaction wrote (whole-page images left out):

| Reader | Notifications | Time | WAL |
|---|---|---|---|
| followed by ${fixed(followers)} | ${fixed(followed.notifications)} | ${ms(followed.ms)} ms | ${fixed(followed.walBytes)} B |
| followed by nobody | ${fixed(unfollowed.notifications)} | ${ms(unfollowed.ms)} ms | ${fixed(unfollowed.walBytes)} B |
`;
}

function pushSection(push: PushMeasure, heartbeatPushes: number | undefined): string {
  const { withPush, withoutPush } = push.transitionCost;
  return `
## 6. Push

${fixed(push.subscribers)} supabase-js Realtime clients (this process, \`ws\` transport) joined the private \`reader-presence\` channel through the gateway, as every open readers page does. ${fixed(push.transitions)} readers then changed status one at a time (a choice recorded by \`private.settle_presence\`, as \`set_reader_status\` does), each transition waited for at every subscriber; latency runs from sending the transaction's COMMIT to each subscriber's handler.

| Deliveries | p50 | p95 | p99 | max | lost |
|---|---|---|---|---|---|
| ${fixed(push.transitions * push.subscribers - push.lost)} | ${ms(push.latencyMs.p50)} ms | ${ms(push.latencyMs.p95)} ms | ${ms(push.latencyMs.p99)} ms | ${ms(push.latencyMs.max)} ms | ${fixed(push.lost)} |

**Throughput:** ${fixed(push.burst.transitions)} transitions committed by four connections as fast as they could made ${fixed(push.burst.deliveries)} deliveries in ${fixed(push.burst.seconds, 1)} s: **${fixed(push.burst.deliveriesPerSecond)} deliveries/s**.

**Cost in the database per transition** (medians; WAL is the records the transaction wrote, whole-page images left out): ${ms(withPush.ms)} ms and ${fixed(withPush.walBytes)} B of WAL with the broadcast, of which ${fixed(withPush.broadcastWalBytes)} B into \`realtime.messages\` (the broadcast row and its index entries); ${ms(withoutPush.ms)} ms and ${fixed(withoutPush.walBytes)} B with the broadcast trigger disabled (${fixed(withoutPush.broadcastWalBytes)} B into \`realtime.messages\`). The totals move by hundreds of bytes from reader to reader with whether the user row's new version fits on its page, so the broadcast's own part is the figure to compare.

**Heartbeats push nothing:** ${heartbeatPushes === undefined ? 'not counted in this run' : `the heartbeat rounds added ${fixed(heartbeatPushes)} messages to the topic (the run stops if any does)`}.
`;
}
