import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';
import { syncServerClock } from '@/lib/sync-server-clock';
import { READER_CARD_COLUMNS, toReader, type Reader, type ReaderDetail } from '@/features/readers/api/fetch-reader-page';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type ReaderDetailRow = Parameters<typeof toReader>[0] & { bio: string };

/** One reader's card and bio, or null when there is no reader with that id (also for a malformed id). */
export async function fetchReader(client: AppSupabaseClient, clock: ServerClock, readerId: string): Promise<ReaderDetail | null> {
  // PostgREST answers a malformed uuid with a 400; to a visitor that is simply no such reader.
  if (!UUID.test(readerId)) return null;
  const { data, error } = await client
    .from('users')
    .select(`${READER_CARD_COLUMNS}, bio`)
    .eq('id', readerId)
    .eq('is_reader', true)
    .maybeSingle()
    .overrideTypes<ReaderDetailRow | null, { merge: false }>();
  if (error) throw error;
  await syncServerClock(client, clock);
  return data && (toReader(data, clock.now()) satisfies Reader & { bio: string });
}
