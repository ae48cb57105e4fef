import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { usePolledResource } from '@/hooks/use-polled-resource';
import type { Reader } from '@/features/readers/api/fetch-all-readers';
import { ReaderCard, ReaderCardSkeleton } from '@/features/readers/components/reader-card';
import { ReaderFiltersBar } from '@/features/readers/components/reader-filters-bar';
import { allSpecialties, applyReaderFilters, hasActiveFilters, NO_FILTERS, type ReaderFilters } from '@/features/readers/utils/reader-filters';

export interface ReadersSnapshot {
  readers: Reader[];
  /** The server's clock when the list was read, for "last seen" text. */
  serverNow: Date;
}

interface ReadersPageProps {
  loadReaders: () => Promise<ReadersSnapshot>;
  refreshIntervalMs: number;
}

// Filters live in the address, so a filtered list can be shared and survives a reload.
function useFiltersInUrl(): [ReaderFilters, (filters: ReaderFilters) => void] {
  const [params, setParams] = useSearchParams();
  const filters = { onlineOnly: params.get('online') === '1', specialty: params.get('specialty') ?? '' };
  const setFilters = (next: ReaderFilters) => {
    const nextParams = new URLSearchParams();
    if (next.onlineOnly) nextParams.set('online', '1');
    if (next.specialty !== '') nextParams.set('specialty', next.specialty);
    setParams(nextParams, { replace: true });
  };
  return [filters, setFilters];
}

const SKELETON_COUNT = 6;

function errorText(hasData: boolean, updatedAt: Date | undefined) {
  if (!hasData) return 'The readers could not be loaded. Check your connection and try again.';
  const time = updatedAt?.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return `The list could not be refreshed, so it may be out of date (last updated ${time}). It will try again by itself.`;
}

function summaryText(shown: number, total: number, online: number, filtered: boolean) {
  const onlineText = `${online} online now`;
  return filtered ? `Showing ${shown} of ${total} readers · ${onlineText}` : `${total} ${total === 1 ? 'reader' : 'readers'} · ${onlineText}`;
}

export function ReadersPage({ loadReaders, refreshIntervalMs }: ReadersPageProps) {
  const { data, error, isLoading, isRefreshing, refresh } = usePolledResource(loadReaders, refreshIntervalMs);
  const [filters, setFilters] = useFiltersInUrl();
  const readers = data?.readers;
  const shown = useMemo(() => (readers ? applyReaderFilters(readers, filters) : []), [readers, filters.onlineOnly, filters.specialty]);
  const specialties = useMemo(() => (readers ? allSpecialties(readers) : []), [readers]);

  return (
    <section aria-labelledby="readers-heading" className="space-y-6">
      <title>Readers · Arcana Readers</title>
      <div>
        <h1 id="readers-heading" className="font-display text-3xl text-gold-300 sm:text-4xl">
          Readers
        </h1>
        <p className="mt-2 max-w-prose text-mist-300">Browse tarot readers and see who is online right now.</p>
      </div>

      <ReaderFiltersBar filters={filters} specialties={specialties} onChange={setFilters} />

      {error !== null && (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refresh} busy={isRefreshing} />}>
          {errorText(readers !== undefined, data?.serverNow)}
        </StatusMessage>
      )}

      {/* Announced politely, so screen-reader users hear the list change without losing their place. */}
      <p role="status" className="text-sm text-mist-300">
        {isLoading ? 'Loading readers…' : readers && summaryText(shown.length, readers.length, readers.filter((r) => r.is_online).length, hasActiveFilters(filters))}
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

      {readers && readers.length === 0 && (
        <StatusMessage tone="info">No readers have joined yet. Check back soon.</StatusMessage>
      )}

      {readers && readers.length > 0 && shown.length === 0 && (
        <StatusMessage
          tone="info"
          action={
            <button type="button" onClick={() => setFilters(NO_FILTERS)} className="shrink-0 font-medium text-gold-400 hover:text-gold-300">
              Clear filters
            </button>
          }
        >
          No readers match these filters{filters.onlineOnly ? ' right now' : ''}.
        </StatusMessage>
      )}

      {data && shown.length > 0 && (
        <ul aria-label="Readers" className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
          {shown.map((reader) => (
            <li key={reader.id}>
              <ReaderCard reader={reader} serverNow={data.serverNow} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
