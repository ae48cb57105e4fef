import { useParams } from 'react-router-dom';
import { env } from '@/config/env';
import { fetchReader } from '@/features/readers/api/fetch-reader';
import { ReaderDetailPage, type ReaderSnapshot } from '@/features/readers/components/reader-detail-page';
import { getSupabase, serverClock } from '@/lib/supabase';

async function loadReader(readerId: string): Promise<ReaderSnapshot> {
  const reader = await fetchReader(getSupabase(), serverClock, readerId);
  return { reader, serverNow: serverClock.now() };
}

export function ReaderRoute() {
  const { readerId = '' } = useParams();
  return <ReaderDetailPage readerId={readerId} loadReader={loadReader} refreshIntervalMs={env.readersRefreshIntervalMs} />;
}
