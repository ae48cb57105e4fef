import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** A reader the signed-in client keeps. */
export interface Favourite {
  readerId: string;
  /** "Notify me when available". */
  notify: boolean;
  createdAt: string;
}

interface FavouriteRow {
  reader_id: string;
  notify: boolean;
  created_at: string;
}

/** The signed-in client's favourites (row-level security shows only theirs), newest first. */
export async function fetchFavourites(client: AppSupabaseClient): Promise<Favourite[]> {
  const rows = unwrap(
    await client
      .from('favourites')
      .select('reader_id, notify, created_at')
      .order('created_at', { ascending: false })
      .overrideTypes<FavouriteRow[], { merge: false }>(),
  );
  return rows.map((row) => ({ readerId: row.reader_id, notify: row.notify, createdAt: row.created_at }));
}
