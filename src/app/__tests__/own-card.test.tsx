import { act, render, screen, within } from '@testing-library/react';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { PresenceState } from '@/features/presence/services/reader-presence';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { ReadersPage } from '@/features/readers/components/readers-page';
import type { LoadReaders, ReadersSnapshot } from '@/features/readers/hooks/use-reader-directory';
import type { LiveReaderStatus } from '@/features/readers/services/live-reader-status';
import { serverTimeFrom } from '@/lib/server-time';
import { ownPresence } from '@/testing/presence-fixtures';
import { testServerState, WithQueryClient } from '@/testing/query-client';

const presence = vi.hoisted(() => {
  const listeners = new Set<() => void>();
  const idle: PresenceState = { health: 'idle', own: undefined };
  return {
    startTracking: vi.fn(),
    stopTracking: vi.fn(async () => {}),
    state: idle,
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    change(state: PresenceState) {
      presence.state = state;
      for (const listener of listeners) listener();
    },
  };
});

vi.mock('@/features/presence/services/reader-presence', () => ({ createReaderPresenceService: () => presence }));

const { ownCardChange, useOwnCardSync } = await import('@/app/own-card');

const LUNA = '11111111-1111-4111-8111-111111111111';
const SERVER_TIME = '2026-11-25T12:00:00Z';
const luna: Reader = {
  id: LUNA,
  display_name: 'Luna Starweaver',
  avatar_url: null,
  specialties: [],
  average_rating: 4.9,
  review_count: 3,
  status: 'available',
  status_message: null,
  last_seen_at: '2026-11-25T11:59:00Z',
  server_time: SERVER_TIME,
  next_window_starts_at: null,
  next_window_ends_at: null,
  readerLevel: null,
};
const snapshot = (readers: Reader[]): ReadersSnapshot => ({ readers, serverTime: serverTimeFrom(SERVER_TIME) });
const loadSummary = () => Promise.resolve({ readers: 1, available: 1, busy: 0, away: 0 });

const initialAuth = useAuthStore.getState();

function OwnCardSync({ live }: { live: LiveReaderStatus }) {
  useOwnCardSync(live);
  return null;
}

/** The readers page as a signed-in reader sees it, with the app's own-card sync running. */
function renderAsReader(load: LoadReaders) {
  const server = testServerState();
  const router = createMemoryRouter([{ path: '/readers', element: <ReadersPage loadReaders={load} loadSummary={loadSummary} updates={server.updates} /> }], {
    initialEntries: ['/readers'],
  });
  render(
    <WithQueryClient client={server.queryClient}>
      <OwnCardSync live={server.live} />
      <RouterProvider router={router} />
    </WithQueryClient>,
  );
  return server;
}

const settle = () => act(() => vi.advanceTimersByTimeAsync(0));
const ownCard = () => screen.getByRole('article', { name: 'Luna Starweaver' });

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
  const profile = { id: LUNA, display_name: 'Luna Starweaver', avatar_url: null, bio: '', specialties: [], is_reader: true };
  useAuthStore.setState({ status: 'signed-in', user: { id: LUNA, email: 'luna@demo.test' }, profile });
});

afterEach(() => {
  useAuthStore.setState(initialAuth, true);
  presence.state = { health: 'idle', own: undefined };
  vi.useRealTimers();
});

describe('ownCardChange', () => {
  test('the card gets the status others see, with the message', () => {
    expect(ownCardChange(LUNA, ownPresence({ status: 'busy', chosenStatus: 'busy', statusMessage: 'With a client' }))).toEqual({
      readerId: LUNA,
      status: 'busy',
      message: 'With a client',
    });
  });

  test('hidden, the card says offline and keeps the message to the reader', () => {
    const hidden = ownPresence({ status: 'offline', chosenStatus: 'offline', statusMessage: 'Do not disturb', hidden: true });
    expect(ownCardChange(LUNA, hidden)).toEqual({ readerId: LUNA, status: 'offline', message: null });
  });
});

describe('useOwnCardSync', () => {
  test("a reader's own change shows on their card at once, without a request", async () => {
    const load = vi.fn<LoadReaders>(() => Promise.resolve(snapshot([luna])));
    renderAsReader(load);
    await settle();
    expect(within(ownCard()).getByText('Available')).toBeInTheDocument();

    act(() => presence.change({ health: 'ok', own: ownPresence({ status: 'busy', chosenStatus: 'busy', statusMessage: 'With a client' }) }));
    await settle();
    expect(within(ownCard()).getByText('In a reading')).toBeInTheDocument();
    expect(within(ownCard()).getByText('“With a client”')).toBeInTheDocument();

    act(() =>
      presence.change({ health: 'ok', own: ownPresence({ status: 'offline', chosenStatus: 'offline', statusMessage: 'Do not disturb', hidden: true }) }),
    );
    await settle();
    expect(within(ownCard()).getByText('Offline')).toBeInTheDocument();
    expect(within(ownCard()).queryByText('“Do not disturb”')).not.toBeInTheDocument();
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('a refresh read before the change does not undo it on the card', async () => {
    let answerRefresh: (value: ReadersSnapshot) => void = () => {};
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot([luna]))
      .mockImplementation(() => new Promise((resolve) => (answerRefresh = resolve)));
    renderAsReader(load);
    await settle();
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(load).toHaveBeenCalledTimes(2);

    act(() => presence.change({ health: 'ok', own: ownPresence({ status: 'away', chosenStatus: 'away' }) }));
    await act(() => {
      answerRefresh(snapshot([luna]));
      return Promise.resolve();
    });
    await settle();

    expect(within(ownCard()).getByText('Away')).toBeInTheDocument();
  });

  test('before the first presence answer, no card is touched', async () => {
    const load = vi.fn<LoadReaders>(() => Promise.resolve(snapshot([luna])));
    const { live } = renderAsReader(load);
    const apply = vi.spyOn(live, 'apply');
    await settle();

    act(() => presence.change({ health: 'ok', own: undefined }));
    await settle();
    expect(apply).not.toHaveBeenCalled();
  });
});
