import { describe, expect, test } from 'vitest';
import type { PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { dayStart } from '@/features/presence-stats/utils/format-stats';
import { onlineMinutesChartData, periodEnd, presenceDaysTableData, presenceFigures } from '@/features/presence-stats/utils/presence-figures';

const day = (date: string, fields: Partial<PresenceDay> = {}): PresenceDay => ({
  day: date,
  onlineMinutes: 60,
  sessions: 1,
  longestSessionMinutes: 60,
  peakHour: 9,
  ...fields,
});

// Newest first, as the database sends them.
const days = [
  day('2026-11-24', { onlineMinutes: 45, sessions: 1, longestSessionMinutes: 45, peakHour: 20 }),
  day('2026-11-22', { onlineMinutes: 135, sessions: 2, longestSessionMinutes: 90, peakHour: 9 }),
  day('2026-11-20', { onlineMinutes: 30.5, sessions: 3, longestSessionMinutes: 20, peakHour: 9 }),
];

describe('presenceFigures', () => {
  test('totals the days, finds the longest session and the most common peak hour', () => {
    expect(presenceFigures(days)).toEqual({
      daysOnline: 3,
      onlineMinutes: 210.5,
      sessions: 6,
      longestSession: { minutes: 90, day: '2026-11-22' },
      commonPeakHour: { hour: 9, days: 2 },
    });
  });

  test('peak hours on as many days each: the one with more minutes online, then the earlier', () => {
    expect(
      presenceFigures([day('2026-11-24', { peakHour: 20, onlineMinutes: 100 }), day('2026-11-23', { peakHour: 9, onlineMinutes: 50 })]).commonPeakHour,
    ).toEqual({
      hour: 20,
      days: 1,
    });
    expect(presenceFigures([day('2026-11-24', { peakHour: 20 }), day('2026-11-23', { peakHour: 9 })]).commonPeakHour).toEqual({ hour: 9, days: 1 });
  });

  test('of equally long sessions, the latest is named', () => {
    expect(presenceFigures([day('2026-11-20'), day('2026-11-24'), day('2026-11-22')]).longestSession).toEqual({ minutes: 60, day: '2026-11-24' });
  });

  test('no days: nothing online, no longest session, no peak hour', () => {
    expect(presenceFigures([])).toEqual({ daysOnline: 0, onlineMinutes: 0, sessions: 0, longestSession: null, commonPeakHour: null });
  });
});

describe('the chart and its table', () => {
  test('the chart has every day of the last 30, oldest first, 0 on days without presence', () => {
    const data = onlineMinutesChartData(days, '2026-11-25');
    expect(data.x).toHaveLength(30);
    expect(data.x[0]).toBe(dayStart('2026-10-27'));
    expect(data.x.at(-1)).toBe(dayStart('2026-11-25'));
    const minutes = new Map(data.x.map((at, i) => [at, data.series[0]!.values[i]]));
    expect(minutes.get(dayStart('2026-11-22'))).toBe(135);
    expect(minutes.get(dayStart('2026-11-21'))).toBe(0);
    expect(data.series.map((series) => series.label)).toEqual(['Online (minutes)']);
  });

  test('the period ends today, or on a later day the database sent (a browser clock behind)', () => {
    expect(periodEnd(days, '2026-11-25')).toBe('2026-11-25');
    expect(periodEnd(days, '2026-11-01')).toBe('2026-11-24');
  });

  test('the table lists the days with presence, oldest first, with sessions, the longest and the peak hour', () => {
    const table = presenceDaysTableData(days);
    expect(table.x).toEqual([dayStart('2026-11-20'), dayStart('2026-11-22'), dayStart('2026-11-24')]);
    expect(table.series.map((series) => series.label)).toEqual(['Online (minutes)', 'Sessions', 'Longest session (minutes)', 'Peak hour']);
    expect(table.series.map((series) => series.values)).toEqual([
      [30.5, 135, 45],
      [3, 2, 1],
      [20, 90, 45],
      [9, 9, 20],
    ]);
    expect(table.series[3]!.format?.(9)).toBe('09:00');
  });
});
