import { useMemo, type ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { Reader, ReaderFilters } from '@/features/readers/api/fetch-reader-page';
import { ReaderCard, ReaderCardSkeleton } from '@/features/readers/components/reader-card';
import { ReaderFiltersBar } from '@/features/readers/components/reader-filters-bar';
import { LiveIndicator } from '@/features/readers/components/live-indicator';
import type { ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { useReaderDirectory, type LoadReaders } from '@/features/readers/hooks/use-reader-directory';
import { useReaderDirectorySummary, type LoadDirectorySummary } from '@/features/readers/hooks/use-reader-directory-summary';
import { formatDirectorySummary } from '@/features/readers/utils/format-reader';
import { allSpecialties, hasActiveFilters, NO_FILTERS } from '@/features/readers/utils/reader-filters';
import { useServerNow } from '@/hooks/use-server-now';

/** Given when someone is signed in: the readers they keep, undefined while those load. */
export interface FavouritesFilter {
  ids: readonly string[] | undefined;
}

interface ReadersPageProps {
  loadReaders: LoadReaders;
  loadSummary: LoadDirectorySummary;
  updates: ReaderUpdates;
  favourites?: FavouritesFilter;
  /** What a card shows beside the reader's name for the person looking (the favourite star). */
  cardActions?: (reader: Reader) => ReactNode;
  /** Asks an available reader for a video reading (the Video button). */
  onVideo?: (reader: Reader) => void;
}

// Filters live in the address, so a filtered list can be shared and survives a reload.
// "Your favourites" waits for the ids of the favourites (true: the list is not read yet).
function useFiltersInUrl(favourites: FavouritesFilter | undefined): [ReaderFilters, (filters: ReaderFilters) => void, boolean] {
  const [params, setParams] = useSearchParams();
  const favouritesOnly = favourites !== undefined && params.get('favourites') === '1';
  const availableOnly = params.get('available') === '1';
  // An address asking for both keeps "Available now" (see withAvailability).
  const filters = {
    availableOnly,
    specialty: params.get('specialty') ?? '',
    laterToday: !availableOnly && params.get('later') === '1',
    favouriteIds: favouritesOnly ? (favourites.ids ?? []) : undefined,
  };
  const setFilters = (next: ReaderFilters) => {
    const nextParams = new URLSearchParams();
    if (next.availableOnly) nextParams.set('available', '1');
    if (next.laterToday) nextParams.set('later', '1');
    if (next.favouriteIds) nextParams.set('favourites', '1');
    if (next.specialty !== '') nextParams.set('specialty', next.specialty);
    setParams(nextParams, { replace: true });
  };
  return [filters, setFilters, favouritesOnly && favourites.ids === undefined];
}

const SKELETON_COUNT = 6;

function errorText(error: unknown, updatedAt: number | undefined) {
  const reason = error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
  if (updatedAt === undefined) return `The readers could not be loaded. ${reason}`;
  const time = new Date(updatedAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `The list could not be refreshed, so it may be out of date (last updated ${time}). ${reason} It will try again by itself.`;
}

export function ReadersPage({ loadReaders, loadSummary, updates, favourites, cardActions, onVideo }: ReadersPageProps) {
  const [filters, setFilters, waitingForFavourites] = useFiltersInUrl(favourites);
  const { data, error, updatedAt, isLoading, isRefreshing, refresh, isLive, isStale, isLoadingMore, showMore } = useReaderDirectory(
    loadReaders,
    filters,
    updates,
    !waitingForFavourites,
  );
  const readers = data?.readers;
  const shown = readers ?? [];
  const serverNow = useServerNow(data?.serverTime);
  const specialties = useMemo(() => (readers ? allSpecialties(readers) : []), [readers]);
  // A failed read of the counts only leaves them out: the cards do not depend on them.
  const { summary, isLoading: isSummaryLoading } = useReaderDirectorySummary(loadSummary);
  const noReadersAtAll = data !== undefined && data.readers.length === 0 && !hasActiveFilters(data.filters);

  return (
    <section aria-labelledby="readers-heading" className="space-y-6">
      <title>Readers · Arcana Readers</title>
      <div>
        <h1 id="readers-heading" className="font-display text-3xl text-gold-300 sm:text-4xl">
          Readers
        </h1>
        <p className="mt-2 max-w-prose text-mist-300">Browse tarot readers and see who is available for a reading right now.</p>
        <div className="mt-2">
          <LiveIndicator isLive={isLive} refreshIntervalMs={updates.refreshIntervalMs} />
        </div>
      </div>

      <ReaderFiltersBar filters={filters} specialties={specialties} onChange={setFilters} canFilterFavourites={favourites !== undefined} />

      {error !== null && (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refresh} busy={isRefreshing} />}>
          {errorText(error, updatedAt)}
        </StatusMessage>
      )}

      {/* Announced politely, so screen-reader users hear the list change without losing their place. */}
      <p role="status" className="text-sm text-mist-300">
        {isLoading || (data !== undefined && isSummaryLoading)
          ? 'Loading readers…'
          : data && summary && formatDirectorySummary(summary, hasActiveFilters(data.filters) ? shown.length : undefined)}
      </p>

      {isLoading && (
        <ul aria-busy="true" aria-label="Loading readers" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {Array.from({ length: SKELETON_COUNT }, (_, index) => (
            <li key={index}>
              <ReaderCardSkeleton />
            </li>
          ))}
        </ul>
      )}

      {noReadersAtAll && <StatusMessage tone="info">No readers have joined yet. Check back soon.</StatusMessage>}

      {data && !noReadersAtAll && shown.length === 0 && (
        <StatusMessage
          tone="info"
          action={
            <button type="button" onClick={() => setFilters(NO_FILTERS)} className="shrink-0 font-medium text-gold-400 hover:text-gold-300">
              Clear filters
            </button>
          }
        >
          No readers match these filters{filters.availableOnly ? ' right now' : filters.laterToday ? ' later today' : ''}.
        </StatusMessage>
      )}

      {data && serverNow && shown.length > 0 && (
        <ul aria-label="Readers" aria-busy={isStale} className={`grid gap-4 transition-opacity sm:grid-cols-2 lg:grid-cols-3 ${isStale ? 'opacity-60' : ''}`}>
          {shown.map((reader) => (
            <li key={reader.id}>
              <ReaderCard reader={reader} serverNow={serverNow} actions={cardActions?.(reader)} onVideo={onVideo && (() => onVideo(reader))} />
            </li>
          ))}
        </ul>
      )}

      {data?.hasMore && (
        <div className="flex justify-center">
          {/* aria-disabled rather than disabled: a disabled button would drop the keyboard focus. */}
          <button
            type="button"
            onClick={() => {
              if (!isLoadingMore) showMore();
            }}
            aria-disabled={isLoadingMore}
            className="rounded-md border border-gold-500/60 px-4 py-2 font-medium text-gold-300 hover:bg-night-800 aria-disabled:cursor-wait aria-disabled:opacity-60"
          >
            {isLoadingMore ? 'Loading more readers…' : 'Show more readers'}
          </button>
        </div>
      )}
    </section>
  );
}
