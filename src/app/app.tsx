import { useEffect } from 'react';
import { usePresenceTracking } from '@/app/presence';
import { AppRouter } from '@/app/router';
import { useAuthStore } from '@/features/auth/stores/auth-store';

export function App() {
  useEffect(() => useAuthStore.getState().initialize(), []);
  usePresenceTracking();
  return <AppRouter />;
}
