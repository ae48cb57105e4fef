import { QueryClientProvider } from '@tanstack/react-query';
import { act, render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, useLocation } from 'react-router-dom';
import { vi } from 'vitest';
import type { Reading } from '@/features/readings/api/readings-api';
import { ReadingsProvider, type ReadingsContextValue } from '@/features/readings/hooks/readings-context';
import type { SignallingChannel } from '@/features/readings/services/reading-call';
import { READING_EVENT, ReadingEvents } from '@/features/readings/services/reading-events';
import { createQueryClient } from '@/lib/query-client';
import { fakeRealtime } from '@/testing/fake-realtime';
import { fakeReadingsApi } from '@/testing/reading-fixtures';

function CurrentPath() {
  const { pathname } = useLocation();
  return <div data-testid="current-path">{pathname}</div>;
}

/**
 * The readings feature as the app gives it, for component tests: a fake API, a real ReadingEvents on
 * a fake Realtime client (started for `userId`), a fresh query cache, and a memory router at `path`
 * whose current path shows in `current-path`. Give `api` to answer calls made on the first render.
 */
export function renderWithReadings(
  ui: ReactNode,
  { userId, path = '/readers', api = fakeReadingsApi() }: { userId: string | undefined; path?: string; api?: ReturnType<typeof fakeReadingsApi> },
) {
  const realtime = fakeRealtime();
  // Long polls: tests move the reading with pushes and adopt(), and count reads themselves.
  const events = new ReadingEvents({ client: realtime.client, api, pollIntervalMs: 3_600_000, ringingPollIntervalMs: 3_600_000 });
  if (userId) events.start(userId);
  const openSignalling = vi.fn((_readingId: string): SignallingChannel => {
    throw new Error('no call is made in these tests');
  });
  const value: ReadingsContextValue = { api, userId, events, openSignalling };
  const queryClient = createQueryClient();
  const element = (
    <>
      {ui}
      <CurrentPath />
    </>
  );
  const router = createMemoryRouter([{ path: '*', element }], { initialEntries: [path] });
  render(
    <QueryClientProvider client={queryClient}>
      <ReadingsProvider value={value}>
        <RouterProvider router={router} />
      </ReadingsProvider>
    </QueryClientProvider>,
  );
  return {
    api,
    events,
    realtime,
    router,
    queryClient,
    openSignalling,
    /** Takes a reading as the app would from a call's answer. */
    follow: (reading: Reading) => act(() => Promise.resolve(events.adopt(reading))),
    /** Pushes a reading_view row on the user's channel. */
    push: (row: Record<string, unknown>) => act(() => Promise.resolve(realtime.channel.broadcast(READING_EVENT, row))),
  };
}
