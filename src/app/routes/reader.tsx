import { useParams } from 'react-router-dom';
import { env } from '@/config/env';
import { fetchReader } from '@/features/readers/api/fetch-reader';
import { ReaderDetailPage, type ReaderSnapshot } from '@/features/readers/components/reader-detail-page';
import { serverTimeFrom } from '@/lib/server-time';
import { getSupabase } from '@/lib/supabase';

async function loadReader(readerId: string): Promise<ReaderSnapshot> {
  const reader = await fetchReader(getSupabase(), readerId);
  return { reader, serverTime: reader ? serverTimeFrom(reader.server_time) : undefined };
}

export function ReaderRoute() {
  const { readerId = '' } = useParams();
  return <ReaderDetailPage readerId={readerId} loadReader={loadReader} refreshIntervalMs={env.readersRefreshIntervalMs} />;
}
