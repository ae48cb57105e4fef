import { describe, expect, test } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import type { PresenceStatus } from '@/lib/presence-status';
import { allSpecialties, appendReaders, filtersQueryKey, hasActiveFilters, NO_FILTERS, withAvailability } from '@/features/readers/utils/reader-filters';

function reader(id: string, status: PresenceStatus, specialties: string[] = []): Reader {
  return {
    id,
    display_name: id,
    avatar_url: null,
    specialties,
    average_rating: 4,
    review_count: 1,
    status,
    status_message: null,
    last_seen_at: null,
    server_time: '2026-11-25T12:00:00Z',
    next_window_starts_at: null,
    next_window_ends_at: null,
    readerLevel: null,
  };
}

const ids = (list: readonly Reader[]) => list.map((r) => r.id);

describe('appendReaders', () => {
  test('adds the next page after the readers shown', () => {
    expect(ids(appendReaders([reader('a', 'available'), reader('b', 'offline')], [reader('c', 'offline')]))).toEqual(['a', 'b', 'c']);
  });

  test('a reader who moved down into the next page since it was read is not shown twice', () => {
    expect(ids(appendReaders([reader('a', 'available'), reader('b', 'busy')], [reader('a', 'offline'), reader('c', 'offline')]))).toEqual(['a', 'b', 'c']);
  });
});

test('allSpecialties lists each specialty once, alphabetically, whatever its case', () => {
  const readers = [
    reader('a', 'offline', ['Love', 'Career']),
    reader('b', 'available', ['Dreams']),
    reader('c', 'away', ['Career', 'Astrology']),
    reader('e', 'busy', ['love', 'Love readings']),
  ];
  expect(allSpecialties(readers)).toEqual(['Astrology', 'Career', 'Dreams', 'love', 'Love readings']);
});

test('hasActiveFilters ignores a blank search', () => {
  expect(hasActiveFilters(NO_FILTERS)).toBe(false);
  expect(hasActiveFilters({ availableOnly: false, specialty: '   ' })).toBe(false);
  expect(hasActiveFilters({ availableOnly: true, specialty: '' })).toBe(true);
  expect(hasActiveFilters({ availableOnly: false, specialty: 'tarot' })).toBe(true);
});

test('filtersQueryKey is the same for filters that make the same query, and differs otherwise', () => {
  expect(filtersQueryKey({ availableOnly: false, specialty: ' Love ' })).toBe(filtersQueryKey({ availableOnly: false, specialty: 'love' }));
  expect(filtersQueryKey({ availableOnly: false, specialty: '  ' })).toBe(filtersQueryKey(NO_FILTERS));
  expect(filtersQueryKey({ availableOnly: true, specialty: 'love' })).not.toBe(filtersQueryKey({ availableOnly: false, specialty: 'love' }));
  expect(filtersQueryKey({ availableOnly: false, specialty: 'love' })).not.toBe(filtersQueryKey({ availableOnly: false, specialty: 'lov' }));
});

test('"Available now" and "Available later today" set each other aside: together they would match nobody', () => {
  const later = withAvailability({ ...NO_FILTERS, availableOnly: true, specialty: 'love' }, 'laterToday', true);
  expect(later).toEqual({ ...NO_FILTERS, availableOnly: false, laterToday: true, specialty: 'love' });
  expect(withAvailability(later, 'availableOnly', true)).toEqual({ ...NO_FILTERS, availableOnly: true, laterToday: false, specialty: 'love' });
  expect(withAvailability(later, 'laterToday', false)).toEqual({ ...NO_FILTERS, specialty: 'love' });
  expect(hasActiveFilters(later)).toBe(true);
  expect(filtersQueryKey(later)).not.toBe(filtersQueryKey({ ...NO_FILTERS, specialty: 'love' }));
});
