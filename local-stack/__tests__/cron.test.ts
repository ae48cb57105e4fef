import { describe, expect, test } from 'vitest';
import { cronMatches } from '../cron.ts';

const at = (iso: string) => new Date(iso);

describe('cronMatches', () => {
  test('every minute matches any minute', () => {
    expect(cronMatches('* * * * *', at('2026-11-25T13:47:00Z'))).toBe(true);
  });

  test('*/10 matches minutes 0, 10, 20... only', () => {
    expect(cronMatches('*/10 * * * *', at('2026-11-25T13:40:00Z'))).toBe(true);
    expect(cronMatches('*/10 * * * *', at('2026-11-25T13:00:30Z'))).toBe(true);
    expect(cronMatches('*/10 * * * *', at('2026-11-25T13:41:00Z'))).toBe(false);
  });

  test('a daily time matches that minute in UTC only', () => {
    expect(cronMatches('17 3 * * *', at('2026-11-25T03:17:00Z'))).toBe(true);
    expect(cronMatches('17 3 * * *', at('2026-11-25T04:17:00Z'))).toBe(false);
    expect(cronMatches('17 3 * * *', at('2026-11-25T03:18:00Z'))).toBe(false);
  });

  test('lists, ranges and day-of-week', () => {
    expect(cronMatches('0,30 9-17 * * 1-5', at('2026-11-25T09:30:00Z'))).toBe(true); // a Wednesday
    expect(cronMatches('0,30 9-17 * * 1-5', at('2026-11-29T09:30:00Z'))).toBe(false); // a Sunday
    expect(cronMatches('0,30 9-17 * * 1-5', at('2026-11-25T18:00:00Z'))).toBe(false);
  });

  test('refuses what it does not understand instead of never running', () => {
    expect(() => cronMatches('* * * *', at('2026-11-25T00:00:00Z'))).toThrow(/five fields/);
    expect(() => cronMatches('@hourly x y z w', at('2026-11-25T00:00:00Z'))).toThrow(/Unsupported/);
  });
});
