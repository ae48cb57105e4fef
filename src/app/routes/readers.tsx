import { readerUpdates } from '@/app/server-state';
import { fetchReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { fetchReaderPage, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { ReadersPage } from '@/features/readers/components/readers-page';
import type { ReadersSnapshot } from '@/features/readers/hooks/use-reader-directory';
import { serverTimeFrom } from '@/lib/server-time';
import { getSupabase } from '@/lib/supabase';

async function loadReaders(query: ReaderPageQuery): Promise<ReadersSnapshot> {
  const client = getSupabase();
  const [readers, summary] = await Promise.all([fetchReaderPage(client, query), fetchReaderDirectorySummary(client)]);
  return { readers, summary, serverTime: serverTimeFrom(summary.serverTime) };
}

export function ReadersRoute() {
  return <ReadersPage loadReaders={loadReaders} updates={readerUpdates()} />;
}
