import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { LiveReaderStatus } from '@/features/readers/services/live-reader-status';
import type { ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { createQueryClient } from '@/lib/query-client';
import { fakeRealtime } from '@/testing/fake-realtime';

/** A fresh cache with the app's defaults, live updates on a fake channel, and what the pages take. */
export function testServerState({ refreshIntervalMs = 120_000, liveRefreshIntervalMs = 600_000 } = {}) {
  const queryClient = createQueryClient();
  const realtime = fakeRealtime();
  const live = new LiveReaderStatus({ client: realtime.client, queryClient });
  const updates: ReaderUpdates = { live, refreshIntervalMs, liveRefreshIntervalMs };
  return { queryClient, realtime, live, updates };
}

export function WithQueryClient({ client, children }: { client: QueryClient; children: ReactNode }) {
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
