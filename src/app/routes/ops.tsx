import { lazy, Suspense } from 'react';
import { Link, Navigate, useLocation } from 'react-router-dom';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { OpsAdminsOnlyNotice } from '@/features/ops/components/ops-frame';

// The dashboard and its chart library load only when an admin opens /ops: not in the main bundle.
const OpsDashboard = lazy(() => import('@/app/routes/ops-dashboard').then((module) => ({ default: module.OpsDashboard })));

function Loading() {
  return (
    <p role="status" className="text-mist-300">
      Loading…
    </p>
  );
}

export function OpsRoute() {
  const { status, user, isAdmin } = useAuthStore();
  const location = useLocation();

  if (status === 'signed-out') return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (status === 'loading' || !user) return <Loading />;
  if (!isAdmin) {
    return (
      <OpsAdminsOnlyNotice>
        <Link to="/readers" className="shrink-0 rounded text-gold-400 underline underline-offset-4 hover:text-gold-300">
          Back to the readers
        </Link>
      </OpsAdminsOnlyNotice>
    );
  }
  return (
    <Suspense fallback={<Loading />}>
      <OpsDashboard adminId={user.id} />
    </Suspense>
  );
}
