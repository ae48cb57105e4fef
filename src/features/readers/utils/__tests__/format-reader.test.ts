import { expect, test } from 'vitest';
import { formatDirectorySummary, formatReviewCount } from '@/features/readers/utils/format-reader';

test('the directory summary counts readers and who is online, with thousands separators', () => {
  expect(formatDirectorySummary({ readers: 100_000, online: 10_000 })).toBe('100,000 readers · 10,000 online now');
  expect(formatDirectorySummary({ readers: 1, online: 0 })).toBe('1 reader · 0 online now');
});

test('with filters on, the summary says how many matching readers are shown out of all', () => {
  expect(formatDirectorySummary({ readers: 100_000, online: 1_234 }, 24)).toBe('Showing 24 matching readers of 100,000 · 1,234 online now');
  expect(formatDirectorySummary({ readers: 3, online: 2 }, 1)).toBe('Showing 1 matching reader of 3 · 2 online now');
  expect(formatDirectorySummary({ readers: 3, online: 2 }, 0)).toBe('Showing 0 matching readers of 3 · 2 online now');
});

test('review counts', () => {
  expect(formatReviewCount(1)).toBe('1 review');
  expect(formatReviewCount(1_212)).toBe('1,212 reviews');
});
