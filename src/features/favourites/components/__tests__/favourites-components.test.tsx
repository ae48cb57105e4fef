import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ReactNode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test, vi } from 'vitest';
import { favouriteError } from '@/features/favourites/api/favourite-error';
import type { FavouritesApi } from '@/features/favourites/api/favourites-api';
import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';
import type { Favourite } from '@/features/favourites/api/fetch-favourites';
import { AvailabilityToasts } from '@/features/favourites/components/availability-toasts';
import { FavouriteToggle } from '@/features/favourites/components/favourite-toggle';
import { NotificationsMenu } from '@/features/favourites/components/notifications-menu';
import { NotifyToggle } from '@/features/favourites/components/notify-toggle';
import { FavouritesProvider } from '@/features/favourites/hooks/favourites-context';
import { AvailabilityNotifications } from '@/features/favourites/services/availability-notifications';
import type { SystemNotifications } from '@/features/favourites/services/system-notifications';
import { createQueryClient } from '@/lib/query-client';
import { fakeRealtime } from '@/testing/fake-realtime';
import { WithQueryClient } from '@/testing/query-client';

const CLIENT = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LUNA = '11111111-1111-4111-8111-111111111111';

interface SetUpOptions {
  /** null: nobody signed in. */
  userId?: string | null;
  favourites?: Favourite[];
  notifications?: AvailabilityNotification[];
}

function setUp({ userId = CLIENT, favourites = [], notifications = [] }: SetUpOptions = {}) {
  const state = { favourites, notifications };
  const api = {
    listFavourites: vi.fn(() => Promise.resolve(state.favourites)),
    addFavourite: vi.fn((readerId: string) => {
      state.favourites = [{ readerId, notify: false, createdAt: '2026-11-25T12:00:00Z' }, ...state.favourites];
      return Promise.resolve();
    }),
    removeFavourite: vi.fn((readerId: string) => {
      state.favourites = state.favourites.filter((favourite) => favourite.readerId !== readerId);
      return Promise.resolve();
    }),
    setNotify: vi.fn((readerId: string, notify: boolean) => {
      state.favourites = state.favourites.map((favourite) => (favourite.readerId === readerId ? { ...favourite, notify } : favourite));
      return Promise.resolve();
    }),
    listNotifications: vi.fn(() => Promise.resolve(state.notifications)),
    markRead: vi.fn((ids: readonly number[]) => {
      state.notifications = state.notifications.map((n) => (ids.includes(n.id) ? { ...n, readAt: '2026-11-25T22:00:00Z' } : n));
      return Promise.resolve(ids.length);
    }),
  } satisfies FavouritesApi;
  const queryClient = createQueryClient();
  const system: SystemNotifications = { permission: () => 'default', request: vi.fn(() => Promise.resolve('granted' as const)), show: vi.fn() };
  const realtime = fakeRealtime();
  const notificationsService = new AvailabilityNotifications({
    client: realtime.client,
    queryClient,
    loadNotifications: api.listNotifications,
    pollIntervalMs: 30_000,
    leader: { start() {}, stop() {}, isLeader: true },
    system,
  });
  function Wrapper({ children }: { children: ReactNode }) {
    return (
      <MemoryRouter>
        <WithQueryClient client={queryClient}>
          <FavouritesProvider value={{ api, userId: userId ?? undefined, notifications: notificationsService, system }}>{children}</FavouritesProvider>
        </WithQueryClient>
      </MemoryRouter>
    );
  }
  return { api, state, Wrapper, notificationsService, realtime, system };
}

