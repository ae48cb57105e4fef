import { describe, expect, test } from 'vitest';
import { calendarDay, nextLocalMidnight } from '@/lib/calendar-day';

describe('calendarDay', () => {
  test('is the date where the viewer is', () => {
    expect(calendarDay(new Date('2026-11-25T23:30:00Z'), 'Europe/London')).toBe('2026-11-25');
    expect(calendarDay(new Date('2026-11-25T23:30:00Z'), 'Australia/Sydney')).toBe('2026-11-26');
    expect(calendarDay(new Date('2026-11-25T03:30:00Z'), 'America/New_York')).toBe('2026-11-24');
  });
});

describe('nextLocalMidnight', () => {
  const midnight = (now: string, zone: string) => nextLocalMidnight(new Date(now), zone).toISOString();

  test('is the start of the viewer’s next calendar day, as an instant', () => {
    expect(midnight('2026-11-25T12:00:00Z', 'Europe/London')).toBe('2026-11-26T00:00:00.000Z');
    expect(midnight('2026-11-25T12:00:00Z', 'America/New_York')).toBe('2026-11-26T05:00:00.000Z');
    // 12:00Z is already 23:00 in Sydney.
    expect(midnight('2026-11-25T12:00:00Z', 'Australia/Sydney')).toBe('2026-11-25T13:00:00.000Z');
  });

  test('follows daylight-saving changes during the day', () => {
    // London springs forward on 29 March 2026: that day has 23 hours, and the next midnight is in BST.
    expect(midnight('2026-03-29T00:30:00Z', 'Europe/London')).toBe('2026-03-29T23:00:00.000Z');
    // New York falls back on 1 November 2026: the next midnight is in EST.
    expect(midnight('2026-11-01T04:30:00Z', 'America/New_York')).toBe('2026-11-02T05:00:00.000Z');
    // Sydney falls back on 5 April 2026 (a 25-hour day).
    expect(midnight('2026-04-04T13:10:00Z', 'Australia/Sydney')).toBe('2026-04-05T14:00:00.000Z');
  });

  test('where a day starts at 01:00 because midnight does not exist, it is that moment', () => {
    // Santiago moves its clocks forward at 00:00 on 6 September 2026: the day begins at 01:00 -03.
    expect(midnight('2026-09-05T15:00:00Z', 'America/Santiago')).toBe('2026-09-06T04:00:00.000Z');
  });

  test('just before midnight, it is the coming one', () => {
    expect(midnight('2026-11-25T23:59:59Z', 'Europe/London')).toBe('2026-11-26T00:00:00.000Z');
  });
});
