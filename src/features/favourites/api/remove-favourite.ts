import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { unwrapFavouriteWrite } from '@/features/favourites/api/favourite-error';

/** Unstars a reader; one that is not starred (another tab removed it) is no error. */
export async function removeFavourite(client: AppSupabaseClient, readerId: string): Promise<void> {
  unwrapFavouriteWrite(await client.from('favourites').delete().eq('reader_id', readerId));
}
