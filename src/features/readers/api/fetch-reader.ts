import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { READER_CARD_COLUMNS, toReader, type ReaderDetail, type ReaderRow } from '@/features/readers/api/fetch-reader-page';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One reader's card and bio, or null when there is no reader with that id (also for a malformed id). */
export async function fetchReader(client: AppSupabaseClient, readerId: string): Promise<ReaderDetail | null> {
  // PostgREST answers a malformed uuid with a 400; to a visitor that is simply no such reader.
  if (!UUID.test(readerId)) return null;
  const row = unwrap(
    await client
      .from('reader_cards')
      .select(`${READER_CARD_COLUMNS}, bio`)
      .eq('id', readerId)
      .maybeSingle()
      .overrideTypes<(ReaderRow & { bio: string }) | null, { merge: false }>(),
  );
  return row && toReader(row);
}
