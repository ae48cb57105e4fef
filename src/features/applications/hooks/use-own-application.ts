import { useMutation, useQuery, useQueryClient, type Query } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { applyAsReader } from '@/features/applications/api/apply-as-reader';
import { fetchOwnApplication, type OwnApplication } from '@/features/applications/api/fetch-own-application';
import { applicationKeys } from '@/features/applications/api/query-keys';

interface OwnApplicationOptions {
  enabled?: boolean;
  /** While the application is pending, how often to look for an admin's decision; not at all when left out. */
  pollWhilePendingMs?: number;
}

const isPending = (query: Query<OwnApplication | null>) => query.state.data?.status === 'pending';

/**
 * The signed-in user's application (null: they never applied). Only a pending one can change
 * without the user doing anything, so only then is it read again: on the poll, and when they come
 * back to the tab.
 */
export function useOwnApplication(client: AppSupabaseClient, applicantId: string, { enabled = true, pollWhilePendingMs }: OwnApplicationOptions = {}) {
  const query = useQuery({
    queryKey: applicationKeys.own(applicantId),
    queryFn: () => fetchOwnApplication(client, applicantId),
    enabled,
    refetchInterval: (current) => (pollWhilePendingMs !== undefined && isPending(current) ? pollWhilePendingMs : false),
    refetchOnWindowFocus: isPending,
  });
  return { application: query.data, error: query.error, isFetching: query.isFetching, refetch: () => void query.refetch() };
}

/** Applies (again): the answer is the user's application from now on. */
export function useApplyAsReader(client: AppSupabaseClient, applicantId: string) {
  const queryClient = useQueryClient();
  const queryKey = applicationKeys.own(applicantId);
  return useMutation({
    mutationFn: () => applyAsReader(client),
    onSuccess: (application) => queryClient.setQueryData<OwnApplication | null>(queryKey, application),
    // Refused because it is already pending or approved (another tab applied, an admin decided): show that.
    onError: () => queryClient.invalidateQueries({ queryKey }),
  });
}
