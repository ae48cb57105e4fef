import { useEffect, useMemo, type ReactNode } from 'react';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import { createReadingsApi } from '@/features/readings/api/readings-api';
import { ReadingsProvider } from '@/features/readings/hooks/readings-context';
import { ReadingEvents } from '@/features/readings/services/reading-events';
import { createReadingSignalling } from '@/features/readings/services/reading-signalling';
import { getSupabase } from '@/lib/supabase';

const readingsApi = createReadingsApi(getSupabase);
// A ringing request is read this often, pushed or not: reading it is what expires it on time.
const RINGING_POLL_MS = 3_000;
// Without the live channel a request would otherwise ring unseen for a whole notifications poll.
const READINGS_POLL_MS = 5_000;
let events: ReadingEvents | undefined;

/** The signed-in user's readings as they change; made on first use, like the Supabase client it needs. */
function getReadingEvents(): ReadingEvents {
  events ??= new ReadingEvents({ client: getSupabase(), api: readingsApi, pollIntervalMs: READINGS_POLL_MS, ringingPollIntervalMs: RINGING_POLL_MS });
  return events;
}

const openSignalling = (readingId: string) => createReadingSignalling(getSupabase(), readingId);
const useSignedInUserId = () => useAuthStore((state) => (state.status === 'signed-in' ? state.user?.id : undefined));

let pendingStop: ReturnType<typeof setTimeout> | undefined;

/** Follows the signed-in user's readings in this tab (the ring, a request's outcome), and stops at sign-out. */
export function useReadingEventsTracking(): void {
  const userId = useSignedInUserId();
  useEffect(() => {
    if (!userId) return;
    const service = getReadingEvents();
    // A stop followed at once by a start (React StrictMode remounts effects) keeps the channel.
    clearTimeout(pendingStop);
    service.start(userId);
    return () => {
      pendingStop = setTimeout(() => service.stop(), 0);
    };
  }, [userId]);
}

/** What the readings feature's components use, for whoever is signed in. */
export function WithReadings({ children }: { children: ReactNode }) {
  const userId = useSignedInUserId();
  const value = useMemo(() => ({ api: readingsApi, userId, events: getReadingEvents(), openSignalling }), [userId]);
  return <ReadingsProvider value={value}>{children}</ReadingsProvider>;
}
