import { describe, expect, test } from 'vitest';
import { addDays, DAY_AXIS, dayOf, dayStart, formatDay, formatHour, formatHourRange, formatMinutes } from '@/features/presence-stats/utils/format-stats';

describe('days', () => {
  test('a local date stands for its UTC midnight on a chart, and back', () => {
    expect(dayStart('2026-11-25')).toBe(Date.UTC(2026, 10, 25));
    expect(dayOf(Date.UTC(2026, 10, 25, 23, 59))).toBe('2026-11-25');
  });

  test('days are counted over month and year ends', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2027-01-01', -1)).toBe('2026-12-31');
    expect(addDays('2026-03-01', -29)).toBe('2026-01-31');
  });

  test("a date is worded as the reader's own day, whatever the viewer's zone", () => {
    expect(formatDay('2026-11-25')).toBe('Wed 25 Nov');
    expect(DAY_AXIS.formatPoint(dayStart('2026-11-25'))).toBe('Wed 25 Nov');
    expect(DAY_AXIS.formatTick(dayStart('2026-11-25'))).toBe('25 Nov');
    expect(DAY_AXIS).toMatchObject({ bucketMs: 86_400_000, utc: true, heading: 'Day' });
  });
});

describe('formatMinutes', () => {
  test.each([
    [0.5, '0.5 min'],
    [45, '45 min'],
    [59.94, '59.9 min'],
    [60, '1 h'],
    [90, '1 h 30 min'],
    [135.4, '2 h 15 min'],
    [1500, '25 h'],
  ])('%d minutes read as %s', (minutes, words) => {
    expect(formatMinutes(minutes)).toBe(words);
  });
});

describe('hours', () => {
  test('an hour of the day reads on the 24-hour clock, and as the hour it spans', () => {
    expect(formatHour(9)).toBe('09:00');
    expect(formatHourRange(9)).toBe('09:00–10:00');
    expect(formatHourRange(23)).toBe('23:00–00:00');
  });
});
