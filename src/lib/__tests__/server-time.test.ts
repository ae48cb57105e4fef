import { afterEach, expect, test, vi } from 'vitest';
import { serverNow, serverTimeFrom } from '@/lib/server-time';

afterEach(() => {
  vi.useRealTimers();
});

test("the server's now is its time in the answer plus the time elapsed since the answer arrived", () => {
  const time = serverTimeFrom('2026-11-25T12:00:00Z', 1_000_000);
  expect(time).toEqual({ at: new Date('2026-11-25T12:00:00Z'), receivedAt: 1_000_000 });
  expect(serverNow(time, 1_000_000).toISOString()).toBe('2026-11-25T12:00:00.000Z');
  expect(serverNow(time, 1_000_000 + 90_000).toISOString()).toBe('2026-11-25T12:01:30.000Z');
});

test('a browser clock hours wrong changes nothing: only the elapsed time counts', () => {
  vi.useFakeTimers();
  for (const browserClock of ['2020-01-01T00:00:00Z', '2026-11-25T12:00:00Z', '2031-06-30T23:59:59Z']) {
    vi.setSystemTime(new Date(browserClock));
    const time = serverTimeFrom('2026-11-25T12:00:00Z');
    vi.advanceTimersByTime(12 * 60_000);
    expect(serverNow(time).toISOString()).toBe('2026-11-25T12:12:00.000Z');
  }
});

test("a browser clock set back after the answer never makes the server's now go back", () => {
  const time = serverTimeFrom('2026-11-25T12:00:00Z', 1_000_000);
  expect(serverNow(time, 1_000_000 - 3_600_000).toISOString()).toBe('2026-11-25T12:00:00.000Z');
});
