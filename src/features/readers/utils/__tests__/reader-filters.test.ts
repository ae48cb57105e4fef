import { describe, expect, test } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { allSpecialties, appendReaders, filtersQueryKey, hasActiveFilters, NO_FILTERS, visibleReaders } from '@/features/readers/utils/reader-filters';

function reader(id: string, is_online: boolean, specialties: string[] = []): Reader {
  return { id, display_name: id, avatar_url: null, specialties, average_rating: 4, review_count: 1, is_online, last_seen_at: null, readerLevel: null };
}

const ids = (list: readonly Reader[]) => list.map((r) => r.id);

describe('visibleReaders', () => {
  // In directory order: flagged online first. b's flag is stale, so the five-minute rule says offline.
  const readers = [reader('a', true), reader('b', false), reader('c', true), reader('d', false)];

  test('without "Online now": every reader, in the order given', () => {
    expect(ids(visibleReaders(readers, NO_FILTERS))).toEqual(['a', 'b', 'c', 'd']);
  });

  test('"Online now" hides readers the five-minute rule says are offline, whatever their flag', () => {
    expect(ids(visibleReaders(readers, { onlineOnly: true, specialty: '' }))).toEqual(['a', 'c']);
  });
});

describe('appendReaders', () => {
  test('adds the next page after the readers shown', () => {
    expect(ids(appendReaders([reader('a', true), reader('b', false)], [reader('c', false)]))).toEqual(['a', 'b', 'c']);
  });

  test('a reader who moved down into the next page since it was read is not shown twice', () => {
    expect(ids(appendReaders([reader('a', true), reader('b', true)], [reader('a', false), reader('c', false)]))).toEqual(['a', 'b', 'c']);
  });
});

test('allSpecialties lists each specialty once, alphabetically, whatever its case', () => {
  const readers = [reader('a', false, ['Love', 'Career']), reader('b', true, ['Dreams']), reader('c', false, ['Career', 'Astrology']), reader('e', false, ['love', 'Love readings'])];
  expect(allSpecialties(readers)).toEqual(['Astrology', 'Career', 'Dreams', 'love', 'Love readings']);
});

test('hasActiveFilters ignores a blank search', () => {
  expect(hasActiveFilters(NO_FILTERS)).toBe(false);
  expect(hasActiveFilters({ onlineOnly: false, specialty: '   ' })).toBe(false);
  expect(hasActiveFilters({ onlineOnly: true, specialty: '' })).toBe(true);
  expect(hasActiveFilters({ onlineOnly: false, specialty: 'tarot' })).toBe(true);
});

test('filtersQueryKey is the same for filters that make the same query, and differs otherwise', () => {
  expect(filtersQueryKey({ onlineOnly: false, specialty: ' Love ' })).toBe(filtersQueryKey({ onlineOnly: false, specialty: 'love' }));
  expect(filtersQueryKey({ onlineOnly: false, specialty: '  ' })).toBe(filtersQueryKey(NO_FILTERS));
  expect(filtersQueryKey({ onlineOnly: true, specialty: 'love' })).not.toBe(filtersQueryKey({ onlineOnly: false, specialty: 'love' }));
  expect(filtersQueryKey({ onlineOnly: false, specialty: 'love' })).not.toBe(filtersQueryKey({ onlineOnly: false, specialty: 'lov' }));
});
