import { env } from '@/config/env';
import { fetchAllReaders } from '@/features/readers/api/fetch-all-readers';
import { ReadersPage, type ReadersSnapshot } from '@/features/readers/components/readers-page';
import { getSupabase, serverClock } from '@/lib/supabase';

async function loadReaders(): Promise<ReadersSnapshot> {
  const readers = await fetchAllReaders(getSupabase(), serverClock);
  return { readers, serverNow: serverClock.now() };
}

export function ReadersRoute() {
  return <ReadersPage loadReaders={loadReaders} refreshIntervalMs={env.readersRefreshIntervalMs} />;
}
