import { useCallback, useEffect, useSyncExternalStore } from 'react';
import { env } from '@/config/env';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { StatusChoice } from '@/features/presence/api/report-presence';
import { createReaderPresenceService, type PresenceState, type ReaderPresenceService } from '@/features/presence/services/reader-presence';
import { getSupabase } from '@/lib/supabase';

let service: ReaderPresenceService | undefined;

export function getReaderPresenceService(): ReaderPresenceService {
  service ??= createReaderPresenceService({
    client: getSupabase(),
    supabaseUrl: env.supabaseUrl,
    anonKey: env.supabaseAnonKey,
    intervalMs: env.presenceUpdateIntervalMs,
  });
  return service;
}

/** Whether this browser should report the signed-in user as an online reader. */
function useTracksPresence(): boolean {
  const isReader = useAuthStore((state) => state.status === 'signed-in' && state.profile?.is_reader === true);
  return env.enablePresence && isReader;
}

let pendingStop: ReturnType<typeof setTimeout> | undefined;

/** Starts presence when a reader is signed in and stops it when they are not (the seed's App effect). */
export function usePresenceTracking(): void {
  const tracks = useTracksPresence();
  const userId = useAuthStore((state) => state.user?.id);
  useEffect(() => {
    if (!tracks) return;
    const presence = getReaderPresenceService();
    // A stop followed at once by a start (React StrictMode remounts effects) must not send the
    // reader offline and online again: the stop waits a tick and a start cancels it.
    clearTimeout(pendingStop);
    presence.startTracking();
    return () => {
      pendingStop = setTimeout(() => void presence.stopTracking(), 0);
    };
  }, [tracks, userId]);
}

const NOT_TRACKING: PresenceState = { health: 'idle', own: undefined };

/** The signed-in reader's own presence, for the header; idle for everyone else. */
export function usePresenceState(): PresenceState {
  const tracks = useTracksPresence();
  const subscribe = useCallback((listener: () => void) => (tracks ? getReaderPresenceService().subscribe(listener) : () => {}), [tracks]);
  return useSyncExternalStore(subscribe, () => (tracks ? getReaderPresenceService().state : NOT_TRACKING));
}

/** The reader's choice of status, from the header. */
export function chooseStatus(choice: StatusChoice) {
  return getReaderPresenceService().setStatus(choice);
}

// Going offline must not keep a person from signing out when the API does not answer.
const GO_OFFLINE_TIMEOUT_MS = 3_000;

/** Signs out, marking a reader offline first, while the session still lets them. */
export async function signOut(): Promise<void> {
  const presence = service;
  if (presence?.isTracking) {
    await Promise.race([presence.stopTracking(), new Promise((resolve) => setTimeout(resolve, GO_OFFLINE_TIMEOUT_MS))]);
  }
  try {
    await useAuthStore.getState().signOut();
  } catch (error) {
    // Still signed in: a reader who stays signed in stays online.
    const { status, profile } = useAuthStore.getState();
    if (presence && env.enablePresence && status === 'signed-in' && profile?.is_reader) presence.startTracking();
    throw error;
  }
}
