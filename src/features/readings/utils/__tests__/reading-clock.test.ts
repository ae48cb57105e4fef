import { describe, expect, test } from 'vitest';
import { formatMoney, formatReadingDuration } from '@/features/readings/utils/reading-clock';

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

describe('formatMoney', () => {
  test('shows US dollars with cents', () => {
    expect(formatMoney(0)).toBe('$0.00');
    expect(formatMoney(5.98)).toBe('$5.98');
    expect(formatMoney(1234.5)).toBe('$1,234.50');
  });
});
