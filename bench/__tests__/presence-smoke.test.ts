import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { READER_CARD_COLUMNS } from '@/features/readers/api/fetch-reader-page';
import { makeTempDir } from '../../tests/support/test-stack.ts';
import { benchConfigFromEnv } from '../lib/config.ts';
import { FAVOURITES_PAGE, READERS_PAGE_SELECT } from '../lib/reads.ts';
import { runBenchmark, writeResults } from '../presence.ts';

/** A PostgREST select as its top-level items, spaces dropped: `a, b, c:d ( e )` -> ['a', 'b', 'c:d(e)']. */
function selectItems(select: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let item = '';
  for (const character of select.replace(/\s+/g, '')) {
    if (character === ',' && depth === 0) {
      items.push(item);
      item = '';
      continue;
    }
    if (character === '(') depth += 1;
    if (character === ')') depth -= 1;
    item += character;
  }
  return [...items, item].filter(Boolean);
}

test('the benchmark measures at least what the readers page asks for', () => {
  const measured = selectItems(READERS_PAGE_SELECT);
  expect(selectItems(READER_CARD_COLUMNS).filter((item) => !measured.includes(item))).toEqual([]);
});

// Keeps `npm run bench` from rotting: the whole run, on a tiny data set, for a few seconds.
test('a tiny benchmark runs end to end and writes its report, JSON and chart', async () => {
  const resultsDir = makeTempDir('bench-results-');
  const config = benchConfigFromEnv(
    {
      BENCH_READERS: '300',
      BENCH_ONLINE: '40',
      BENCH_STALE: '30',
      BENCH_GROWTH: '100',
      BENCH_ROUNDS: '1',
      BENCH_ROUND_SECONDS: '1',
      BENCH_WARMUP_SECONDS: '0.2',
      BENCH_CONCURRENCY: '4',
      BENCH_READ_CONCURRENCY: '2',
      BENCH_READ_SECONDS: '0.3',
      BENCH_PUSH_SUBSCRIBERS: '20',
      BENCH_PUSH_TRANSITIONS: '5',
      BENCH_PUSH_BURST: '10',
      BENCH_FOLLOWERS: '30',
      BENCH_READINGS: '2',
      BENCH_FINISHED_READINGS: '2000',
    },
    resultsDir,
  );
  const results = await runBenchmark(config, () => {});

  expect(results.model).toBe('per-device status (issue 12)');
  expect(results.growth.map((step) => [step.readers, step.online, step.stale])).toEqual([
    [100, 13, 10],
    [300, 40, 30],
  ]);
  // One in ten online readers busy, one in twenty away by choice and one in twenty idle.
  expect(results.growth.map((step) => step.statuses)).toEqual([
    { available: 10, busy: 1, away: 2 },
    { available: 32, busy: 4, away: 4 },
  ]);
  for (const step of results.growth) {
    expect(step.reads).toHaveLength(10);
    for (const read of step.reads) {
      expect(read.http.errors, `${read.name} (${read.design}): ${read.http.firstError}`).toBe(0);
      expect(read.http.requests).toBeGreaterThan(0);
      expect(read.postgresMs).toBeGreaterThan(0);
      expect(read.plan).toMatch(/Execution Time/);
      expect(read.responseBytes).toBeGreaterThan(0);
      expect(Array.isArray(read.calls)).toBe(true);
      if (read.design === 'seed') expect(read.calls).toEqual([]);
    }
    // A client's favourites read by key, as many as a page holds (every client keeps 100 here).
    const favourites = step.reads.find((read) => read.name === FAVOURITES_PAGE)!;
    expect(favourites.plan).toContain('Function Scan on favourite_reader_cards');
    expect(favourites.plan).toMatch(/Limit .*actual time=[\d.]+\.\.[\d.]+ rows=24 /);
    expect(step.cleanups.map((cleanup) => cleanup.fn)).toEqual([
      'mark_inactive_readers_offline',
      'cleanup_reader_presence',
      'refresh_reader_directory_stats',
      'record_presence_minute',
    ]);
    for (const cleanup of step.cleanups.filter((c) => c.fn === 'mark_inactive_readers_offline' || c.fn === 'cleanup_reader_presence')) {
      expect(cleanup.changed).toBe(step.stale);
      // One non-HOT update of each stale reader's recorded status (it leads users_directory_idx).
      expect(cleanup.cost.updates).toBe(step.stale);
      expect(cleanup.cost.hotUpdates).toBe(0);
      expect(cleanup.plan).toContain('Update on users');
      expect(cleanup.plan).toContain('Insert on presence_audit_log');
      expect(cleanup.plan).not.toContain('set_config');
    }
    const counts = step.cleanups.find((c) => c.fn === 'refresh_reader_directory_stats')!;
    expect(counts.changed).toBeNull();
    expect(counts.plan).toContain('Insert on reader_directory_stats');
    // The minute's recording: the same counts, the minute's row, the stale readers counted.
    const minute = step.cleanups.find((c) => c.fn === 'record_presence_minute')!;
    expect(minute.plan).toContain('Insert on reader_directory_stats');
    expect(minute.plan).toContain('Insert on presence_minutes');
    expect(minute.cost.updates).toBeLessThan(step.stale);
  }
  expect(results.heartbeats.map((round) => round.path)).toEqual(['project', 'seed']);
  for (const round of results.heartbeats) {
    expect(round.load.errors, round.load.firstError).toBe(0);
    // 40 readers come round again within seconds here, so the project path's rate limit absorbs
    // some heartbeats; neither path ever writes more than once per request.
    expect(round.cost.updates).toBeGreaterThan(0);
    expect(round.cost.updates).toBeLessThanOrEqual(round.load.requests);
    expect(round.cost.walBytes).toBeGreaterThan(0);
    expect(round.cpu.postgres).toBeGreaterThan(0);
  }
  const seedRound = results.heartbeats.find((round) => round.path === 'seed')!;
  expect(seedRound.cost.updates).toBe(seedRound.load.requests);
  // The project's heartbeats write only their device's row, HOT, with no index entry.
  const projectRound = results.heartbeats.find((round) => round.path === 'project')!;
  expect(projectRound.cost.hotUpdates).toBe(projectRound.cost.updates);
  expect(projectRound.cost.indexWrites).toBe(0);
  expect(results.heartbeatTableStats.project.updates).toBeGreaterThan(0);
  expect(results.heartbeatTableStats.project.hotUpdates).toBe(results.heartbeatTableStats.project.updates);
  expect(results.heartbeats.every((round) => round.cpu.machine !== undefined && round.cpu.machine > 0)).toBe(true);
  // The plans of one more heartbeat: its device's update among them, the call itself last.
  const statements = results.heartbeatStatements!;
  expect(statements.some((statement) => /^update private\.reader_devices/.test(statement.query) && /Update on reader_devices/.test(statement.plan))).toBe(true);
  expect(statements.at(-1)!.query).toBe('select * from public.reader_heartbeat()');
  expect(statements.some((statement) => /set_config\('role'/.test(statement.query))).toBe(false);

  // Heartbeats pushed nothing (the run would have stopped); every transition reached every subscriber.
  expect(results.heartbeatPushes).toBe(0);
  const push = results.push!;
  expect(push.lost).toBe(0);
  expect(push.latencyMs.p50).toBeGreaterThan(0);
  expect(push.burst).toMatchObject({ transitions: 10, deliveries: 10 * 20 });
  // The broadcast is an insert in the transition's own transaction, and only the trigger makes it.
  expect(push.transitionCost.withPush.broadcastWalBytes).toBeGreaterThan(0);
  expect(push.transitionCost.withPush.walBytes).toBeGreaterThan(push.transitionCost.withPush.broadcastWalBytes);
  expect(push.transitionCost.withoutPush.broadcastWalBytes).toBe(0);
  // Every follower is told once, in the transition's transaction; nobody is told of an unfollowed reader.
  expect(results.followedTransition).toMatchObject({ followers: 30, followed: { notifications: 30 }, unfollowed: { notifications: 0 } });
  expect(results.followedTransition!.followed.walBytes).toBeGreaterThan(results.followedTransition!.unfollowed.walBytes);

  // The rollup found the month of sessions: one reader in ten online on the day it rolled up.
  const rollup = results.rollup!;
  expect(rollup.readersOnline).toBe(Math.floor(rollup.readers / 10));
  expect(rollup.auditRows).toBeGreaterThanOrEqual(rollup.readersOnline * 30 * 4);

  // Video readings: each step through both paths; the pushes of each state change; heartbeats that
  // write, one absorbed that writes less; the overdue job by the partial indexes; the call's signals.
  const readings = results.readings!;
  expect(readings.steps.map((step) => [step.step, step.messages])).toEqual([
    ['request', 2],
    ['accept', 3],
    ['heartbeat-client', 0],
    ['heartbeat-reader', 0],
    ['heartbeat-absorbed', 0],
    ['end', 3],
  ]);
  expect(readings.steps.find((step) => step.step === 'accept')!.topics).toEqual({ 'readings:<id>': 2, 'reader-presence': 1 });
  for (const step of readings.steps) {
    expect(step.httpMs.p50, step.step).toBeGreaterThan(0);
    expect(step.postgresMs.p50, step.step).toBeGreaterThan(0);
    expect(step.walBytes.p50, step.step).toBeGreaterThan(0);
  }
  const wal = (name: string) => readings.steps.find((step) => step.step === name)!.walBytes.p50;
  expect(wal('heartbeat-absorbed')).toBeLessThan(wal('heartbeat-client'));
  const [quiet, busy] = readings.overdueJob.runs;
  expect(quiet).toMatchObject({ ended: 0, seqScan: false });
  expect(busy).toMatchObject({ overdue: { ringing: 3, live: 3 }, ended: 6, seqScan: false });
  expect(busy!.indexes.some((index) => index.startsWith('readings_one_open_per_'))).toBe(true);
  expect(quiet!.buffers).toBeLessThan(readings.overdueJob.tablePages);
  expect(readings.signalling).toMatchObject({ calls: 2, lost: 0, checksPerCall: { joins: 2, sends: 2 } });
  expect(readings.signalling.wireBytesPerCall.sent).toBeGreaterThan(readings.signalling.payloadBytesPerCall / 2);

  const reportPath = writeResults(results, resultsDir);
  const report = fs.readFileSync(reportPath, 'utf8');
  expect(report).toMatch(/^# Presence benchmark, \d{4}-\d{2}-\d{2}/);
  for (const section of [
    '## Targets',
    '## 1. Heartbeats',
    '## 2. Cost per heartbeat',
    '## 3. Reads',
    '## 4. Cleanup',
    '## 5. Growth',
    '## 6. Push',
    '## 7. A transition with followers',
    '## 8. The daily analytics rollup',
    '## 9. Video readings',
  ]) {
    expect(report).toContain(section);
  }
  expect(report).toContain('**Capacity:**');
  expect(report).toContain('No previous results to compare with.');
  expect(fs.readFileSync(reportPath.replace(/\.md$/, '.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  expect(JSON.parse(fs.readFileSync(reportPath.replace(/\.md$/, '.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(results)));

  // A second report of the same day does not overwrite the first: it is compared with it.
  const secondPath = writeResults(results, resultsDir);
  expect(path.basename(secondPath)).toBe(`${path.basename(reportPath, '.md')}-2.md`);
  expect(fs.readFileSync(reportPath, 'utf8')).toBe(report);
  expect(fs.readFileSync(secondPath, 'utf8')).toContain(`Against [${path.basename(reportPath, '.md')}.json]`);
  fs.rmSync(resultsDir, { recursive: true, force: true });
}, 240_000);
