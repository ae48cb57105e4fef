// @vitest-environment jsdom
// A hook, rendered.
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { useServerNow } from '@/hooks/use-server-now';
import { serverTimeFrom, type ServerTime } from '@/lib/server-time';

beforeEach(() => {
  vi.useFakeTimers();
  // The browser's clock is years wrong: nothing below may depend on it.
  vi.setSystemTime(new Date('2019-03-01T08:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

const iso = (date: Date | undefined) => date?.toISOString();

test("undefined until an answer has told the server's time", () => {
  const { result } = renderHook(() => useServerNow(undefined));
  expect(result.current).toBeUndefined();
});

test("starts at the server's time in the answer, whatever the browser's clock says", () => {
  const { result } = renderHook(() => useServerNow(serverTimeFrom('2026-11-25T12:00:00Z')));
  expect(iso(result.current)).toBe('2026-11-25T12:00:00.000Z');
});

test("ticks every 30 seconds, on the server's clock", () => {
  const time = serverTimeFrom('2026-11-25T12:00:00Z');
  const { result } = renderHook(() => useServerNow(time));

  act(() => {
    vi.advanceTimersByTime(29_999);
  });
  expect(iso(result.current)).toBe('2026-11-25T12:00:00.000Z');
  act(() => {
    vi.advanceTimersByTime(1);
  });
  expect(iso(result.current)).toBe('2026-11-25T12:00:30.000Z');
  act(() => {
    vi.advanceTimersByTime(60_000);
  });
  expect(iso(result.current)).toBe('2026-11-25T12:01:30.000Z');
});

test('a newer answer replaces the time at once, without waiting for the tick', () => {
  const { result, rerender } = renderHook(({ time }: { time: ServerTime }) => useServerNow(time), {
    initialProps: { time: serverTimeFrom('2026-11-25T12:00:00Z') },
  });
  act(() => {
    vi.advanceTimersByTime(10_000);
  });

  rerender({ time: serverTimeFrom('2026-11-25T12:00:10.500Z') });
  expect(iso(result.current)).toBe('2026-11-25T12:00:10.500Z');
});

test('stops ticking when unmounted', () => {
  const { unmount } = renderHook(() => useServerNow(serverTimeFrom('2026-11-25T12:00:00Z')));
  expect(vi.getTimerCount()).toBe(1);
  unmount();
  expect(vi.getTimerCount()).toBe(0);
});
