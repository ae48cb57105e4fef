import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { unwrapFavouriteWrite } from '@/features/favourites/api/favourite-error';

/** Turns "Notify me when available" on or off for a starred reader. */
export async function setFavouriteNotify(client: AppSupabaseClient, readerId: string, notify: boolean): Promise<void> {
  unwrapFavouriteWrite(await client.from('favourites').update({ notify }).eq('reader_id', readerId));
}
