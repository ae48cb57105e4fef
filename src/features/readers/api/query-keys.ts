import type { ReaderFilters } from '@/features/readers/api/fetch-reader-page';
import { filtersQueryKey } from '@/features/readers/utils/reader-filters';

/** Every cache key of the readers' server state: one prefix per kind, so a write or a refetch can reach them all. */
export const readerKeys = {
  all: ['readers'] as const,
  directories: () => [...readerKeys.all, 'directory'] as const,
  /** The first `pages` pages of the directory for these filters (two filters making the same query share it). */
  directory: (filters: ReaderFilters, pages: number) => [...readerKeys.directories(), filtersQueryKey(filters), pages] as const,
  /** The directory's counts: one row for every visitor, whatever their filters. */
  summary: () => [...readerKeys.all, 'summary'] as const,
  details: () => [...readerKeys.all, 'detail'] as const,
  detail: (readerId: string) => [...readerKeys.details(), readerId] as const,
};
