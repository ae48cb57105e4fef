import { describe, expect, test } from 'vitest';
import type { MaintenancePoint } from '@/features/ops/api/fetch-maintenance-series';
import type { PresencePoint } from '@/features/ops/api/fetch-presence-series';
import { transitionsChartData } from '@/features/ops/utils/chart-data';
import { heatmapGrid } from '@/features/ops/utils/heatmap-grid';
import {
  summarizeCleanupDuration,
  summarizeCleanupRows,
  summarizeFailureRate,
  summarizeHeatmap,
  summarizeOnline,
  summarizeTransitions,
} from '@/features/ops/utils/summaries';

const t0 = Date.UTC(2026, 10, 25, 13, 50);
const t1 = Date.UTC(2026, 10, 25, 14, 0);

const point = (at: number, fields: Partial<PresencePoint> = {}): PresencePoint => ({
  at,
  onlineAvg: 10,
  onlinePeak: 12,
  availableAvg: 8,
  heartbeats: 1000,
  failures: 0,
  failureRate: 0,
  onlineStalePeak: 0,
  minutesSeen: 10,
  ...fields,
});

describe('summarizeOnline', () => {
  test("the average over the minutes seen, and the peak with its time in the viewer's zone", () => {
    const points = [point(t0, { onlineAvg: 10, minutesSeen: 10, onlinePeak: 12 }), point(t1, { onlineAvg: 16, minutesSeen: 5, onlinePeak: 20 })];
    expect(summarizeOnline(points, '24 hours', 'UTC')).toBe('Readers online averaged 12 over the last 24 hours, peaking at 20 at 14:00.');
    expect(summarizeOnline(points, '24 hours', 'Europe/Paris')).toBe('Readers online averaged 12 over the last 24 hours, peaking at 20 at 15:00.');
  });

  test('nothing recorded says so', () => {
    expect(summarizeOnline([], '7 days', 'UTC')).toBe('No presence minutes were recorded in the last 7 days.');
  });
});

describe('summarizeFailureRate', () => {
  test('failures of all attempts, and the worst bucket', () => {
    const points = [point(t0, { failures: 2, failureRate: 0.002 }), point(t1, { failures: 8, failureRate: 0.0079 })];
    expect(summarizeFailureRate(points, '24 hours', 'UTC')).toBe(
      '10 of 2,010 presence updates failed in the last 24 hours (0.5%); the worst 10 minutes began at 14:00, with 0.79%.',
    );
  });

  test('none failed, or none attempted', () => {
    expect(summarizeFailureRate([point(t0)], '24 hours', 'UTC')).toBe('None of 1,000 presence updates failed in the last 24 hours.');
    expect(summarizeFailureRate([point(t0, { heartbeats: 0, failureRate: null })], '30 days', 'UTC')).toBe(
      'No presence update was attempted in the last 30 days.',
    );
  });
});

describe('summarizeTransitions', () => {
  test('the total, by cause, and the busiest bucket', () => {
    const data = transitionsChartData([
      { at: t0, cause: 'heartbeat', transitions: 5 },
      { at: t1, cause: 'heartbeat', transitions: 30 },
      { at: t1, cause: 'inactivity', transitions: 10 },
      { at: t1, cause: 'sign_out', transitions: 1 },
    ]);
    expect(summarizeTransitions(data, '7 days', 'UTC')).toBe(
      '46 status changes in the last 7 days: Heartbeat 35, Inactivity 10 and Sign-out 1. The busiest hour began at Wed 14:00, with 41.',
    );
  });

  test('none', () => {
    expect(summarizeTransitions({ x: [], series: [] }, '24 hours', 'UTC')).toBe("No reader's status changed in the last 24 hours.");
  });
});

const run = (at: number, jobName: string, fields: Partial<MaintenancePoint> = {}): MaintenancePoint => ({
  at,
  jobName,
  runs: 10,
  failures: 0,
  durationMsAvg: 3,
  durationMsMax: 5,
  rowsChanged: 0,
  ...fields,
});

describe('cleanup summaries', () => {
  const rows = [
    run(t0, 'mark-inactive-readers-offline', { runs: 10, durationMsAvg: 2, durationMsMax: 4, rowsChanged: 30 }),
    run(t1, 'mark-inactive-readers-offline', { runs: 10, durationMsAvg: 4, durationMsMax: 12, rowsChanged: 8 }),
    run(t1, 'record-presence-minute', { runs: 10, durationMsAvg: 900, durationMsMax: 2000, rowsChanged: 500 }),
  ];

  test('duration: how often each cleanup ran, its average and its slowest', () => {
    expect(summarizeCleanupDuration(rows, '24 hours', 'UTC')).toBe(
      'In the last 24 hours, mark-inactive-readers-offline ran 20 times, taking 3 ms on average and 12 ms at most (14:00); cleanup-reader-presence did not run.',
    );
  });

  test('rows changed by each cleanup', () => {
    expect(summarizeCleanupRows(rows, '24 hours')).toBe(
      'The cleanups changed 38 rows in the last 24 hours: mark-inactive-readers-offline 38 and cleanup-reader-presence 0.',
    );
    expect(summarizeCleanupRows([], '7 days')).toBe('The cleanups changed no rows in the last 7 days.');
  });
});

describe('summarizeHeatmap', () => {
  test('the busiest and the quietest hour of the week, and how much of it has data', () => {
    const grid = heatmapGrid([
      { weekday: 2, hour: 20, onlineAvg: 12, minutesSeen: 240 },
      { weekday: 1, hour: 4, onlineAvg: 0.5, minutesSeen: 240 },
      { weekday: 3, hour: 9, onlineAvg: 6, minutesSeen: 240 },
    ]);
    expect(summarizeHeatmap(grid)).toBe(
      "Most readers are usually online on Tuesday at 20:00 (12 on average), fewest on Monday at 04:00 (0.5). 3 of the week's 168 hours have data so far.",
    );
  });

  test('no data', () => {
    expect(summarizeHeatmap(heatmapGrid([]))).toBe('No presence minutes were recorded in the last 30 days.');
  });
});
