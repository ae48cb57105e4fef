import { describe, expect, test } from 'vitest';
import type { MaintenancePoint } from '@/features/ops/api/fetch-maintenance-series';
import type { PresencePoint } from '@/features/ops/api/fetch-presence-series';
import {
  causeLabel,
  cleanupDurationChartData,
  cleanupRowsChartData,
  failureRateChartData,
  onlineChartData,
  transitionsChartData,
} from '@/features/ops/utils/chart-data';

const t0 = Date.UTC(2026, 10, 25, 14, 0);
const t1 = t0 + 600_000;
const t2 = t1 + 600_000;

const point = (at: number, fields: Partial<PresencePoint> = {}): PresencePoint => ({
  at,
  onlineAvg: 10,
  onlinePeak: 12,
  availableAvg: 8,
  heartbeats: 100,
  failures: 0,
  failureRate: 0,
  onlineStalePeak: 0,
  minutesSeen: 10,
  ...fields,
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

describe('presence series', () => {
  test('readers online: average and peak per bucket, in order', () => {
    expect(onlineChartData([point(t0), point(t1, { onlineAvg: 11.5, onlinePeak: 14 })])).toEqual({
      x: [t0, t1],
      series: [
        { key: 'online-avg', label: 'Online (average)', values: [10, 11.5] },
        { key: 'online-peak', label: 'Online (peak)', values: [12, 14] },
      ],
    });
  });

  test('the failure rate leaves a gap where nothing was attempted', () => {
    expect(failureRateChartData([point(t0, { failureRate: 0.0099 }), point(t1, { failureRate: null })]).series[0]!.values).toEqual([0.0099, null]);
  });
});

describe('transitionsChartData', () => {
  test('pivots by cause, most frequent cause first, with 0 where a cause had none', () => {
    const data = transitionsChartData([
      { at: t0, cause: 'heartbeat', transitions: 5 },
      { at: t0, cause: 'inactivity', transitions: 1 },
      { at: t2, cause: 'heartbeat', transitions: 3 },
      { at: t1, cause: 'sign_out', transitions: 2 },
    ]);
    expect(data.x).toEqual([t0, t1, t2]);
    expect(data.series).toEqual([
      { key: 'heartbeat', label: 'Heartbeat', values: [5, 0, 3] },
      { key: 'sign_out', label: 'Sign-out', values: [0, 2, 0] },
      { key: 'inactivity', label: 'Inactivity', values: [1, 0, 0] },
    ]);
  });

  test('no rows, no series', () => {
    expect(transitionsChartData([])).toEqual({ x: [], series: [] });
  });

  test('causes in words; one the app does not know as the database names it', () => {
    expect(causeLabel('reader_choice')).toBe("Reader's choice");
    expect(causeLabel('auto_away')).toBe('Auto-away');
    expect(causeLabel('something_new')).toBe('something_new');
  });
});

describe('cleanup series', () => {
  const rows = [
    run(t0, 'mark-inactive-readers-offline', { durationMsAvg: 2, rowsChanged: 4 }),
    run(t0, 'record-presence-minute', { durationMsAvg: 50, rowsChanged: 99 }),
    run(t1, 'cleanup-reader-presence', { durationMsAvg: 40, rowsChanged: 1 }),
    run(t1, 'mark-inactive-readers-offline', { durationMsAvg: 3 }),
  ];

  test('duration: one series per cleanup job, other jobs left out, a gap where a job did not run', () => {
    expect(cleanupDurationChartData(rows)).toEqual({
      x: [t0, t1],
      series: [
        { key: 'mark-inactive-readers-offline', label: 'mark-inactive-readers-offline (average ms)', values: [2, 3] },
        { key: 'cleanup-reader-presence', label: 'cleanup-reader-presence (average ms)', values: [null, 40] },
      ],
    });
  });

  test('rows changed: 0 where a job did not run', () => {
    expect(cleanupRowsChartData(rows).series.map((series) => series.values)).toEqual([
      [4, 0],
      [0, 1],
    ]);
  });
});
