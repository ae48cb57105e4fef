import { describe, expect, test } from 'vitest';
import { addFailure, failureReport, mergeOutages } from '@/features/presence/utils/failure-report';
import { serverTimeFrom } from '@/lib/server-time';

describe('an outage', () => {
  test('counts failures from the first to the last', () => {
    const outage = [1_000, 5_000, 3_000].reduce((so, at) => addFailure(so, at), undefined as ReturnType<typeof addFailure> | undefined);
    expect(outage).toEqual({ failures: 3, firstAt: 1_000, lastAt: 5_000 });
  });

  test('whose report failed is merged with what failed since, or kept alone', () => {
    const earlier = { failures: 2, firstAt: 1_000, lastAt: 2_000 };
    expect(mergeOutages(earlier, { failures: 1, firstAt: 9_000, lastAt: 9_000 })).toEqual({ failures: 3, firstAt: 1_000, lastAt: 9_000 });
    expect(mergeOutages(earlier, undefined)).toBe(earlier);
  });
});

describe('its report', () => {
  // The browser's clock is ten minutes ahead of the server's.
  const receivedAt = Date.parse('2026-12-01T12:10:00Z');
  const time = serverTimeFrom('2026-12-01T12:00:00Z', receivedAt);

  test("is on the server's clock", () => {
    const report = failureReport({ failures: 4, firstAt: receivedAt - 5 * 60_000, lastAt: receivedAt - 60_000 }, time);
    expect(report).toEqual({ failures: 4, firstFailedAt: '2026-12-01T11:55:00.000Z', lastFailedAt: '2026-12-01T11:59:00.000Z' });
  });

  test('fits the bounds the database keeps: at most 10,000 failures, none older than 23 hours, none after its answer', () => {
    const report = failureReport({ failures: 50_000, firstAt: receivedAt - 30 * 3600_000, lastAt: receivedAt + 60_000 }, time);
    expect(report).toEqual({ failures: 10_000, firstFailedAt: '2026-11-30T13:00:00.000Z', lastFailedAt: '2026-12-01T12:00:00.000Z' });
  });
});
