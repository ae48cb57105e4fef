import { keepPreviousData, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSettledSearch } from '@/hooks/use-settled-search';
import type { ServerTime } from '@/lib/server-time';
import { READERS_PAGE_SIZE, type Reader, type ReaderFilters, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { readerKeys } from '@/features/readers/api/query-keys';
import { useLiveReaderStatus, type ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { applyToDirectory } from '@/features/readers/utils/apply-status-change';
import { appendReaders, filtersQueryKey } from '@/features/readers/utils/reader-filters';

export interface ReadersSnapshot {
  /** The rows the query asked for, in directory order. */
  readers: Reader[];
  /** The server's clock when the rows were read, for "last seen" text (none when no row came back). */
  serverTime: ServerTime | undefined;
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
 * The first `pages` pages of the directory. Showing one more page reads only that page, after the
 * cached shorter list; any later read (a poll, a refetch) rereads every row shown in one request,
 * so the order stays right as readers come and go. (An infinite query would reread page by page:
 * one request each, each a snapshot of a moving order, so rows could repeat or go missing.)
 */
async function loadDirectory(queryClient: QueryClient, loadReaders: LoadReaders, filters: ReaderFilters, pages: number): Promise<ReaderDirectory> {
  const rowsWanted = pages * READERS_PAGE_SIZE;
  const readBefore = queryClient.getQueryData<ReaderDirectory>(readerKeys.directory(filters, pages));
  const shorter = readBefore === undefined && pages > 1 ? queryClient.getQueryData<ReaderDirectory>(readerKeys.directory(filters, pages - 1)) : undefined;
  const offset = shorter ? shorter.rowsRead : 0;
  const limit = rowsWanted - offset;
  const snapshot = await loadReaders({ filters, offset, limit });
  return {
    ...snapshot,
    readers: shorter ? appendReaders(shorter.readers, snapshot.readers) : snapshot.readers,
    serverTime: snapshot.serverTime ?? shorter?.serverTime,
    filters,
    rowsRead: rowsWanted,
    hasMore: snapshot.readers.length === limit,
  };
}

/**
 * The readers directory a page at a time, for the filters on screen; new filters start again from
 * the first page. Not `enabled` while the filters wait for something (a client's favourites).
 */
export function useReaderDirectory(loadReaders: LoadReaders, filters: ReaderFilters, updates: ReaderUpdates, enabled = true) {
  const queryClient = useQueryClient();
  const { isLive, refetchInterval } = useLiveReaderStatus(updates);
  const specialty = useSettledSearch(filters.specialty);
  const queryFilters: ReaderFilters = { availableOnly: filters.availableOnly, specialty, laterToday: filters.laterToday, favouriteIds: filters.favouriteIds };
  const filtersKey = filtersQueryKey(queryFilters);
  const [pagesWanted, setPagesWanted] = useState({ filtersKey, pages: 1 });
  if (pagesWanted.filtersKey !== filtersKey) setPagesWanted({ filtersKey, pages: 1 });
  const pages = pagesWanted.filtersKey === filtersKey ? pagesWanted.pages : 1;

  const query = useQuery({
    queryKey: readerKeys.directory(queryFilters, pages),
    queryFn: () => updates.live.read(() => loadDirectory(queryClient, loadReaders, queryFilters, pages), applyToDirectory),
    // The list on screen stays while another filter or one more page loads.
    placeholderData: keepPreviousData,
    refetchInterval,
    enabled,
  });

  const { data, dataUpdatedAt, error, isFetching, isPlaceholderData, refetch } = query;
  const readWith = data && filtersQueryKey(data.filters);
  return {
    data,
    error,
    /** When the readers on screen were last read (or changed by a push). */
    updatedAt: data === undefined ? undefined : dataUpdatedAt,
    /** The first read is out: nothing to show yet, no failure yet. */
    isLoading: data === undefined && error === null,
    isRefreshing: isFetching,
    refresh: () => void refetch(),
    isLive,
    /** The readers on screen were read with other filters than the ones now chosen. */
    isStale: readWith !== undefined && readWith !== filtersQueryKey(filters),
    isLoadingMore: isPlaceholderData && readWith === filtersKey,
    showMore: () => setPagesWanted({ filtersKey, pages: pages + 1 }),
  };
}
