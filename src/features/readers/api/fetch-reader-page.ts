import { unwrap } from '@/lib/api-error';
import { nextLocalMidnight } from '@/lib/calendar-day';
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
  /** The reader's current or next window of hours within 14 days, chosen by the database; null when none. */
  next_window_starts_at: string | null;
  next_window_ends_at: string | null;
  readerLevel: ReaderLevel | null;
}

export interface ReaderDetail extends Reader {
  bio: string;
}

// Only what a card shows: the list is polled for every visitor, so each column costs.
export const READER_CARD_COLUMNS = `
  id, display_name, avatar_url, specialties, average_rating, review_count, status, status_message, last_seen_at, server_time,
  next_window_starts_at, next_window_ends_at,
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
  /** Only readers not available now whose hours start later today, in the visitor's time zone. */
  laterToday?: boolean;
  /** Only these readers (the signed-in client's favourites, when they filter on them). */
  favouriteIds?: readonly string[];
}

export interface ReaderPageQuery {
  filters: ReaderFilters;
  /** How many rows of the directory order to skip. */
  offset?: number;
  limit: number;
  /** The visitor's time zone, whose midnight ends "today" (the browser's when none is given). */
  timeZone?: string;
}

// PostgREST answers at most max_rows (1,000, supabase/config.toml) rows per request, so a refresh
// of many pages shown reads them in slices.
export const MAX_ROWS_PER_REQUEST = 1000;

/** The instants between which a window must start to count as "later today". */
interface LaterToday {
  after: string;
  before: string;
}

/**
 * "Later today" runs from the database's now to the visitor's next midnight. The bounds are
 * literals in the query, so the database's clock is read first: a browser clock that is hours
 * wrong would otherwise list windows already started, or tomorrow's. Null when there are no readers.
 */
async function laterTodayBounds(client: AppSupabaseClient, timeZone: string | undefined): Promise<LaterToday | null> {
  const clock = unwrap(
    await client.from('reader_cards').select('server_time').limit(1).maybeSingle().overrideTypes<{ server_time: string } | null, { merge: false }>(),
  );
  if (!clock) return null;
  const now = new Date(clock.server_time);
  return { after: now.toISOString(), before: nextLocalMidnight(now, timeZone).toISOString() };
}

const directoryCards = (client: AppSupabaseClient) => client.from('reader_cards').select(READER_CARD_COLUMNS);

/**
 * The rows from..from + count - 1 of the cards to filter and order: the whole directory's, or the
 * signed-in client's favourites read by key in the database (favourite_reader_cards; filtered by
 * ids on the view instead, the planner walks the whole directory looking for them). With no other
 * filter the database cuts the favourites' page itself and computes only its cards; with one, it
 * returns them all (at most 100) for PostgREST to filter, order and cut.
 */
function readerCards(client: AppSupabaseClient, filters: ReaderFilters, from: number, count: number) {
  if (!filters.favouriteIds) return directoryCards(client).range(from, from + count - 1);
  const pagedInDatabase = !filters.availableOnly && !filters.laterToday && specialtySearchPattern(filters.specialty) === null;
  // PostgREST 12 filters and orders a function's rows only on the columns selected (PostgREST#3965,
  // fixed in 13), so the ones readDirectorySlice uses and a card does not show come too. The
  // function returns reader_cards rows; without generated types the client cannot know it returns a set.
  const columns = `${READER_CARD_COLUMNS}, recorded_status, specialties_search`;
  const page = pagedInDatabase ? { page_size: count, page_offset: from } : {};
  const cards = client.rpc('favourite_reader_cards', page, { get: true }).select(columns) as unknown as ReturnType<typeof directoryCards>;
  return pagedInDatabase ? cards : cards.range(from, from + count - 1);
}

async function readDirectorySlice(
  client: AppSupabaseClient,
  filters: ReaderFilters,
  laterToday: LaterToday | null,
  from: number,
  count: number,
): Promise<ReaderRow[]> {
  let query = readerCards(client, filters, from, count);
  // recorded_status picks the index range; status is the rule applied now (recorded may lag a minute).
  if (filters.availableOnly) query = query.eq('recorded_status', 'available').eq('status', 'available');
  // users_next_window_idx: a range of starts of readers not recorded available, in its order
  // (soonest first, then best rated); status is again the rule applied now.
  if (laterToday) {
    query = query
      .gt('next_window_starts_at', laterToday.after)
      .lt('next_window_starts_at', laterToday.before)
      .neq('recorded_status', 'available')
      .neq('status', 'available');
  }
  // The favourites as the page has them, which a star changes before the database does.
  if (filters.favouriteIds) query = query.in('id', [...filters.favouriteIds]);
  const specialtyPattern = specialtySearchPattern(filters.specialty);
  if (specialtyPattern !== null) query = query.ilike('specialties_search', specialtyPattern);
  const ordered = laterToday ? query.order('next_window_starts_at') : query.order('recorded_status');
  return unwrap(await ordered.order('average_rating', { ascending: false }).order('id').overrideTypes<ReaderRow[], { merge: false }>());
}

/**
 * A page of readers with their level, in directory order (users_directory_idx): available, in a
 * reading, away, offline, each best rated first; "later today", soonest window first.
 */
export async function fetchReaderPage(client: AppSupabaseClient, { filters, offset = 0, limit, timeZone }: ReaderPageQuery): Promise<Reader[]> {
  const laterToday = filters.laterToday ? await laterTodayBounds(client, timeZone) : null;
  if (filters.laterToday && !laterToday) return [];
  if (filters.favouriteIds?.length === 0) return [];
  const slices = Array.from({ length: Math.ceil(limit / MAX_ROWS_PER_REQUEST) }, (_, index) => {
    const from = offset + index * MAX_ROWS_PER_REQUEST;
    return readDirectorySlice(client, filters, laterToday, from, Math.min(MAX_ROWS_PER_REQUEST, offset + limit - from));
  });
  return (await Promise.all(slices)).flat().map(toReader);
}
