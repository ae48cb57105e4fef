import { describe, expect, test } from 'vitest';
import type { PresenceDay } from '@/features/presence-stats/api/fetch-presence-stats';
import { NO_PRESENCE_YET, summarizePresenceDays } from '@/features/presence-stats/utils/summaries';

const day = (date: string, onlineMinutes: number): PresenceDay => ({
  day: date,
  onlineMinutes,
  sessions: 1,
  longestSessionMinutes: onlineMinutes,
  peakHour: 9,
});

describe('summarizePresenceDays', () => {
  test('days online, the time in all, and the day with the most', () => {
    expect(summarizePresenceDays([day('2026-11-24', 45), day('2026-11-22', 135)])).toBe(
      'Online on 2 of the last 30 days, 3 h in all; the most on Sun 22 Nov, with 2 h 15 min.',
    );
  });

  test('of days with as much, the latest is named', () => {
    expect(summarizePresenceDays([day('2026-11-24', 30), day('2026-11-22', 30)])).toBe(
      'Online on 2 of the last 30 days, 1 h in all; the most on Tue 24 Nov, with 30 min.',
    );
  });

  test('one day says which', () => {
    expect(summarizePresenceDays([day('2026-11-24', 45)])).toBe('Online on 1 of the last 30 days: 45 min on Tue 24 Nov.');
  });

  test('none yet says when they come', () => {
    expect(summarizePresenceDays([])).toBe(NO_PRESENCE_YET);
    expect(NO_PRESENCE_YET).toBe('No presence recorded in the last 30 days yet; statistics are computed daily.');
  });
});
