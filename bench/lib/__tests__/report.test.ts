import { describe, expect, test } from 'vitest';
import type { BenchResults } from '../../presence.ts';
import type { HeartbeatRound } from '../heartbeats.ts';
import type { ReadMeasure } from '../reads.ts';
import { evaluateTargets, growthSeries, pathTotals, renderReport, roundComparisons } from '../report.ts';

const latency = (p95: number) => ({ p50: p95 / 2, p95, p99: p95 * 1.2, max: p95 * 1.5 });

function round(path: 'project' | 'seed', number: number, { requests, writes, hot, p95 }: { requests: number; writes: number; hot: number; p95: number }): HeartbeatRound {
  return {
    path,
    round: number,
    load: { requests, errors: 0, durationMs: 10_000, perSecond: requests / 10, latencyMs: latency(p95) },
    cost: { updates: writes, hotUpdates: hot, walBytes: writes * 200 + 8192, fullPageImageBytes: 8192, indexWrites: path === 'seed' ? writes * 3 : 0 },
    cpu: { postgres: 5, postgrest: 6, gateway: 2, loadTool: 3 },
  };
}

function read(name: string, design: 'project' | 'seed', postgresMs: number, perSecond: number): ReadMeasure {
  return { name, design, postgresMs, plan: 'Execution Time: 1 ms', http: { requests: perSecond * 5, errors: 0, durationMs: 5_000, perSecond, latencyMs: latency(50) } };
}

function results(): BenchResults {
  const reads = (readers: number) => [
    read('Readers page (first page, online first)', 'project', 0.1, 400),
    read('Readers page (first page, online first)', 'seed', readers / 400, 4),
    read('getReadersOnlineStatus, 100 ids', 'project', 0.4, 450),
  ];
  const cleanups = (stale: number, ms: number) =>
    (['mark_inactive_readers_offline', 'cleanup_reader_presence'] as const).map((fn) => ({ fn, stale, changed: stale, ms: { median: ms, min: ms, max: ms }, walBytes: stale * 500, plan: 'Update on users' }));
  return {
    startedAt: '2026-11-25T10:00:00.000Z',
    wallSeconds: 300,
    machine: { cpu: 'Test CPU', cores: 2, memoryGiB: 24, os: 'Linux', node: 'v20', postgres: '17.10', postgrest: '12.0.2' },
    config: { readers: 10_000, online: 1_000, stale: 1_000, growth: [1_000, 10_000], heartbeatConcurrency: 50, heartbeatRounds: 2, heartbeatSeconds: 10, warmupSeconds: 1, readConcurrency: 20, readSeconds: 5 },
    growth: [
      { readers: 1_000, online: 100, stale: 100, reads: reads(1_000), cleanups: cleanups(100, 5) },
      { readers: 10_000, online: 1_000, stale: 1_000, reads: reads(10_000), cleanups: cleanups(1_000, 150) },
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
    expect(roundComparisons(results().heartbeats).map((c) => [c.round, c.ratio])).toEqual([[1, 1.2], [2, 1.5]]);
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
    const targets = Object.fromEntries(evaluateTargets(results()).map((t) => [t.name.split(' (')[0]!.split(',')[0], t]));
    expect(targets['Heartbeat writes/s']).toMatchObject({ met: false });
    expect(targets['Heartbeat writes/s']!.gap).toMatch(/^0\.05× short\./);
    expect(targets['WAL per heartbeat write']).toMatchObject({ met: true });
    expect(targets['HOT update ratio of heartbeat writes']).toMatchObject({ met: true });
    expect(targets['Readers page in PostgreSQL at 10']).toMatchObject({ met: true });
    expect(targets['Readers page over HTTP at 20 clients']).toMatchObject({ met: true, measured: expect.stringMatching(/^100\.0×/) });
    expect(targets['Cleanup of 1']).toMatchObject({ met: false });
    expect(targets['Cleanup of 1']!.gap).toMatch(/^50\.0 ms over\./);
    expect(targets['Bulk status for 100 ids in PostgreSQL']).toMatchObject({ met: true });
  });

  test('the report lists the misses and the capacity line from the sustained write rate', () => {
    const report = renderReport(results(), 'chart.svg');
    expect(report).toContain('- **Missed: Heartbeat writes/s, project vs seed (median of rounds).**');
    expect(report).toContain('- **Missed: Cleanup of 1,000 stale readers');
    expect(report).not.toContain('Missed: WAL');
    expect(report).toContain('keeps about **36,000 readers online** at the 60-second interval');
    expect(report).toContain('![Time in PostgreSQL as readers grow](chart.svg)');
  });

  test('the chart has one series per measured cost, a point per size', () => {
    const series = growthSeries(results());
    expect(series.find((s) => s.label === 'Readers page, seed (fetchAllReaders)')!.points).toEqual([
      { readers: 1_000, value: 2.5 },
      { readers: 10_000, value: 25 },
    ]);
    expect(series.find((s) => s.label.startsWith('Page summary'))!.points).toEqual([]);
  });
});
