import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { fetchOwnHours, type SavedHours } from '@/features/hours/api/fetch-own-hours';
import { hoursKeys } from '@/features/hours/api/query-keys';
import { saveHours, type SaveOutcome } from '@/features/hours/services/save-hours';
import type { HoursDraft } from '@/features/hours/utils/hours-draft';

/** The signed-in reader's hours, and a save that writes a draft over them and rereads what was stored. */
export function useOwnHours(client: AppSupabaseClient, readerId: string) {
  const queryClient = useQueryClient();
  const queryKey = hoursKeys.own(readerId);
  const query = useQuery({ queryKey, queryFn: () => fetchOwnHours(client, readerId) });

  const save = async (draft: HoursDraft): Promise<SaveOutcome> => {
    const saved = queryClient.getQueryData<SavedHours>(queryKey) ?? { timeZone: null, windows: [], daysOff: [] };
    try {
      return await saveHours(client, readerId, saved, draft);
    } finally {
      // The next save is planned against what the database holds, whatever part of this one it took.
      await queryClient.invalidateQueries({ queryKey });
    }
  };

  return { saved: query.data, error: query.error, isFetching: query.isFetching, refetch: () => void query.refetch(), save };
}
