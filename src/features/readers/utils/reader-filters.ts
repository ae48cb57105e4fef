import type { Reader, ReaderFilters } from '@/features/readers/api/fetch-reader-page';
import { specialtySearchPattern } from '@/features/readers/utils/specialty-search-pattern';

export const NO_FILTERS: ReaderFilters = { availableOnly: false, specialty: '', laterToday: false };

export function hasActiveFilters(filters: ReaderFilters): boolean {
  return filters.availableOnly || Boolean(filters.laterToday) || filters.favouriteIds !== undefined || specialtySearchPattern(filters.specialty) !== null;
}

/** Two filters that make the same database query (the search ignores case and surrounding blanks). */
export function filtersQueryKey(filters: ReaderFilters): string {
  const favouriteIds = filters.favouriteIds ? [...filters.favouriteIds].sort() : null;
  return JSON.stringify([filters.availableOnly, specialtySearchPattern(filters.specialty), Boolean(filters.laterToday), favouriteIds]);
}

/**
 * "Available now" and "Available later today" ask for readers who are and who are not available:
 * together they would match nobody, so choosing one sets the other aside.
 */
export function withAvailability(filters: ReaderFilters, choice: 'availableOnly' | 'laterToday', on: boolean): ReaderFilters {
  if (!on) return { ...filters, [choice]: false };
  return { ...filters, availableOnly: choice === 'availableOnly', laterToday: choice === 'laterToday' };
}

/** Readers already shown, then the new ones: rows that moved up while the page was open are not shown twice. */
export function appendReaders(shown: readonly Reader[], more: readonly Reader[]): Reader[] {
  const shownIds = new Set(shown.map((reader) => reader.id));
  return [...shown, ...more.filter((reader) => !shownIds.has(reader.id))];
}

/** Every specialty offered, once, alphabetically: suggestions for the search box. */
export function allSpecialties(readers: readonly Reader[]): string[] {
  const unique = new Map(readers.flatMap((reader) => reader.specialties).map((s) => [s.toLocaleLowerCase(), s]));
  return [...unique.values()].sort((a, b) => a.localeCompare(b));
}
