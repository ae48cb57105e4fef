import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';
import { derivePresence } from '@/features/presence/utils/derive-presence';

const READER_CARD_COLUMNS = `
  id, display_name, avatar_url, bio, specialties, is_reader, average_rating, review_count, level_id,
  is_online, last_seen_at,
  readerLevel:level_id ( id, name, color_theme, icon, base_price_per_minute, description )
`;

/** Readers with their level, best rated first, `is_online` derived by the five-minute rule on server time. */
export async function fetchAllReaders(client: AppSupabaseClient, clock: ServerClock) {
  const { data, error } = await client
    .from('users')
    .select(READER_CARD_COLUMNS)
    .eq('is_reader', true)
    .order('average_rating', { ascending: false })
    .order('id');
  if (error) throw error;
  const serverNow = clock.now();
  return data.map((reader) => ({ ...reader, is_online: derivePresence(reader, serverNow).isOnline }));
}

export type Reader = Awaited<ReturnType<typeof fetchAllReaders>>[number];
