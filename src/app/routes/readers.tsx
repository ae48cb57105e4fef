import { readerUpdates } from '@/app/server-state';
import { fetchReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { fetchReaderPage, type Reader, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { FavouriteToggle } from '@/features/favourites/components/favourite-toggle';
import { useFavourites } from '@/features/favourites/hooks/use-favourites';
import { ReadersPage } from '@/features/readers/components/readers-page';
import { useRequestReading } from '@/features/readings/hooks/use-request-reading';
import type { ReadersSnapshot } from '@/features/readers/hooks/use-reader-directory';
import { serverTimeFrom } from '@/lib/server-time';
import { getSupabase } from '@/lib/supabase';

async function loadReaders(query: ReaderPageQuery): Promise<ReadersSnapshot> {
  const readers = await fetchReaderPage(getSupabase(), query);
  // Every row carries the database's clock; with no row there is no "last seen" text to tell.
  return { readers, serverTime: readers[0] && serverTimeFrom(readers[0].server_time) };
}

const loadSummary = () => fetchReaderDirectorySummary(getSupabase());

const starOf = (reader: Reader) => <FavouriteToggle readerId={reader.id} readerName={reader.display_name} />;

export function ReadersRoute() {
  const { userId, favourites } = useFavourites();
  const ids = favourites?.map((favourite) => favourite.readerId);
  const requestReading = useRequestReading();
  return (
    <ReadersPage
      loadReaders={loadReaders}
      loadSummary={loadSummary}
      updates={readerUpdates()}
      favourites={userId === undefined ? undefined : { ids }}
      cardActions={starOf}
      // Visitors' Video leads to the reader's page, which asks them to sign in.
      onVideo={userId === undefined ? undefined : (reader) => requestReading({ id: reader.id, name: reader.display_name })}
    />
  );
}
