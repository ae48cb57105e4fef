import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { unwrapFavouriteWrite } from '@/features/favourites/api/favourite-error';

/**
 * Stars a reader for the signed-in client (the database fills in who). Starring one already starred
 * (another tab did it first) changes nothing and is no error.
 */
export async function addFavourite(client: AppSupabaseClient, readerId: string, notify = false): Promise<void> {
  unwrapFavouriteWrite(await client.from('favourites').upsert({ reader_id: readerId, notify }, { ignoreDuplicates: true }));
}
