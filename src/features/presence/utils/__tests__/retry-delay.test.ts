import { expect, test } from 'vitest';
import { retryDelay } from '@/features/presence/utils/retry-delay';

test('doubles from one second with each failure', () => {
  expect([1, 2, 3, 4, 5].map((failures) => retryDelay(failures, 60_000, () => 1))).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
});

test('never waits longer than the cap, however many failures', () => {
  expect(retryDelay(7, 60_000, () => 1)).toBe(60_000);
  expect(retryDelay(50, 60_000, () => 1)).toBe(60_000);
  expect(retryDelay(3, 2_000, () => 1)).toBe(2_000);
});

test('jitter spreads each delay over its upper half', () => {
  expect(retryDelay(3, 60_000, () => 0)).toBe(2_000);
  expect(retryDelay(3, 60_000, () => 0.5)).toBe(3_000);
  expect(retryDelay(7, 60_000, () => 0)).toBe(30_000);
});

test('every delay lies between half and all of its capped value', () => {
  for (let failures = 1; failures <= 12; failures += 1) {
    const capped = Math.min(30_000, 1_000 * 2 ** (failures - 1));
    for (const draw of [0, 0.25, 0.5, 0.999]) {
      const delay = retryDelay(failures, 30_000, () => draw);
      expect(delay).toBeGreaterThanOrEqual(capped / 2);
      expect(delay).toBeLessThanOrEqual(capped);
    }
  }
});
