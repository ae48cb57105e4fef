import { useEffect, useRef, useState } from 'react';
import { usePolledResource } from '@/hooks/use-polled-resource';
import type { ServerTime } from '@/lib/server-time';
import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { READERS_PAGE_SIZE, type Reader, type ReaderFilters, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { useSettledSearch } from '@/features/readers/hooks/use-settled-search';
import { appendReaders, filtersQueryKey } from '@/features/readers/utils/reader-filters';

export interface ReadersSnapshot {
  /** The rows the query asked for, in directory order. */
  readers: Reader[];
  summary: ReaderDirectorySummary;
  /** The server's clock when the rows were read, for "last seen" text. */
  serverTime: ServerTime;
}

export type LoadReaders = (query: ReaderPageQuery) => Promise<ReadersSnapshot>;

export interface ReaderDirectory extends ReadersSnapshot {
  /** The filters the readers were read with (the ones on screen may be newer). */
  filters: ReaderFilters;
  /** How many rows of the directory order have been read: whole pages. */
  rowsRead: number;
  /** The last page came back full, so there may be more. */
  hasMore: boolean;
}

/**
 * The readers directory a page at a time, for the filters on screen. Showing more reads only the
 * next page; a poll rereads every row shown in one request, so the order stays right as readers
 * come and go; new filters start again from the first page.
 */
export function useReaderDirectory(loadReaders: LoadReaders, filters: ReaderFilters, refreshIntervalMs: number) {
  const specialty = useSettledSearch(filters.specialty);
  const queryFilters: ReaderFilters = { availableOnly: filters.availableOnly, specialty };
  const queryKey = filtersQueryKey(queryFilters);
  const [pagesWanted, setPagesWanted] = useState({ queryKey, pages: 1 });
  if (pagesWanted.queryKey !== queryKey) setPagesWanted({ queryKey, pages: 1 });
  const pages = pagesWanted.queryKey === queryKey ? pagesWanted.pages : 1;
  const rowsWanted = pages * READERS_PAGE_SIZE;

  const load = async (shown: ReaderDirectory | undefined): Promise<ReaderDirectory> => {
    const extending = shown !== undefined && filtersQueryKey(shown.filters) === queryKey && shown.rowsRead < rowsWanted;
    const offset = extending ? shown.rowsRead : 0;
    const limit = rowsWanted - offset;
    const snapshot = await loadReaders({ filters: queryFilters, offset, limit });
    return {
      ...snapshot,
      readers: extending ? appendReaders(shown.readers, snapshot.readers) : snapshot.readers,
      filters: queryFilters,
      rowsRead: rowsWanted,
      hasMore: snapshot.readers.length === limit,
    };
  };
  const resource = usePolledResource(load, refreshIntervalMs);
  const { data, isRefreshing, refresh } = resource;

  // The poller makes the first load; a new query (filters or pages) loads at once.
  const requestKey = `${queryKey} ${rowsWanted}`;
  const lastRequestKey = useRef(requestKey);
  useEffect(() => {
    if (lastRequestKey.current === requestKey) return;
    lastRequestKey.current = requestKey;
    refresh();
  }, [requestKey, refresh]);

  const readWith = data && filtersQueryKey(data.filters);
  return {
    ...resource,
    /** The readers on screen were read with other filters than the ones now chosen. */
    isStale: readWith !== undefined && readWith !== filtersQueryKey(filters),
    isLoadingMore: isRefreshing && data !== undefined && readWith === queryKey && data.rowsRead < rowsWanted,
    showMore: () => setPagesWanted({ queryKey, pages: pages + 1 }),
  };
}
