import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { formatMoney, formatReadingDuration, runningCost, startedMinutes } from '@/features/readings/utils/reading-clock';

const seconds = fc.integer({ min: 0, max: 24 * 3600 });
// Prices as the database stores them, numeric(6, 2), in whole cents.
const priceInCents = fc.integer({ min: 0, max: 999_999 });

describe('formatReadingDuration', () => {
  test('shows minutes and seconds, and hours once there are any', () => {
    expect(formatReadingDuration(0)).toBe('0:00');
    expect(formatReadingDuration(7)).toBe('0:07');
    expect(formatReadingDuration(725)).toBe('12:05');
    expect(formatReadingDuration(3599)).toBe('59:59');
    expect(formatReadingDuration(3600)).toBe('1:00:00');
    expect(formatReadingDuration(3723)).toBe('1:02:03');
  });

  test('counts a started second, and shows no negative time when the clocks disagree', () => {
    expect(formatReadingDuration(6.2)).toBe('0:07');
    expect(formatReadingDuration(-3)).toBe('0:00');
  });
});

describe('startedMinutes', () => {
  test('counts every minute begun', () => {
    expect(startedMinutes(0)).toBe(0);
    expect(startedMinutes(1)).toBe(1);
    expect(startedMinutes(60)).toBe(1);
    expect(startedMinutes(61)).toBe(2);
    expect(startedMinutes(-5)).toBe(0);
  });

  test('is the least number of whole minutes that covers the time', () => {
    fc.assert(
      fc.property(seconds, (elapsed) => {
        const minutes = startedMinutes(elapsed);
        expect(minutes * 60).toBeGreaterThanOrEqual(elapsed);
        expect((minutes - 1) * 60).toBeLessThan(elapsed);
      }),
    );
  });
});

describe('runningCost', () => {
  test('charges every started minute at the price, to the cent', () => {
    expect(runningCost(2.99, 0)).toBe(0);
    expect(runningCost(2.99, 1)).toBe(2.99);
    expect(runningCost(2.99, 60)).toBe(2.99);
    expect(runningCost(2.99, 61)).toBe(5.98);
    expect(runningCost(0.1, 180)).toBe(0.3);
  });

  test('never goes down as the reading goes on', () => {
    fc.assert(
      fc.property(priceInCents, seconds, seconds, (cents, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        expect(runningCost(cents / 100, later)).toBeGreaterThanOrEqual(runningCost(cents / 100, earlier));
      }),
    );
  });

  test('is the exact amount in cents that the database computes, without floating-point dust', () => {
    fc.assert(
      fc.property(priceInCents, seconds, (cents, elapsed) => {
        expect(runningCost(cents / 100, elapsed)).toBe((startedMinutes(elapsed) * cents) / 100);
      }),
    );
  });
});

describe('formatMoney', () => {
  test('shows US dollars with cents', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5.98)).toBe('$5.98');
    expect(formatMoney(1234.5)).toBe('$1,234.50');
  });
});
