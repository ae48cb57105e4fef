import { Navigate, useLocation, useParams } from 'react-router-dom';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { ReadingRoomPage } from '@/features/readings/components/reading-room-page';

export function ReadingRoomRoute() {
  const { readingId = '' } = useParams();
  const status = useAuthStore((state) => state.status);
  const location = useLocation();
  if (status === 'signed-out') return <Navigate to={`/sign-in?next=${encodeURIComponent(location.pathname)}`} replace />;
  if (status === 'loading') {
    return (
      <p role="status" className="text-mist-300">
        Loading…
      </p>
    );
  }
  // The key gives each reading a room of its own: nothing of the last call carries over.
  return <ReadingRoomPage key={readingId} readingId={readingId} />;
}
