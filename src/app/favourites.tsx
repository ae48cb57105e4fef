import { useEffect, useMemo, type ReactNode } from 'react';
import { env } from '@/config/env';
import { queryClient } from '@/app/server-state';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { createFavouritesApi } from '@/features/favourites/api/favourites-api';
import { FavouritesProvider } from '@/features/favourites/hooks/favourites-context';
import { AvailabilityNotifications } from '@/features/favourites/services/availability-notifications';
import { NotificationLeader } from '@/features/favourites/services/notification-leader';
import { browserSystemNotifications } from '@/features/favourites/services/system-notifications';
import { getSupabase } from '@/lib/supabase';

const favouritesApi = createFavouritesApi(getSupabase);
const systemNotifications = browserSystemNotifications();
let notifications: AvailabilityNotifications | undefined;

/** The signed-in client's availability notifications; made on first use, like the Supabase client it needs. */
export function getAvailabilityNotifications(): AvailabilityNotifications {
  notifications ??= new AvailabilityNotifications({
    client: getSupabase(),
    queryClient,
    loadNotifications: favouritesApi.listNotifications,
    pollIntervalMs: env.notificationsPollIntervalMs,
    leader: new NotificationLeader(),
    system: systemNotifications,
  });
  return notifications;
}

const useSignedInUserId = () => useAuthStore((state) => (state.status === 'signed-in' ? state.user?.id : undefined));

let pendingStop: ReturnType<typeof setTimeout> | undefined;

/** Follows the signed-in user's notifications in this tab, and stops at sign-out. */
export function useAvailabilityNotificationsTracking(): void {
  const userId = useSignedInUserId();
  useEffect(() => {
    if (!userId) return;
    const service = getAvailabilityNotifications();
    // A stop followed at once by a start (React StrictMode remounts effects) keeps the channel.
    clearTimeout(pendingStop);
    service.start(userId);
    return () => {
      pendingStop = setTimeout(() => service.stop(), 0);
    };
  }, [userId]);
}

/** What the favourites feature's components use, for whoever is signed in. */
export function WithFavourites({ children }: { children: ReactNode }) {
  const userId = useSignedInUserId();
  const value = useMemo(() => ({ api: favouritesApi, userId, notifications: getAvailabilityNotifications(), system: systemNotifications }), [userId]);
  return <FavouritesProvider value={value}>{children}</FavouritesProvider>;
}
