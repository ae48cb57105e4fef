import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { PresenceStatus } from '@/lib/presence-status';
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
  /** The effective status, computed by the database when it answered. */
  status: PresenceStatus;
  /** Only for a status others may see (never for offline). */
  status_message: string | null;
  /** When others last saw the reader online. */
  last_seen_at: string | null;
  /** The database's clock when it answered. */
  server_time: string;
  readerLevel: ReaderLevel | null;
}

export interface ReaderDetail extends Reader {
  bio: string;
}

// Only what a card shows: the list is polled for every visitor, so each column costs.
export const READER_CARD_COLUMNS = `
  id, display_name, avatar_url, specialties, average_rating, review_count, status, status_message, last_seen_at, server_time,
  readerLevel:level_id ( id, name, color_theme, icon, base_price_per_minute, description )
`;

export type ReaderRow = Omit<Reader, 'average_rating' | 'readerLevel'> & {
  // numeric columns arrive as JSON numbers from PostgREST, but say so explicitly
  average_rating: number | string;
  readerLevel: (Omit<ReaderLevel, 'base_price_per_minute'> & { base_price_per_minute: number | string }) | null;
};

/** A database row as the app shows it: numbers as numbers. */
export function toReader<Row extends ReaderRow>(row: Row): Row & Reader {
  return {
    ...row,
    average_rating: Number(row.average_rating),
    readerLevel: row.readerLevel && { ...row.readerLevel, base_price_per_minute: Number(row.readerLevel.base_price_per_minute) },
  };
}

/** What a visitor narrows the directory to. */
export interface ReaderFilters {
  /** Only readers available for a reading now. */
  availableOnly: boolean;
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
  let query = client.from('reader_cards').select(READER_CARD_COLUMNS);
  // recorded_status picks the index range; status is the rule applied now (recorded may lag a minute).
  if (filters.availableOnly) query = query.eq('recorded_status', 'available').eq('status', 'available');
  const specialtyPattern = specialtySearchPattern(filters.specialty);
  if (specialtyPattern !== null) query = query.ilike('specialties_search', specialtyPattern);
  return unwrap(
    await query
      .order('recorded_status')
      .order('average_rating', { ascending: false })
      .order('id')
      .range(from, from + count - 1)
      .overrideTypes<ReaderRow[], { merge: false }>(),
  );
}

/**
 * A page of readers with their level, in directory order (users_directory_idx): available, in a
 * reading, away, offline, each best rated first.
 */
export async function fetchReaderPage(client: AppSupabaseClient, { filters, offset = 0, limit }: ReaderPageQuery): Promise<Reader[]> {
  const slices = Array.from({ length: Math.ceil(limit / MAX_ROWS_PER_REQUEST) }, (_, index) => {
    const from = offset + index * MAX_ROWS_PER_REQUEST;
    return readDirectorySlice(client, filters, from, Math.min(MAX_ROWS_PER_REQUEST, offset + limit - from));
  });
  return (await Promise.all(slices)).flat().map(toReader);
}
