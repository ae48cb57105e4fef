import fs from 'node:fs';
import { expect, test } from 'vitest';
import { READER_CARD_COLUMNS } from '@/features/readers/api/fetch-reader-page';
import { makeTempDir } from '../../tests/support/test-stack.ts';
import { benchConfigFromEnv } from '../lib/config.ts';
import { READERS_PAGE_SELECT } from '../lib/reads.ts';
import { runBenchmark, writeResults } from '../presence.ts';

const withoutSpaces = (text: string) => text.replace(/\s+/g, '');

test('the benchmark measures what the readers page asks for', () => {
  expect(withoutSpaces(READERS_PAGE_SELECT)).toBe(withoutSpaces(READER_CARD_COLUMNS));
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
    },
    resultsDir,
  );
  const results = await runBenchmark(config, () => {});

  expect(results.growth.map((step) => [step.readers, step.online, step.stale])).toEqual([[100, 13, 10], [300, 40, 30]]);
  for (const step of results.growth) {
    expect(step.reads).toHaveLength(7);
    for (const read of step.reads) {
      expect(read.http.errors, `${read.name} (${read.design}): ${read.http.firstError}`).toBe(0);
      expect(read.http.requests).toBeGreaterThan(0);
      expect(read.postgresMs).toBeGreaterThan(0);
      expect(read.plan).toMatch(/Execution Time/);
    }
    for (const cleanup of step.cleanups) {
      expect(cleanup.changed).toBe(step.stale);
      expect(cleanup.plan).toContain('Update on users');
      expect(cleanup.plan).toContain('Insert on presence_audit_log');
      expect(cleanup.plan).not.toContain('set_config');
    }
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

  const reportPath = writeResults(results, resultsDir);
  const report = fs.readFileSync(reportPath, 'utf8');
  expect(report).toMatch(/^# Presence benchmark, \d{4}-\d{2}-\d{2}/);
  for (const section of ['## Targets', '## 1. Heartbeats', '## 2. Cost per heartbeat', '## 3. Reads', '## 4. Cleanup', '## 5. Growth']) {
    expect(report).toContain(section);
  }
  expect(report).toContain('**Capacity:**');
  expect(fs.readFileSync(reportPath.replace(/\.md$/, '.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  expect(JSON.parse(fs.readFileSync(reportPath.replace(/\.md$/, '.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(results)));
  fs.rmSync(resultsDir, { recursive: true, force: true });
}, 240_000);
