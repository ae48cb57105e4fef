import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';
import { syncServerClock } from '@/lib/sync-server-clock';
import { derivePresence } from '@/features/presence/utils/derive-presence';

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

/** Readers with their level, best rated first, `is_online` derived by the five-minute rule on server time. */
export async function fetchAllReaders(client: AppSupabaseClient, clock: ServerClock): Promise<Reader[]> {
  const { data, error } = await client
    .from('users')
    .select(READER_CARD_COLUMNS)
    .eq('is_reader', true)
    .order('average_rating', { ascending: false })
    .order('id')
    .overrideTypes<ReaderRow[], { merge: false }>();
  if (error) throw error;
  await syncServerClock(client, clock);
  const serverNow = clock.now();
  return data.map((row) => toReader(row, serverNow));
}
