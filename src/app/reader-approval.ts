import { useEffect } from 'react';
import { env } from '@/config/env';
import { queryClient } from '@/app/server-state';
import { useOwnApplication } from '@/features/applications/hooks/use-own-application';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { readerKeys } from '@/features/readers/api/query-keys';
import { getSupabase } from '@/lib/supabase';

/**
 * An applicant's app learns of their approval by itself, whatever page they are on: it reads a
 * pending application as often as the readers list refreshes (the list they are waiting to be in)
 * and whenever they come back to the tab. Approved, their profile is read again, and with
 * is_reader their presence starts (src/app/presence.ts): no signing in again.
 */
export function useReaderApprovalFollow(): void {
  const userId = useAuthStore((state) => (state.status === 'signed-in' ? state.user?.id : undefined));
  const notYetReader = useAuthStore((state) => state.profile !== null && !state.profile.is_reader);
  const { application } = useOwnApplication(getSupabase(), userId ?? '', {
    enabled: userId !== undefined && notYetReader,
    pollWhilePendingMs: env.readersRefreshIntervalMs,
  });
  const approved = notYetReader && application?.status === 'approved';
  useEffect(() => {
    if (!approved) return;
    void useAuthStore.getState().reloadProfile();
    // Their own card joins the list they may be looking at.
    void queryClient.invalidateQueries({ queryKey: readerKeys.all });
  }, [approved]);
}
