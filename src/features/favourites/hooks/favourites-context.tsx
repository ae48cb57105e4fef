import { createContext, useContext, type ReactNode } from 'react';
import type { FavouritesApi } from '@/features/favourites/api/favourites-api';
import type { AvailabilityNotifications } from '@/features/favourites/services/availability-notifications';
import type { SystemNotifications } from '@/features/favourites/services/system-notifications';

export interface FavouritesContextValue {
  api: FavouritesApi;
  /** The signed-in user; undefined when nobody is signed in (no stars, no notifications). */
  userId: string | undefined;
  notifications: AvailabilityNotifications;
  system: SystemNotifications;
}

const FavouritesContext = createContext<FavouritesContextValue | null>(null);

/** What the feature's components need, given once by the app (tests give fakes). */
export function FavouritesProvider({ value, children }: { value: FavouritesContextValue; children: ReactNode }) {
  return <FavouritesContext value={value}>{children}</FavouritesContext>;
}

export function useFavouritesContext(): FavouritesContextValue {
  const value = useContext(FavouritesContext);
  if (!value) throw new Error('Favourites components need a FavouritesProvider above them');
  return value;
}
