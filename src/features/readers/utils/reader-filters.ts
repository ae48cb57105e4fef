import type { Reader } from '@/features/readers/api/fetch-all-readers';

export interface ReaderFilters {
  onlineOnly: boolean;
  /** Part of a specialty, any case; blank matches everyone. */
  specialty: string;
}

export const NO_FILTERS: ReaderFilters = { onlineOnly: false, specialty: '' };

export function hasActiveFilters(filters: ReaderFilters): boolean {
  return filters.onlineOnly || filters.specialty.trim() !== '';
}

function matchesSpecialty(reader: Reader, query: string): boolean {
  return query === '' || reader.specialties.some((specialty) => specialty.toLocaleLowerCase().includes(query));
}

/** The readers a visitor asked for, online readers first, otherwise in the order given (best rated first). */
export function applyReaderFilters(readers: readonly Reader[], filters: ReaderFilters): Reader[] {
  const query = filters.specialty.trim().toLocaleLowerCase();
  const matching = readers.filter((reader) => (!filters.onlineOnly || reader.is_online) && matchesSpecialty(reader, query));
  // Array.prototype.sort is stable, so the rating order survives inside each group.
  return matching.sort((a, b) => Number(b.is_online) - Number(a.is_online));
}

/** Every specialty offered, once, alphabetically: suggestions for the search box. */
export function allSpecialties(readers: readonly Reader[]): string[] {
  const unique = new Map(readers.flatMap((reader) => reader.specialties).map((s) => [s.toLocaleLowerCase(), s]));
  return [...unique.values()].sort((a, b) => a.localeCompare(b));
}
