import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { addFavourite } from '@/features/favourites/api/add-favourite';
import { fetchAvailabilityNotifications, type AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';
import { fetchFavourites, type Favourite } from '@/features/favourites/api/fetch-favourites';
import { markAvailabilityNotificationsRead } from '@/features/favourites/api/mark-availability-notifications-read';
import { removeFavourite } from '@/features/favourites/api/remove-favourite';
import { setFavouriteNotify } from '@/features/favourites/api/set-favourite-notify';

/** The feature's calls, bound to a client, so components and tests take them as one value. */
export interface FavouritesApi {
  listFavourites: () => Promise<Favourite[]>;
  addFavourite: (readerId: string) => Promise<void>;
  removeFavourite: (readerId: string) => Promise<void>;
  setNotify: (readerId: string, notify: boolean) => Promise<void>;
  listNotifications: () => Promise<AvailabilityNotification[]>;
  markRead: (notificationIds: readonly number[]) => Promise<number>;
}

export function createFavouritesApi(getClient: () => AppSupabaseClient): FavouritesApi {
  return {
    listFavourites: () => fetchFavourites(getClient()),
    addFavourite: (readerId) => addFavourite(getClient(), readerId),
    removeFavourite: (readerId) => removeFavourite(getClient(), readerId),
    setNotify: (readerId, notify) => setFavouriteNotify(getClient(), readerId, notify),
    listNotifications: () => fetchAvailabilityNotifications(getClient()),
    markRead: (notificationIds) => markAvailabilityNotificationsRead(getClient(), notificationIds),
  };
}
