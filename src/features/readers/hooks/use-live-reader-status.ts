import { useEffect, useSyncExternalStore } from 'react';
import type { LiveReaderStatus } from '@/features/readers/services/live-reader-status';

export interface ReaderUpdates {
  live: LiveReaderStatus;
  /** How often the page reads its cards again while changes do not arrive live. */
  refreshIntervalMs: number;
  /** The same while they do: only a safety net. */
  liveRefreshIntervalMs: number;
}

/** Keeps the live channel open while the page is shown; says whether it is live and how often to poll. */
export function useLiveReaderStatus({ live, refreshIntervalMs, liveRefreshIntervalMs }: ReaderUpdates) {
  useEffect(() => live.connect(), [live]);
  const isLive = useSyncExternalStore(live.subscribe, () => live.isLive);
  return { isLive, refetchInterval: isLive ? liveRefreshIntervalMs : refreshIntervalMs };
}
