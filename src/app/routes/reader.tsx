import { useParams } from 'react-router-dom';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { readerUpdates } from '@/app/server-state';
import { fetchReader } from '@/features/readers/api/fetch-reader';
import { FavouriteToggle } from '@/features/favourites/components/favourite-toggle';
import { NotifyToggle } from '@/features/favourites/components/notify-toggle';
import type { ReaderDetail } from '@/features/readers/api/fetch-reader-page';
import { ReaderDetailPage } from '@/features/readers/components/reader-detail-page';
import type { ReaderSnapshot } from '@/features/readers/hooks/use-reader';
import { useRequestReading } from '@/features/readings/hooks/use-request-reading';
import { serverTimeFrom } from '@/lib/server-time';
import { getSupabase } from '@/lib/supabase';

async function loadReader(readerId: string): Promise<ReaderSnapshot> {
  const reader = await fetchReader(getSupabase(), readerId);
  return { reader, serverTime: reader ? serverTimeFrom(reader.server_time) : undefined };
}

function favouriteActions(reader: ReaderDetail) {
  return (
    <>
      <FavouriteToggle readerId={reader.id} readerName={reader.display_name} />
      <NotifyToggle readerId={reader.id} />
    </>
  );
}

export function ReaderRoute() {
  const { readerId = '' } = useParams();
  const requestReading = useRequestReading();
  const signedIn = useAuthStore((state) => state.status === 'signed-in');
  return (
    <ReaderDetailPage
      readerId={readerId}
      loadReader={loadReader}
      updates={readerUpdates()}
      actions={favouriteActions}
      onVideo={signedIn ? (reader) => requestReading({ id: reader.id, name: reader.display_name }) : undefined}
    />
  );
}
