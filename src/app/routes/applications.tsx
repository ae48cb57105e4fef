import { Link, Navigate, useLocation } from 'react-router-dom';
import { queryClient } from '@/app/server-state';
import { AdminsOnlyNotice, ApplicationsReviewPage } from '@/features/applications/components/applications-review-page';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { readerKeys } from '@/features/readers/api/query-keys';
import { getSupabase } from '@/lib/supabase';

export function ApplicationsRoute() {
  const { status, user, isAdmin } = useAuthStore();
  const location = useLocation();

  if (status === 'signed-out') return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (status === 'loading' || !user) {
    return (
      <p role="status" className="text-mist-300">
        Loading…
      </p>
    );
  }
  if (!isAdmin) {
    return (
      <AdminsOnlyNotice>
        <Link to="/readers" className="shrink-0 rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          Back to the readers
        </Link>
      </AdminsOnlyNotice>
    );
  }
  return (
    <ApplicationsReviewPage
      client={getSupabase()}
      adminId={user.id}
      // An approval lists a new card: the admin's own readers pages show it on their next visit.
      onDecided={({ approve }) => approve && void queryClient.invalidateQueries({ queryKey: readerKeys.all })}
    />
  );
}
