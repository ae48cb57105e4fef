import { describe, expect, test } from 'vitest';
import { formatLastSeen, formatTimeAgo } from '@/lib/format-last-seen';

const now = new Date('2026-11-25T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

describe('formatLastSeen', () => {
  test.each([
    [ago(20_000), 'last seen just now'],
    [ago(60_000), 'last seen 1 minute ago'],
    [ago(12 * 60_000 + 59_000), 'last seen 12 minutes ago'],
    [ago(3_600_000), 'last seen 1 hour ago'],
    [ago(5 * 3_600_000 + 10 * 60_000), 'last seen 5 hours ago'],
    [ago(24 * 3_600_000), 'last seen yesterday'],
    [ago(9 * 24 * 3_600_000), 'last seen 9 days ago'],
  ])('%s reads "%s"', (lastSeenAt, text) => {
    expect(formatLastSeen(lastSeenAt, now)).toBe(text);
  });

  test('a reader who never came online says so', () => {
    expect(formatLastSeen(null, now)).toBe('not seen online yet');
  });

  test('a last-seen time slightly ahead of the server clock reads as just now, not the future', () => {
    expect(formatLastSeen(new Date(now.getTime() + 2_000), now)).toBe('last seen just now');
  });
});

describe('formatTimeAgo', () => {
  test('words the time before the server clock without a prefix', () => {
    expect(formatTimeAgo(ago(40_000), now)).toBe('just now');
    expect(formatTimeAgo(ago(3 * 60_000), now)).toBe('3 minutes ago');
    expect(formatTimeAgo(new Date(now.getTime() - 2 * 86_400_000), now)).toBe('2 days ago');
  });
});
