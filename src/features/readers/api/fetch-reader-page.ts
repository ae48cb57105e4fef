import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';
import { syncServerClock } from '@/lib/sync-server-clock';
import { derivePresence } from '@/features/presence/utils/derive-presence';
import { specialtySearchPattern } from '@/features/readers/utils/specialty-search-pattern';

export const READERS_PAGE_SIZE = 24;

export interface ReaderLevel {
  id: number;
  name: string;
  color_theme: string;
  icon: string;
  base_price_per_minute: number;
  description: string;
}

export interface Reader {
  id: string;
  display_name: string;
  avatar_url: string | null;
  specialties: string[];
  average_rating: number;
  review_count: number;
  /** Derived by the five-minute rule on server time, not the stored flag. */
  is_online: boolean;
  last_seen_at: string | null;
  readerLevel: ReaderLevel | null;
}

export interface ReaderDetail extends Reader {
  bio: string;
}

// Only what a card shows: the list is polled for every visitor, so each column costs.
export const READER_CARD_COLUMNS = `
  id, display_name, avatar_url, specialties, average_rating, review_count, is_online, last_seen_at,
  readerLevel:level_id ( id, name, color_theme, icon, base_price_per_minute, description )
`;

type ReaderRow = Omit<Reader, 'average_rating' | 'readerLevel'> & {
  // numeric columns arrive as JSON numbers from PostgREST, but say so explicitly
  average_rating: number | string;
  readerLevel: (Omit<ReaderLevel, 'base_price_per_minute'> & { base_price_per_minute: number | string }) | null;
};

/** A database row as the app shows it: numbers as numbers, online by the one presence rule. */
export function toReader<Row extends ReaderRow>(row: Row, serverNow: Date): Row & Reader {
  return {
    ...row,
    average_rating: Number(row.average_rating),
    readerLevel: row.readerLevel && { ...row.readerLevel, base_price_per_minute: Number(row.readerLevel.base_price_per_minute) },
    is_online: derivePresence(row, serverNow).isOnline,
  };
}

/** What a visitor narrows the directory to. */
export interface ReaderFilters {
  /** Only readers flagged online (the page also hides those the five-minute rule says are not). */
  onlineOnly: boolean;
  /** Part of a specialty, any case; blank matches everyone. */
  specialty: string;
}

export interface ReaderPageQuery {
  filters: ReaderFilters;
  /** How many rows of the directory order to skip. */
  offset?: number;
  limit: number;
}

// PostgREST answers at most max_rows (1,000, supabase/config.toml) rows per request, so a refresh
// of many pages shown reads them in slices.
export const MAX_ROWS_PER_REQUEST = 1000;

async function readDirectorySlice(client: AppSupabaseClient, filters: ReaderFilters, from: number, count: number): Promise<ReaderRow[]> {
  let query = client.from('users').select(READER_CARD_COLUMNS).eq('is_reader', true);
  if (filters.onlineOnly) query = query.eq('is_online', true);
  const specialtyPattern = specialtySearchPattern(filters.specialty);
  if (specialtyPattern !== null) query = query.ilike('specialties_search', specialtyPattern);
  const { data, error } = await query
    .order('is_online', { ascending: false })
    .order('average_rating', { ascending: false })
    .order('id')
    .range(from, from + count - 1)
    .overrideTypes<ReaderRow[], { merge: false }>();
  if (error) throw error;
  return data;
}

/**
 * A page of readers with their level, in directory order: flagged online first, then best rated
 * (users_directory_idx), `is_online` then derived by the five-minute rule on server time.
 */
export async function fetchReaderPage(client: AppSupabaseClient, clock: ServerClock, { filters, offset = 0, limit }: ReaderPageQuery): Promise<Reader[]> {
  const slices = Array.from({ length: Math.ceil(limit / MAX_ROWS_PER_REQUEST) }, (_, index) => {
    const from = offset + index * MAX_ROWS_PER_REQUEST;
    return readDirectorySlice(client, filters, from, Math.min(MAX_ROWS_PER_REQUEST, offset + limit - from));
  });
  const rows = (await Promise.all(slices)).flat();
  await syncServerClock(client, clock);
  const serverNow = clock.now();
  return rows.map((row) => toReader(row, serverNow));
}