describe('FavouriteToggle', () => {
  test('adds and removes a favourite, saying which in its name and pressed state', async () => {
    const { api, Wrapper } = setUp();
    render(<FavouriteToggle readerId={LUNA} readerName="Luna Starweaver" />, { wrapper: Wrapper });
    const user = userEvent.setup();
    const add = await screen.findByRole('button', { name: 'Add Luna Starweaver to favourites' });
    expect(add).toHaveAttribute('aria-pressed', 'false');
    await user.click(add);
    const remove = await screen.findByRole('button', { name: 'Remove Luna Starweaver from favourites' });
    expect(remove).toHaveAttribute('aria-pressed', 'true');
    expect(api.addFavourite).toHaveBeenCalledWith(LUNA);
    await user.click(remove);
    expect(await screen.findByRole('button', { name: 'Add Luna Starweaver to favourites' })).toHaveAttribute('aria-pressed', 'false');
    expect(api.removeFavourite).toHaveBeenCalledWith(LUNA);
  });

  test('shows the star at once, and takes it back with the reason when the database refuses', async () => {
    const { api, Wrapper } = setUp();
    let refuse: (error: unknown) => void = () => {};
    api.addFavourite.mockImplementationOnce(() => new Promise((_, reject) => (refuse = reject)));
    render(<FavouriteToggle readerId={LUNA} readerName="Luna Starweaver" />, { wrapper: Wrapper });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Add Luna Starweaver to favourites' }));
    expect(screen.getByRole('button', { name: 'Remove Luna Starweaver from favourites' })).toHaveAttribute('aria-pressed', 'true');
    refuse(
      favouriteError(400, {
        code: '23514',
        message: 'violates check constraint "favourites_per_client_limit"',
        details: 'A client keeps at most 100 favourites: remove one to add another.',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent('A client keeps at most 100 favourites: remove one to add another.');
    expect(screen.getByRole('button', { name: 'Add Luna Starweaver to favourites' })).toHaveAttribute('aria-pressed', 'false');
  });

  test("is not there for a visitor nobody signed in as, nor on the reader's own card", async () => {
    const anon = setUp({ userId: null });
    const { unmount } = render(<FavouriteToggle readerId={LUNA} readerName="Luna Starweaver" />, { wrapper: anon.Wrapper });
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    unmount();
    const self = setUp({ userId: LUNA });
    render(<FavouriteToggle readerId={LUNA} readerName="Luna Starweaver" />, { wrapper: self.Wrapper });
    await Promise.resolve();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(anon.api.listFavourites).not.toHaveBeenCalled();
  });
});

describe('NotifyToggle', () => {
  test('appears for a favourite and turns notifications on', async () => {
    const { api, Wrapper } = setUp({ favourites: [{ readerId: LUNA, notify: false, createdAt: '2026-11-25T12:00:00Z' }] });
    render(<NotifyToggle readerId={LUNA} />, { wrapper: Wrapper });
    const toggle = await screen.findByRole('button', { name: 'Notify me when available' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await userEvent.setup().click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(api.setNotify).toHaveBeenCalledWith(LUNA, true);
  });

  test('is not there for a reader who is not a favourite', async () => {
    const { api, Wrapper } = setUp();
    render(<NotifyToggle readerId={LUNA} />, { wrapper: Wrapper });
    await vi.waitFor(() => expect(api.listFavourites).toHaveBeenCalled());
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
  });
});

describe('NotificationsMenu', () => {
  const missed = (id: number, readAt: string | null = null): AvailabilityNotification => ({
    id,
    readerId: LUNA,
    displayName: 'Luna Starweaver',
    availableAt: new Date().toISOString(),
    readAt,
  });

  test('lists what happened while away, with the unread count, and marks them all read', async () => {
    const { api, Wrapper } = setUp({ notifications: [missed(2), missed(1, '2026-11-25T00:00:00Z')] });
    render(<NotificationsMenu />, { wrapper: Wrapper });
    const user = userEvent.setup();
    const button = await screen.findByRole('button', { name: 'Notifications, 1 unread' });
    await user.click(button);
    expect(button).toHaveAttribute('aria-expanded', 'true');
    const panel = screen.getByRole('region', { name: 'Notifications' });
    const items = within(panel).getAllByRole('link');
    expect(items[0]).toHaveTextContent(/^Luna Starweaver was available at \d\d:\d\d.* \(unread\)$/);
    expect(items[0]).toHaveAttribute('href', `/readers/${LUNA}`);
    await user.click(within(panel).getByRole('button', { name: 'Allow system notifications' }));
    expect(await within(panel).findByText('System notifications are on for this browser.')).toBeInTheDocument();
    await user.click(within(panel).getByRole('button', { name: 'Mark all read' }));
    expect(api.markRead).toHaveBeenCalledWith([2]);
    await vi.waitFor(() => expect(within(panel).getByRole('button', { name: 'Mark all read' })).toHaveAttribute('aria-disabled', 'true'));
    expect(await screen.findByRole('button', { name: 'Notifications' })).toBeInTheDocument();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('region', { name: 'Notifications' })).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Notifications' })).toHaveFocus();
  });
});

describe('AvailabilityToasts', () => {
  test('a pushed notification shows with a link to the reader and a dismiss button', async () => {
    const { Wrapper, notificationsService, realtime } = setUp();
    render(<AvailabilityToasts />, { wrapper: Wrapper });
    notificationsService.start(CLIENT);
    realtime.channel.broadcast('available', { id: 3, reader_id: LUNA, display_name: 'Luna Starweaver', available_at: '2026-11-25T21:04:00Z' });
    const toast = await screen.findByRole('status');
    expect(toast).toHaveTextContent('Luna Starweaver is available now');
    expect(within(toast).getByRole('link', { name: "Open Luna Starweaver's page" })).toHaveAttribute('href', `/readers/${LUNA}`);
    await userEvent.setup().click(within(toast).getByRole('button', { name: 'Dismiss: Luna Starweaver is available now' }));
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
    notificationsService.stop();
  });
});
