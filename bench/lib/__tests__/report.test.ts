import { describe, expect, test } from 'vitest';
import type { BenchResults } from '../../presence.ts';
import { parseLoggedPlan, type HeartbeatRound } from '../heartbeats.ts';
import type { CleanupMeasure } from '../cleanup.ts';
import { functionsCalledIn } from '../database-counters.ts';
import { READING_STEPS } from '../reading-life-cycle.ts';
import type { ReadingsMeasure } from '../readings.ts';
import type { ReadMeasure } from '../reads.ts';
import {
  compareRates,
  compareWithPrevious,
  errorSummary,
  evaluateTargets,
  growthSeries,
  heartbeatStatementSummary,
  pathTotals,
  planBuffers,
  planIndexes,
  renderReport,
  roundComparisons,
} from '../report.ts';

const latency = (p95: number) => ({ p50: p95 / 2, p95, p99: p95 * 1.2, max: p95 * 1.5 });

function round(
  path: 'project' | 'seed',
  number: number,
  { requests, writes, hot, p95, errors = 0 }: { requests: number; writes: number; hot: number; p95: number; errors?: number },
): HeartbeatRound {
  return {
    path,
    round: number,
    load: {
      requests,
      errors,
      ...(errors > 0 ? { firstError: `${path} heartbeat: HTTP 504 upstream timed out` } : {}),
      durationMs: 10_000,
      perSecond: requests / 10,
      latencyMs: requests === 0 ? latency(0) : latency(p95),
    },
    cost: { updates: writes, hotUpdates: hot, walBytes: writes * 200 + 8192, fullPageImageBytes: 8192, indexWrites: path === 'seed' ? writes * 3 : 0 },
    cpu: { postgres: 5, postgrest: 6, gateway: 2, loadTool: 3 },
  };
}

function read(name: string, design: 'project' | 'seed', postgresMs: number, perSecond: number, plan = 'Execution Time: 1 ms'): ReadMeasure {
  return {
    name,
    design,
    postgresMs,
    plan,
    http: { requests: perSecond * 5, errors: 0, durationMs: 5_000, perSecond, latencyMs: latency(50) },
    responseBytes: 12_000,
  };
}

/** A read whose every request failed: what a page query that always times out leaves. */
function unanswered(name: string, design: 'project' | 'seed', postgresMs: number): ReadMeasure {
  return {
    name,
    design,
    postgresMs,
    plan: 'Execution Time: 1 ms',
    http: { requests: 0, errors: 40, firstError: `${name} (${design}): HTTP 504 upstream timed out`, durationMs: 5_000, perSecond: 0, latencyMs: latency(0) },
    responseBytes: 0,
  };
}

const PAGE_PLAN = `Limit  (cost=0.57..15.08 rows=24 width=211) (actual time=0.018..0.083 rows=24 loops=1)
  Buffers: shared hit=35 read=2
  ->  Index Scan using users_directory_idx on users u  (cost=0.42..57679.98 rows=100000 width=181)
        Buffers: shared hit=27
  ->  Index Scan using reader_levels_pkey on reader_levels l  (cost=0.15..0.17 rows=1 width=170)
  ->  Index Scan using users_directory_idx on users u_1  (cost=0.42..57679.98 rows=100000 width=181)
Execution Time: 0.095 ms`;

