import { env } from '@/config/env';
import { LiveReaderStatus } from '@/features/readers/services/live-reader-status';
import type { ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { createQueryClient } from '@/lib/query-client';
import { getSupabase } from '@/lib/supabase';

/** The app's one server-state cache (provided at the root). */
export const queryClient = createQueryClient();

let liveReaderStatus: LiveReaderStatus | undefined;

/** Status changes into the cached cards of that cache; made on first use, like the Supabase client it needs. */
export function getLiveReaderStatus(): LiveReaderStatus {
  liveReaderStatus ??= new LiveReaderStatus({ client: getSupabase(), queryClient });
  return liveReaderStatus;
}

/** How the readers pages stay current: pushes, and a poll that slows down while they arrive. */
export function readerUpdates(): ReaderUpdates {
  return {
    live: getLiveReaderStatus(),
    refreshIntervalMs: env.readersRefreshIntervalMs,
    liveRefreshIntervalMs: env.readersLiveRefreshIntervalMs,
  };
}
