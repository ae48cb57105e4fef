import { useMemo } from 'react';
import { useServerNow } from '@/hooks/use-server-now';
import { serverTimeFrom } from '@/lib/server-time';
import type { Reading } from '@/features/readings/api/readings-api';

/** The server's now as this answer about the reading told it, ticking every second (a ring's countdown, a call's timer). */
export function useReadingServerNow(reading: Reading): number {
  const time = useMemo(() => serverTimeFrom(reading.serverTime), [reading.serverTime]);
  return useServerNow(time, 1_000)!.getTime();
}