function results(): BenchResults {
  const reads = (readers: number) => [
    read('Readers page (first page, online first)', 'project', 0.1, 400, PAGE_PLAN),
    read('Readers page, available now (first page)', 'project', 0.2, 380),
    read('Readers page (first page, online first)', 'seed', readers / 400, 4),
    read('getReadersOnlineStatus, 100 ids', 'project', 0.4, 450),
  ];
  const cleanups = (stale: number, ms: number): CleanupMeasure[] => [
    ...(['mark_inactive_readers_offline', 'cleanup_reader_presence'] as const).map((fn) => ({
      fn,
      stale,
      changed: stale,
      ms: { median: ms, min: ms, max: ms },
      walBytes: stale * 500,
      cost: { updates: stale, hotUpdates: 0, walBytes: stale * 500, fullPageImageBytes: stale * 100, indexWrites: stale * 4 },
      plan: 'Update on users',
    })),
    {
      fn: 'refresh_reader_directory_stats',
      stale: 0,
      changed: null,
      ms: { median: 4, min: 3, max: 5 },
      walBytes: 120,
      cost: { updates: 0, hotUpdates: 0, walBytes: 120, fullPageImageBytes: 0, indexWrites: 0 },
      plan: 'Insert on reader_directory_stats',
    },
  ];
  return {
    model: 'per-device status (issue 12)',
    startedAt: '2026-11-25T10:00:00.000Z',
    wallSeconds: 300,
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20', postgres: '17.10', postgrest: '12.0.2' },
    config: {
      readers: 10_000,
      online: 1_000,
      stale: 1_000,
      growth: [1_000, 10_000],
      heartbeatConcurrency: 50,
      heartbeatRounds: 2,
      heartbeatSeconds: 10,
      warmupSeconds: 1,
      readConcurrency: 20,
      readSeconds: 5,
      pushSubscribers: 1_000,
      pushTransitions: 100,
      pushBurst: 200,
      followers: 1_000,
      readings: 20,
      finishedReadings: 100_000,
    },
    growth: [
      { readers: 1_000, online: 100, stale: 100, reads: reads(1_000), cleanups: cleanups(100, 5) },
      {
        readers: 10_000,
        online: 1_000,
        statuses: { available: 800, busy: 100, away: 100 },
        stale: 1_000,
        reads: reads(10_000),
        cleanups: cleanups(1_000, 150),
      },
    ],
    heartbeats: [
      // The project path answers more requests than it writes (some absorbed): compared on writes.
      round('project', 1, { requests: 9_000, writes: 6_000, hot: 6_000, p95: 90 }),
      round('seed', 1, { requests: 5_000, writes: 5_000, hot: 0, p95: 120 }),
      round('seed', 2, { requests: 4_000, writes: 4_000, hot: 0, p95: 130 }),
      round('project', 2, { requests: 6_000, writes: 6_000, hot: 5_990, p95: 100 }),
    ],
    heartbeatTableStats: { project: { updates: 12_500, hotUpdates: 12_490 }, seed: { updates: 9_200, hotUpdates: 0 } },
  };
}

