import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** The most readers one search lists: a name narrows it. */
export const READER_SEARCH_LIMIT = 50;

export interface ReaderChoice {
  id: string;
  display_name: string;
}

/**
 * The PostgREST `ilike` pattern for "the name contains this text", matched literally (LIKE's `%`,
 * `_` and `\` escaped; PostgREST reads `*` as `%` with no escape, so a typed `*` matches any one
 * character); null for a blank search.
 */
export function nameContainsPattern(text: string): string | null {
  const needle = text.trim();
  if (needle === '') return null;
  return `%${needle.replace(/[\\%_]/g, (character) => `\\${character}`).replaceAll('*', '_')}%`;
}

/** Listed readers by name, the first 50 in name order, narrowed to names containing `search`. */
export async function searchReaders(client: AppSupabaseClient, search: string): Promise<ReaderChoice[]> {
  const pattern = nameContainsPattern(search);
  const query = client.from('reader_cards').select('id, display_name');
  const filtered = pattern === null ? query : query.ilike('display_name', pattern);
  return unwrap(await filtered.order('display_name').limit(READER_SEARCH_LIMIT).overrideTypes<ReaderChoice[], { merge: false }>()) ?? [];
}
