import { useSyncExternalStore } from 'react';
import type { Reading } from '@/features/readings/api/readings-api';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';

/** The reading this tab follows (open, or just closed and not yet dismissed). */
export function useFollowedReading(): Reading | null {
  const { events } = useReadingsContext();
  return useSyncExternalStore(events.subscribe, events.getSnapshot);
}
