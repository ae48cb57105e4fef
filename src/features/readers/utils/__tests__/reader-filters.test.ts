import { describe, expect, test } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-all-readers';
import { allSpecialties, applyReaderFilters, hasActiveFilters, NO_FILTERS } from '@/features/readers/utils/reader-filters';

function reader(id: string, is_online: boolean, specialties: string[]): Reader {
  return { id, display_name: id, avatar_url: null, specialties, average_rating: 4, review_count: 1, is_online, last_seen_at: null, readerLevel: null };
}

// Best rated first, as fetchAllReaders returns them.
const readers = [
  reader('a', false, ['Love', 'Career']),
  reader('b', true, ['Dreams']),
  reader('c', false, ['Love readings']),
  reader('d', true, ['Career', 'Astrology']),
];
const ids = (list: Reader[]) => list.map((r) => r.id);

describe('applyReaderFilters', () => {
  test('without filters: online readers first, rating order kept inside each group', () => {
    expect(ids(applyReaderFilters(readers, NO_FILTERS))).toEqual(['b', 'd', 'a', 'c']);
  });

  test('"Online now" keeps only online readers', () => {
    expect(ids(applyReaderFilters(readers, { onlineOnly: true, specialty: '' }))).toEqual(['b', 'd']);
  });

  test('specialty search matches part of a specialty, any case, ignoring surrounding blanks', () => {
    expect(ids(applyReaderFilters(readers, { onlineOnly: false, specialty: '  LOVE ' }))).toEqual(['a', 'c']);
    expect(ids(applyReaderFilters(readers, { onlineOnly: true, specialty: 'career' }))).toEqual(['d']);
    expect(applyReaderFilters(readers, { onlineOnly: false, specialty: 'numerology' })).toEqual([]);
  });

  test('does not reorder the list it was given', () => {
    applyReaderFilters(readers, NO_FILTERS);
    expect(ids(readers)).toEqual(['a', 'b', 'c', 'd']);
  });
});

test('allSpecialties lists each specialty once, alphabetically, whatever its case', () => {
  expect(allSpecialties([...readers, reader('e', false, ['love'])])).toEqual(['Astrology', 'Career', 'Dreams', 'love', 'Love readings']);
});

test('hasActiveFilters ignores a blank search', () => {
  expect(hasActiveFilters(NO_FILTERS)).toBe(false);
  expect(hasActiveFilters({ onlineOnly: false, specialty: '   ' })).toBe(false);
  expect(hasActiveFilters({ onlineOnly: true, specialty: '' })).toBe(true);
  expect(hasActiveFilters({ onlineOnly: false, specialty: 'tarot' })).toBe(true);
});
