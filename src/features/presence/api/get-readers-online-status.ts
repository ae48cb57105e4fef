import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

interface ReaderStatusRow {
  id: string;
  is_online: boolean;
}

/** Many readers' online flags in one round trip (the seed's API): online is any status but offline, judged by the database. */
export async function getReadersOnlineStatus(client: AppSupabaseClient, readerIds: string[]): Promise<Record<string, boolean>> {
  if (readerIds.length === 0) return {};
  const rows = unwrap<ReaderStatusRow[]>(await client.rpc('get_readers_online_status', { reader_ids: readerIds }));
  return Object.fromEntries(rows.map((row) => [row.id, row.is_online]));
}
