import { QueryClientProvider } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useAvailabilityNotificationsTracking } from '@/app/favourites';
import { useOwnCardSync } from '@/app/own-card';
import { usePresenceTracking } from '@/app/presence';
import { useReadingEventsTracking } from '@/app/readings';
import { AppRouter } from '@/app/router';
import { getLiveReaderStatus, queryClient } from '@/app/server-state';
import { useAuthStore } from '@/features/auth/stores/auth-store';

export function App() {
  useEffect(() => useAuthStore.getState().initialize(), []);
  usePresenceTracking();
  useAvailabilityNotificationsTracking();
  useReadingEventsTracking();
  useOwnCardSync(getLiveReaderStatus());
  return (
    <QueryClientProvider client={queryClient}>
      <AppRouter />
    </QueryClientProvider>
  );
}
