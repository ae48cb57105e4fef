import type { AppSupabaseClient } from '@/lib/create-supabase-client';

interface ReaderStatusRow {
  id: string;
  is_online: boolean;
}

/** Many readers' statuses in one round trip; the database applies the five-minute rule with its own clock. */
export async function getReadersOnlineStatus(client: AppSupabaseClient, readerIds: string[]): Promise<Record<string, boolean>> {
  if (readerIds.length === 0) return {};
  const { data, error } = await client.rpc('get_readers_online_status', { reader_ids: readerIds });
  if (error) throw error;
  return Object.fromEntries((data as ReaderStatusRow[]).map((row) => [row.id, row.is_online]));
}