describe('the benchmark report', () => {
  test('compares the paths round by round on writes per second, not requests', () => {
    expect(roundComparisons(results().heartbeats).map((c) => [c.round, c.comparison])).toEqual([
      [1, { kind: 'ratio', ratio: 1.2 }],
      [2, { kind: 'ratio', ratio: 1.5 }],
    ]);
  });

  test('totals per path: HOT ratio, WAL per write without and with full-page images', () => {
    const project = pathTotals(results().heartbeats, 'project');
    expect(project.writes).toBe(12_000);
    expect(project.hotRatio).toBeCloseTo(11_990 / 12_000);
    expect(project.walRecordsPerWrite).toBe(200);
    expect(project.walPerWrite).toBeCloseTo(200 + (2 * 8192) / 12_000);
    expect(project.writesPerSecond).toBe(600);
  });

  test('each target says met or missed, and a miss says by how much', () => {
    const targets = Object.fromEntries(evaluateTargets(results()).map((t) => [t.name.split(' (')[0]!.split(',')[0]!, t]));
    expect(targets['Heartbeat writes/s']).toMatchObject({ status: 'missed' });
    expect(targets['Heartbeat writes/s']!.gap).toMatch(/^0\.05× short\./);
    expect(targets['WAL per heartbeat write']).toMatchObject({ status: 'met', target: '≤ 200 B' });
    expect(targets['HOT update ratio of heartbeat writes']).toMatchObject({ status: 'met' });
    expect(targets['Readers page in PostgreSQL at 10']).toMatchObject({ status: 'met' });
    expect(targets['Readers page']).toMatchObject({ status: 'met', measured: '0.20 ms' });
    expect(targets['Readers page over HTTP at 20 clients']).toMatchObject({ status: 'met' });
    expect(targets['Readers page over HTTP at 20 clients']!.measured).toMatch(/^100\.0×/);
    expect(targets['Cleanup of 1']).toMatchObject({ status: 'missed' });
    expect(targets['Cleanup of 1']!.gap).toMatch(/^50\.0 ms over\./);
    expect(targets['Cleanup of 1']!.measured).toContain('4.00 index entries per reader');
    expect(targets['Bulk status for 100 ids in PostgreSQL']).toMatchObject({ status: 'met' });
  });

  test('the WAL target is 200 B per heartbeat write', () => {
    const heavier = results();
    heavier.heartbeats = heavier.heartbeats.map((r) => (r.path === 'project' ? { ...r, cost: { ...r.cost, walBytes: r.cost.updates * 230 + 8192 } } : r));
    const wal = evaluateTargets(heavier).find((t) => t.name.startsWith('WAL per heartbeat write'))!;
    expect(wal.status).toBe('missed');
    expect(wal.measured).toMatch(/^230 B/);
    expect(wal.gap).toMatch(/^30 B over/);
  });

  test('the report lists the misses and the capacity line from the sustained write rate', () => {
    const report = renderReport(results(), 'chart.svg');
    expect(report).toContain('- **Missed: Heartbeat writes/s, project vs seed (median of rounds).**');
    expect(report).toContain('- **Missed: Cleanup of 1,000 stale readers');
    expect(report).not.toContain('Missed: WAL');
    expect(report).toContain('keeps about **36,000 readers online** at the 60-second interval');
    expect(report).toContain('![Time in PostgreSQL as readers grow](chart.svg)');
    expect(report).toContain('800 available, 100 busy, 100 away');
    expect(report).toContain('No previous results to compare with.');
  });

  test('the chart has one series per measured cost, a point per size', () => {
    const series = growthSeries(results());
    expect(series.find((s) => s.label === 'Readers page, seed (fetchAllReaders)')!.points).toEqual([
      { readers: 1_000, value: 2.5 },
      { readers: 10_000, value: 25 },
    ]);
    expect(series.find((s) => s.label.startsWith('Page summary'))!.points).toEqual([]);
    expect(series.find((s) => s.label.startsWith('Directory counts job'))!.points).toEqual([
      { readers: 1_000, value: 4 },
      { readers: 10_000, value: 4 },
    ]);
  });

  test('plans give their buffers and indexes, the evidence of why a read moved', () => {
    expect(planBuffers(PAGE_PLAN)).toBe(37);
    expect(planIndexes(PAGE_PLAN)).toEqual(['users_directory_idx', 'reader_levels_pkey']);
    expect(planBuffers('Result  (cost=0.00..0.01 rows=1 width=4)')).toBeUndefined();
  });
});

