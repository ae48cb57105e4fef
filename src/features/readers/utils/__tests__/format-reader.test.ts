import { expect, test } from 'vitest';
import { formatDirectorySummary, formatRefreshInterval, formatReviewCount } from '@/features/readers/utils/format-reader';

test('the directory summary counts readers and who is available, with thousands separators', () => {
  expect(formatDirectorySummary({ readers: 100_000, available: 10_000, busy: 0, away: 0 })).toBe('100,000 readers · 10,000 available now');
  expect(formatDirectorySummary({ readers: 1, available: 0, busy: 0, away: 0 })).toBe('1 reader · 0 available now');
});

test('readers in a reading and away are counted too, when there are any', () => {
  expect(formatDirectorySummary({ readers: 4, available: 1, busy: 1, away: 0 })).toBe('4 readers · 1 available now, 1 in a reading');
  expect(formatDirectorySummary({ readers: 4, available: 1, busy: 0, away: 2 })).toBe('4 readers · 1 available now, 2 away');
  expect(formatDirectorySummary({ readers: 9_000, available: 1_200, busy: 3_400, away: 1_001 })).toBe(
    '9,000 readers · 1,200 available now, 3,400 in a reading, 1,001 away',
  );
});

test('with filters on, the summary says how many matching readers are shown out of all', () => {
  expect(formatDirectorySummary({ readers: 100_000, available: 1_234, busy: 0, away: 0 }, 24)).toBe(
    'Showing 24 matching readers of 100,000 · 1,234 available now',
  );
  expect(formatDirectorySummary({ readers: 3, available: 2, busy: 1, away: 0 }, 1)).toBe('Showing 1 matching reader of 3 · 2 available now, 1 in a reading');
  expect(formatDirectorySummary({ readers: 3, available: 2, busy: 0, away: 0 }, 0)).toBe('Showing 0 matching readers of 3 · 2 available now');
});

test('review counts', () => {
  expect(formatReviewCount(1)).toBe('1 review');
  expect(formatReviewCount(1_212)).toBe('1,212 reviews');
});

test.each([
  [120_000, 'every 2 min'],
  [600_000, 'every 10 min'],
  [2_000, 'every 2 s'],
  [90_000, 'every 90 s'],
  [1_500, 'every 1.5 s'],
  [500, 'every 500 ms'],
  [7_200_000, 'every 2 h'],
])('a refresh interval of %i ms reads "%s"', (ms, words) => {
  expect(formatRefreshInterval(ms)).toBe(words);
});
