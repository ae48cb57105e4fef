import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

export interface ReaderDirectorySummary {
  readers: number;
  available: number;
  busy: number;
  away: number;
}

interface SummaryRow {
  // count(*) is a bigint, which PostgREST may send as a number or a string
  readers: number | string;
  available: number | string;
  busy: number | string;
  away: number | string;
}

/** How many readers there are and how many are available, in a reading and away, without reading their cards. */
export async function fetchReaderDirectorySummary(client: AppSupabaseClient): Promise<ReaderDirectorySummary> {
  const row = unwrap(await client.rpc('reader_directory_summary').single<SummaryRow>());
  return {
    readers: Number(row.readers),
    available: Number(row.available),
    busy: Number(row.busy),
    away: Number(row.away),
  };
}
