import { describe, expect, test } from 'vitest';
import { formatCount } from '@/lib/format-number';

describe('formatCount', () => {
  test('groups thousands and keeps one decimal', () => {
    expect(formatCount(1010)).toBe('1,010');
    expect(formatCount(12.46)).toBe('12.5');
    expect(formatCount(0)).toBe('0');
  });
});