describe('a path that got no answers', () => {
  test('has no ratio, and says why instead of dividing by zero', () => {
    const side = (label: string, answers: number, rate: number, errors = 0) => ({ label, answers, errors, rate, firstError: errors ? 'HTTP 504' : undefined });
    expect(compareRates(side('project', 2_270, 454), side('seed', 14, 2.7))).toEqual({ kind: 'ratio', ratio: 454 / 2.7 });
    expect(compareRates(side('project', 2_270, 454), side('the seed page', 0, 0, 40))).toEqual({
      kind: 'none',
      reason: 'the seed page got no answers (all 40 requests failed; first: HTTP 504)',
    });
    expect(compareRates(side('the project path', 0, 0), side('seed', 10, 1))).toEqual({
      kind: 'none',
      reason: 'the project path got no answers (no request completed)',
    });
  });

  test('a seed page query that timed out on every request is reported as such, not as a huge ratio', () => {
    const timedOut = results();
    const largest = timedOut.growth.at(-1)!;
    largest.reads = largest.reads.map((r) => (r.design === 'seed' ? unanswered(r.name, r.design, 30_000) : r));
    const target = evaluateTargets(timedOut).find((t) => t.name.startsWith('Readers page over HTTP'))!;
    expect(target.status).toBe('not measured');
    expect(target.measured).toBe(
      "no ratio: the seed's page got no answers (all 40 requests failed; first: Readers page (first page, online first) (seed): HTTP 504 upstream timed out)",
    );

    const report = renderReport(timedOut, 'chart.svg');
    expect(report).toContain('- **Not measured: Readers page over HTTP at 20 clients, project vs seed.**');
    expect(report).toContain('| Readers page (first page, online first) | seed | 30,000 | no answers | – | – | – | 40 | – |');
    // No ratio against a rate of zero (or of 1e-9) anywhere in the report.
    expect(report).not.toMatch(/\d{1,3}(,\d{3}){2,}(\.\d)?×/);
    expect(report).not.toMatch(/Infinity|NaN/);
  });

  test('a heartbeat round the seed path did not answer is left out of the median and named', () => {
    const silentSeed = results();
    silentSeed.heartbeats = silentSeed.heartbeats.map((r) =>
      r.path === 'seed' && r.round === 2 ? round('seed', 2, { requests: 0, writes: 0, hot: 0, p95: 0, errors: 50 }) : r,
    );
    const comparisons = roundComparisons(silentSeed.heartbeats);
    expect(comparisons[1]!.comparison).toEqual({
      kind: 'none',
      reason: 'the seed path got no answers (all 50 requests failed; first: seed heartbeat: HTTP 504 upstream timed out)',
    });
    const target = evaluateTargets(silentSeed).find((t) => t.name.startsWith('Heartbeat writes/s'))!;
    expect(target.measured).toMatch(/^1\.20× \(rounds: 1\.20×, no ratio: the seed path got no answers/);
    expect(target.measured).toContain('1 round(s) without a ratio left out');

    const report = renderReport(silentSeed, 'chart.svg');
    expect(report).toContain('round 2: no ratio: the seed path got no answers (all 50 requests failed');
    expect(report).not.toMatch(/Infinity|NaN/);
  });

  test('when the seed path answered in no round the target is not measured, and a silent project path is a miss', () => {
    const noSeed = results();
    noSeed.heartbeats = noSeed.heartbeats.map((r) => (r.path === 'seed' ? round('seed', r.round, { requests: 0, writes: 0, hot: 0, p95: 0, errors: 9 }) : r));
    expect(evaluateTargets(noSeed).find((t) => t.name.startsWith('Heartbeat writes/s'))!.status).toBe('not measured');

    const noProject = results();
    noProject.heartbeats = noProject.heartbeats.map((r) =>
      r.path === 'project' && r.round === 1 ? round('project', 1, { requests: 0, writes: 0, hot: 0, p95: 0, errors: 9 }) : r,
    );
    const target = evaluateTargets(noProject).find((t) => t.name.startsWith('Heartbeat writes/s'))!;
    expect(target.status).toBe('missed');
    expect(target.gap).toMatch(/^The project path got no answers in round\(s\) 1/);
  });
});

describe('against the previous results', () => {
  test('every figure is compared, a move within the noise is "same", and a worse one is named with its evidence', () => {
    const before = results();
    before.model = undefined;
    const now = results();
    now.startedAt = '2026-12-01T10:00:00.000Z';
    const largest = now.growth.at(-1)!;
    largest.reads = largest.reads.map((r) =>
      r.name.startsWith('Readers page (first') && r.design === 'project' ? { ...r, postgresMs: 0.5, plan: PAGE_PLAN.replace('hit=35', 'hit=140') } : r,
    );
    const changes = Object.fromEntries(compareWithPrevious(now, before).map((c) => [c.what, c]));
    expect(changes['Readers page in PostgreSQL, project']).toMatchObject({ beforeText: '0.10 ms', nowText: '0.50 ms', change: '+400%', verdict: 'worse' });
    expect(changes['Readers page in PostgreSQL, project']!.why).toContain('buffers 37 → 142');
    expect(changes['Heartbeat writes/s, project vs seed (median ratio)']).toMatchObject({ verdict: 'same' });
    expect(changes['Directory counts job (refresh_reader_directory_stats)']).toMatchObject({ verdict: 'same' });

    const report = renderReport(now, 'chart.svg', { file: '2026-11-25.json', results: before });
    expect(report).toContain('## Compared with the previous results');
    expect(report).toContain('Against [2026-11-25.json](2026-11-25.json)');
    expect(report).toContain('That run measured the earlier presence model (users.is_online flag (issue 11))');
    expect(report).toContain('Worse beyond the noise: Readers page in PostgreSQL, project.');
    expect(report).toMatch(/\| Readers page in PostgreSQL, project \| 0\.10 ms \| 0\.50 ms \| \+400% \| worse \| buffers 37 → 142/);
  });

  test('figures the previous results lack are "new", not compared with zero', () => {
    const before = results();
    for (const step of before.growth) {
      step.reads = step.reads.filter((r) => !r.name.includes('available now'));
      step.cleanups = step.cleanups.filter((c) => c.fn !== 'refresh_reader_directory_stats');
    }
    const changes = Object.fromEntries(compareWithPrevious(results(), before).map((c) => [c.what, c]));
    expect(changes['Readers page, available now, in PostgreSQL']).toMatchObject({ beforeText: '–', verdict: 'new' });
    expect(changes['Directory counts job (refresh_reader_directory_stats)']).toMatchObject({ verdict: 'new' });
  });
});

describe('evidence of where the time goes', () => {
  const AUTO_EXPLAIN = `duration: 120.5 ms  plan:
Query Text: with due as (select private.presence_status_at(p.chosen_status) from private.reader_presence_now n)
  insert into public.presence_audit_log select private.time_transition_cause(r.new_status) from recorded r
Insert on presence_audit_log  (cost=1.00..2.00 rows=0 width=0) (actual time=120.1..120.1 rows=0 loops=1)
  ->  Hash Left Join  (cost=1.00..2.00 rows=10 width=94) (actual time=1.0..100.0 rows=10 loops=1)
        Filter: (private.presence_status_at(p.chosen_status, p.expires_at, d.last_heard_at, d.last_input_at, now()) <> u_1.recorded_status)`;

  test('the functions a plan calls come from its nodes, not from the statement text above them', () => {
    expect(functionsCalledIn(AUTO_EXPLAIN)).toEqual(['private.presence_status_at']);
    expect(functionsCalledIn('Index Scan using users_pkey on users u  (cost=0.42..8.44 rows=1 width=20)')).toEqual([]);
  });

  test('targets name the functions a slow plan calls per row', () => {
    const slow = results();
    const largest = slow.growth.at(-1)!;
    largest.reads = largest.reads.map((r) =>
      r.name.startsWith('Readers page (first') && r.design === 'project'
        ? { ...r, postgresMs: 4, calls: ['private.presence_status_at', 'private.public_last_seen_at'] }
        : r,
    );
    largest.cleanups = largest.cleanups.map((c) => (c.fn === 'mark_inactive_readers_offline' ? { ...c, plan: AUTO_EXPLAIN } : c));
    const targets = evaluateTargets(slow);
    expect(targets.find((t) => t.name === 'Readers page in PostgreSQL at 10,000 readers')!.gap).toContain(
      'its plan calls `private.presence_status_at`, `private.public_last_seen_at` as functions (not inlined',
    );
    expect(targets.find((t) => t.name.startsWith('Cleanup of'))!.gap).toContain('its plan calls `private.presence_status_at` as functions');
    expect(renderReport(slow, 'chart.svg')).toContain(
      'Functions of ours the plans call for each row instead of inlining them (EXPLAIN VERBOSE): Readers page (first page, online first) (project): `private.presence_status_at`, `private.public_last_seen_at`.',
    );
  });

  test('the statements inside one heartbeat: how many, and how many only evaluated a helper function', () => {
    const statement = (ms: number, query: string, touchesTables: boolean) => ({ ms, query, touchesTables, plan: `Query Text: ${query}` });
    const statements = [
      statement(0.05, 'not exists (select from public.users u where u.id = reader and u.is_reader)', true),
      statement(0.01, "select interval '15 seconds'", false),
      statement(0.2, 'update private.reader_devices d set last_seen_at = now()', true),
      statement(0.3, 'select case when last_heard_at is null ...', false),
      statement(1.5, 'select * from public.reader_heartbeat()', true),
    ];
    expect(heartbeatStatementSummary(statements)).toBe(
      'one heartbeat ran 4 statements inside `reader_heartbeat()` (1.50 ms in all under auto_explain), 2 of them reading no table: bodies of SQL helper functions run as queries of their own (0.31 ms)',
    );
    expect(heartbeatStatementSummary(undefined)).toBeUndefined();
    const withStatements = { ...results(), heartbeatStatements: statements };
    const report = renderReport(withStatements, 'chart.svg');
    expect(report).toContain('### Inside one heartbeat');
    expect(report).toContain("| 2 | `select interval '15 seconds'` | 0.010 | no |");
  });

  test('other work on the machine is measured and said, as a gauge rather than a verdict', () => {
    const busy = results();
    busy.heartbeats = busy.heartbeats.map((r) => ({ ...r, cpu: { ...r.cpu, machine: 26 } }));
    expect(pathTotals(busy.heartbeats, 'project').otherCpu).toBe(20);
    expect(renderReport(busy, 'chart.svg')).toContain("other work on this machine (not the benchmark's) used 40.0 CPU s of the 80 its 2 cores had (50%)");

    const before = results();
    const changes = compareWithPrevious(busy, before);
    expect(changes.find((c) => c.what.startsWith('Other work'))).toMatchObject({ nowText: '40.0', verdict: 'new' });
    expect(compareWithPrevious(results(), before).find((c) => c.what.startsWith('Other work'))).toBeUndefined();
    const seedNow = results();
    seedNow.heartbeats = seedNow.heartbeats.map((r) => (r.path === 'seed' ? { ...r, cost: { ...r.cost, updates: r.cost.updates / 2 } } : r));
    const seedChange = compareWithPrevious(seedNow, before).find((c) => c.what === 'Heartbeat writes/s, seed path')!;
    expect(seedChange.verdict).toBe('gauge');
    expect(renderReport(seedNow, 'chart.svg', { file: 'before.json', results: before })).not.toMatch(/Worse beyond the noise: [^\n]*seed path/);
  });

  test('notes written after the run become the last section', () => {
    expect(renderReport(results(), 'chart.svg', undefined, 'The helpers are not inlined.\n')).toMatch(
      /## 6\. Investigation\n\nThe helpers are not inlined\.\n$/,
    );
  });
});

test('a logged plan: its time, the first words of its statement, whether its nodes touch a table', () => {
  const logged = `duration: 0.463 ms  plan:
Query Text: not exists (select from public.users u
  where u.id = reader and u.is_reader)
Result  (cost=8.44..8.45 rows=1 width=1) (actual time=0.448..0.449 rows=1 loops=1)
  InitPlan 1
    ->  Index Scan using users_pkey on users u  (cost=0.42..8.44 rows=1 width=0) (actual time=0.446..0.446 rows=1 loops=1)`;
  expect(parseLoggedPlan(logged)).toMatchObject({
    ms: 0.463,
    query: 'not exists (select from public.users u where u.id = reader and u.is_reader)',
    touchesTables: true,
  });
  const helper = `duration: 0.002 ms  plan:
Query Text:  select chosen is not null and chosen <> 'available' and (expires_at is null or expires_at > at) 
Query Parameters: $1 = 'available', $2 = NULL, $3 = '2026-12-01 09:56:31+00'
Result  (cost=0.00..0.01 rows=1 width=1) (actual time=0.001..0.001 rows=1 loops=1)`;
  expect(parseLoggedPlan(helper)).toMatchObject({ ms: 0.002, touchesTables: false });
  expect(
    parseLoggedPlan(`duration: 1 ms  plan:\nQuery Text: insert into t select 1 on conflict do nothing\nResult  (cost=0.00..0.01 rows=1 width=1)`).touchesTables,
  ).toBe(false);
});

test('a ratio from a side that also failed requests says how many answered and failed', () => {
  const partly = results();
  const largest = partly.growth.at(-1)!;
  largest.reads = largest.reads.map((r) =>
    r.design === 'seed' && r.name.startsWith('Readers page')
      ? {
          ...r,
          http: {
            ...r.http,
            requests: 4,
            errors: 16,
            perSecond: 0.4,
            firstError: 'Readers page (first page, online first) (seed): HTTP 500 canceling statement due to statement timeout',
          },
        }
      : r,
  );
  const target = evaluateTargets(partly).find((t) => t.name.startsWith('Readers page over HTTP'))!;
  expect(target.measured).toBe(
    "1,000.0× (400 vs 0.4 requests/s); the seed's page answered 4 and failed 16 (first: HTTP 500 canceling statement due to statement timeout)",
  );
});

test('the comparison says when the schema measured differs: the migrations, a proposed change applied after them', () => {
  const before = { ...results(), migrations: { digest: 'aaaaaaaaaaaa', files: ['0100.sql'] } };
  const now = {
    ...results(),
    migrations: { digest: 'bbbbbbbbbbbb', files: ['0100.sql'] },
    schemaPatch: { file: 'bench/results/x.patch.sql', digest: 'cccccccccccc', sql: 'select 1;' },
  };
  const report = renderReport(now, 'chart.svg', { file: 'before.json', results: before });
  expect(report).toContain(
    'The migrations differ (sha256 aaaaaaaaaaaa then, bbbbbbbbbbbb now). That run measured the migrations alone, this one `bench/results/x.patch.sql` applied after them.',
  );
  expect(report).toContain('**Not the migrations alone:** `bench/results/x.patch.sql` (sha256 cccccccccccc) was applied after them');
  expect(report).toContain('migrations `0100.sql` (sha256 bbbbbbbbbbbb)');
  const same = renderReport(before, 'chart.svg', { file: 'before.json', results: before });
  expect(same).toContain('Same migrations (sha256 aaaaaaaaaaaa).');
  expect(same).not.toContain('Not the migrations alone');
});

test("a failed request is summed up by its status and PostgreSQL's message", () => {
  expect(
    errorSummary(
      'Readers page (first page, online first) (seed): HTTP 500 {"code":"57014","details":null,"hint":null,"message":"canceling statement due to statement timeout"}',
    ),
  ).toBe('HTTP 500 canceling statement due to statement timeout');
  expect(errorSummary('project heartbeat: HTTP 401 unauthorized')).toBe('HTTP 401 unauthorized');
  expect(errorSummary(undefined)).toBe('');
});

function readingsMeasure(): ReadingsMeasure {
  const figures = {
    request: [5, 2_400, 2],
    accept: [10, 4_400, 3],
    'heartbeat-client': [2, 224, 0],
    'heartbeat-reader': [2, 224, 0],
    'heartbeat-absorbed': [1, 142, 0],
    end: [5, 3_700, 3],
  };
  return {
    readings: 20,
    finishedReadings: 100_000,
    steps: READING_STEPS.map((step) => {
      const [ms, wal, messages] = figures[step];
      return {
        step,
        call: `\`${step}(reading_id)\` by the client`,
        httpMs: { p50: ms! * 10, p95: ms! * 20 },
        postgresMs: { p50: ms!, p95: ms! * 2 },
        commitMs: { p50: 4, p95: 8 },
        walBytes: { p50: wal!, p95: wal! * 2 },
        messages: messages!,
        topics: messages === 0 ? {} : { 'readings:<id>': 2, ...(messages === 3 ? { 'reader-presence': 1 } : {}) },
      };
    }),
    overdueJob: {
      finishedReadings: 100_000,
      tablePages: 2_300,
      runs: [
        {
          overdue: { ringing: 0, live: 0 },
          ended: 0,
          ms: { median: 0.4, min: 0.2, max: 0.7 },
          buffers: 2,
          indexes: ['readings_one_open_per_reader'],
          seqScan: false,
          plan: 'Index Scan using readings_one_open_per_reader on readings r',
        },
        {
          overdue: { ringing: 3, live: 3 },
          ended: 6,
          ms: { median: 15, min: 11, max: 20 },
          buffers: 116,
          indexes: ['readings_one_open_per_client', 'users_pkey'],
          seqScan: false,
          plan: 'Bitmap Index Scan on readings_one_open_per_client',
        },
      ],
    },
    signalling: {
      calls: 20,
      messagesPerCall: { hello: 2, offer: 1, answer: 1, ice: 16, bye: 1 },
      payloadBytesPerCall: 14_300,
      wireBytesPerCall: { sent: 14_800, received: 17_000 },
      latencyMs: { p50: 1.3, p95: 18, max: 27 },
      lost: 0,
      joinMs: { p50: 48, p95: 64 },
      checksPerCall: { joins: 2, sends: 2 },
      checkMs: { read: 10.1, write: 5.8 },
    },
  };
}

describe('video readings', () => {
  test('results from before issue 16 have no readings section and still render', () => {
    const report = renderReport(results(), 'chart.svg');
    expect(report).not.toContain('Video readings');
    expect(report).not.toMatch(/Infinity|NaN|undefined/);
  });

  test('each step, the 30-minute reading computed from them, the overdue job and the signalling', () => {
    const report = renderReport({ ...results(), readings: readingsMeasure() }, 'chart.svg');
    expect(report).toContain('## 9. Video readings');
    expect(report).toContain('20 readings through each path');
    expect(report).toContain('among the 100,000 finished readings (the table: 2,300 pages of 8 KiB)');
    expect(report).toContain(
      '| Accept | `accept(reading_id)` by the client | 100 ms | 200 ms | 10.0 ms | 20.0 ms | 4.00 ms | 4,400 B | 8,800 B | 3: `readings:<id>` ×2, `reader-presence` ×1 |',
    );
    expect(report).toContain('| Heartbeat absorbed |');
    // 5 + 10 + 120 × 2 + 120 × 2 + 5 ms; 2,400 + 4,400 + 240 × 224 + 3,700 B.
    expect(report).toContain('| **Whole reading** | **243** | **500 ms** | 972 ms | **62.8 KiB** | 8 |');
    expect(report).toContain('each minute, 8 heartbeats: 16.0 ms in PostgreSQL and 1,792 B of WAL');
    expect(report).toContain('| none | 0 | 0.40 ms | 0.20–0.70 ms | 2 | `readings_one_open_per_reader` | no |');
    expect(report).toContain('| 3 rang out, 3 left live | 6 | 15.0 ms | 11.0–20.0 ms | 116 | `readings_one_open_per_client`, `users_pkey` | no |');
    expect(report).toContain('2 hello, 1 offer, 1 answer, 16 ice, 1 bye');
    expect(report).toContain('| 21 | 14.0 KiB | 14.5 KiB / 16.6 KiB | 1.30 ms | 18.0 ms | 27.0 ms | 0 | 48.0 ms | 64.0 ms |');
    expect(report).toContain('ran 2 checks on the joins and 2 on the sends');
    expect(report).not.toMatch(/Infinity|NaN|undefined/);
  });

  test('a job that read the whole table says so', () => {
    const measure = readingsMeasure();
    measure.overdueJob.runs[1] = { ...measure.overdueJob.runs[1]!, seqScan: true, indexes: [] };
    expect(renderReport({ ...results(), readings: measure }, 'chart.svg')).toContain(
      '| 3 rang out, 3 left live | 6 | 15.0 ms | 11.0–20.0 ms | 116 | none | **yes** |',
    );
  });

  test('against results without readings the figures are new; notes come after the section', () => {
    const now = { ...results(), readings: readingsMeasure() };
    const changes = Object.fromEntries(compareWithPrevious(now, results()).map((c) => [c.what, c]));
    expect(changes['Video reading of 30 minutes, time in PostgreSQL (computed from its steps)']).toMatchObject({ nowText: '500 ms', verdict: 'new' });
    expect(changes['Video reading of 30 minutes, WAL (computed from its steps)']).toMatchObject({ nowText: '62.8 KiB', verdict: 'new' });
    expect(changes['end_overdue_readings() with a few overdue among the finished readings']).toMatchObject({ nowText: '15.0 ms', verdict: 'new' });
    expect(compareWithPrevious(results(), results()).some((c) => c.what.includes('reading'))).toBe(false);
    expect(renderReport(now, 'chart.svg', undefined, 'Findings.\n')).toMatch(/## 9\. Video readings[\s\S]*## 7\. Investigation\n\nFindings\.\n$/);
  });
});
