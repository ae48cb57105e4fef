import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { decideApplication, type Decision } from '@/features/applications/api/decide-application';
import { fetchPendingApplications, type PendingApplication } from '@/features/applications/api/fetch-pending-applications';
import { applicationKeys } from '@/features/applications/api/query-keys';

/** The admin's queue of pending applications, oldest first. */
export function usePendingApplications(client: AppSupabaseClient, adminId: string) {
  const query = useQuery({ queryKey: applicationKeys.pending(adminId), queryFn: () => fetchPendingApplications(client) });
  return { applications: query.data, error: query.error, isFetching: query.isFetching, refetch: () => void query.refetch() };
}

/**
 * Decides one application. A decided one leaves the queue at once, and the queue is read again
 * for what other admins decided meanwhile. A refused one stays, with its card saying why, until
 * the queue is next read (another visit, or back to the tab).
 */
export function useDecideApplication(client: AppSupabaseClient, adminId: string) {
  const queryClient = useQueryClient();
  const queryKey = applicationKeys.pending(adminId);
  return useMutation({
    mutationFn: (decision: Decision) => decideApplication(client, decision),
    onSuccess: (_answer, { applicantId }) => {
      queryClient.setQueryData<PendingApplication[]>(queryKey, (queue) => queue?.filter((application) => application.applicant_id !== applicantId));
      // Not awaited: the decision is done; the reread (which cancels one already out) only adds others'.
      void queryClient.invalidateQueries({ queryKey });
    },
  });
}
