import type { AppSupabaseClient } from '@/lib/create-supabase-client';

export interface ReaderDirectorySummary {
  readers: number;
  /** By the five-minute rule on the database's clock. */
  online: number;
}

interface SummaryRow {
  // count(*) is a bigint, which PostgREST may send as a number or a string
  readers: number | string;
  online: number | string;
}

/** How many readers there are and how many are online now, without reading their cards. */
export async function fetchReaderDirectorySummary(client: AppSupabaseClient): Promise<ReaderDirectorySummary> {
  const { data, error } = await client.rpc('reader_directory_summary').single<SummaryRow>();
  if (error) throw error;
  return { readers: Number(data.readers), online: Number(data.online) };
}
