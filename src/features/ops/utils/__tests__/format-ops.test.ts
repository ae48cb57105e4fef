import { describe, expect, test } from 'vitest';
import { formatBucketTime, formatClockTime, formatDurationMs, formatEvery, formatFailureRate, formatTick, formatWhen } from '@/features/ops/utils/format-ops';

// Wednesday 25 November 2026, 14:10 UTC: 15:10 in Paris, 01:10 on Thursday in Sydney.
const at = Date.UTC(2026, 10, 25, 14, 10);

describe('formatBucketTime', () => {
  test("is as precise as the period needs, in the viewer's time zone", () => {
    expect(formatBucketTime(at, '24 hours', 'UTC')).toBe('14:10');
    expect(formatBucketTime(at, '24 hours', 'Europe/Paris')).toBe('15:10');
    expect(formatBucketTime(at, '7 days', 'Australia/Sydney')).toBe('Thu 01:10');
    expect(formatBucketTime(at, '30 days', 'UTC')).toMatch(/^Wed 25 Nov,? 14:10$/);
  });

  test('axis labels are shorter', () => {
    expect(formatTick(at, '24 hours', 'UTC')).toBe('14:10');
    expect(formatTick(at, '7 days', 'UTC')).toBe('Wed 25');
    expect(formatTick(at, '30 days', 'UTC')).toBe('25 Nov');
  });
});

describe('formatClockTime and formatWhen', () => {
  const serverNow = new Date(Date.UTC(2026, 10, 25, 14, 22));

  test("a time on the server's today is a clock time, with how long ago on the server's clock", () => {
    expect(formatClockTime(new Date(at), serverNow, 'UTC')).toBe('14:10');
    expect(formatWhen(new Date(at).toISOString(), serverNow, 'UTC')).toBe('14:10 (12 minutes ago)');
  });

  test("another day in the viewer's zone says which", () => {
    // 23:30 UTC the day before is the same day in Sydney, but not in London.
    const lateYesterday = new Date(Date.UTC(2026, 10, 24, 23, 30));
    expect(formatClockTime(lateYesterday, serverNow, 'UTC')).toMatch(/^Tue 24 Nov,? 23:30$/);
    expect(formatClockTime(lateYesterday, new Date(Date.UTC(2026, 10, 25, 2)), 'Australia/Sydney')).toBe('10:30');
  });

  test("a wrong browser clock changes nothing: only the server's now is used", () => {
    expect(formatWhen(new Date(at), new Date(Date.UTC(2026, 10, 25, 16, 10)), 'UTC')).toBe('14:10 (2 hours ago)');
  });

  test('without the server clock yet, the time alone with its date', () => {
    expect(formatWhen(new Date(at), undefined, 'UTC')).toMatch(/^Wed 25 Nov,? 14:10$/);
  });
});

describe('numbers', () => {
  test('a failure rate is a percentage, and none attempted says so', () => {
    expect(formatFailureRate(0.0099)).toBe('0.99%');
    expect(formatFailureRate(0)).toBe('0%');
    expect(formatFailureRate(0.5)).toBe('50%');
    expect(formatFailureRate(null)).toBe('no updates');
  });

  test('durations in ms below a second, in seconds above', () => {
    expect(formatDurationMs(0.43)).toBe('0.4 ms');
    expect(formatDurationMs(12.4)).toBe('12 ms');
    expect(formatDurationMs(1520)).toBe('1.5 s');
  });

  test('a refresh interval in whole seconds, one second at least', () => {
    expect(formatEvery(30_000)).toBe('every 30 seconds');
    expect(formatEvery(2_000)).toBe('every 2 seconds');
    expect(formatEvery(1_000)).toBe('every second');
    expect(formatEvery(400)).toBe('every second');
    expect(formatEvery(90_400)).toBe('every 90 seconds');
  });
});
