import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSettledSearch } from '@/hooks/use-settled-search';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { presenceStatsKeys } from '@/features/presence-stats/api/query-keys';
import { searchReaders } from '@/features/presence-stats/api/search-readers';

/** Readers whose name contains the text, once typing pauses; the previous list stays while the next loads. */
export function useReaderSearch(client: AppSupabaseClient, viewerId: string, text: string) {
  const search = useSettledSearch(text).trim();
  return useQuery({
    queryKey: presenceStatsKeys.readers(viewerId, search),
    queryFn: () => searchReaders(client, search),
    placeholderData: keepPreviousData,
  });
}
