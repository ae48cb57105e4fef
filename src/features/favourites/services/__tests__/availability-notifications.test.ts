// @vitest-environment jsdom
// The service opens the reader's page through window.location and focuses the window.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';
import { notificationKeys } from '@/features/favourites/api/query-keys';
import { AvailabilityNotifications } from '@/features/favourites/services/availability-notifications';
import { NotificationLeader } from '@/features/favourites/services/notification-leader';
import type { SystemNotifications, SystemPermission } from '@/features/favourites/services/system-notifications';
import { createQueryClient } from '@/lib/query-client';
import { fakeLockManager } from '@/testing/fake-browser';
import { fakeRealtime } from '@/testing/fake-realtime';

const USER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const LUNA = '11111111-1111-4111-8111-111111111111';
const POLL_MS = 30_000;

const push = (id: number) => ({ id, reader_id: LUNA, display_name: 'Luna Starweaver', available_at: '2026-11-25T21:04:00Z' });
const note = (id: number): AvailabilityNotification => ({
  id,
  readerId: LUNA,
  displayName: 'Luna Starweaver',
  availableAt: '2026-11-25T21:04:00Z',
  readAt: null,
});

function fakeSystem(permission: SystemPermission = 'granted') {
  const clicks: (() => void)[] = [];
  const system = {
    permission: vi.fn(() => permission),
    request: vi.fn(() => Promise.resolve(permission)),
    show: vi.fn((_title: string, _options: { body: string; tag: string }, onClick: () => void) => void clicks.push(onClick)),
  } satisfies SystemNotifications;
  return { system, clicks };
}

/** One tab: its own service on a shared fake lock manager, with the list the database would answer. */
function tab(locks: ReturnType<typeof fakeLockManager>, id: string, list: { current: AvailabilityNotification[] }, permission?: SystemPermission) {
  const realtime = fakeRealtime();
  const queryClient = createQueryClient();
  const { system, clicks } = fakeSystem(permission);
  const loadNotifications = vi.fn(() => Promise.resolve(list.current));
  const service = new AvailabilityNotifications({
    client: realtime.client,
    queryClient,
    loadNotifications,
    pollIntervalMs: POLL_MS,
    leader: new NotificationLeader('leader', locks.forTab(id)),
    system,
  });
  return { service, realtime, queryClient, system, clicks, loadNotifications };
}

const flush = () => vi.advanceTimersByTimeAsync(0);

describe('AvailabilityNotifications', () => {
  let list: { current: AvailabilityNotification[] };
  let locks: ReturnType<typeof fakeLockManager>;

  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T21:00:00Z'));
    list = { current: [] };
    locks = fakeLockManager();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  test("joins the user's private channel and shows a pushed notification as a toast", async () => {
    const one = tab(locks, 'one', list);
    one.service.start(USER);
    await flush();
    expect(one.realtime.channel.name).toBe(`notifications:${USER}`);
    expect(one.realtime.channel.options).toEqual({ config: { private: true } });
    one.realtime.channel.status('SUBSCRIBED');
    one.realtime.channel.broadcast('available', push(9));
    one.realtime.channel.broadcast('available', push(9));
    one.realtime.channel.broadcast('available', { id: 'forged' });
    expect(one.service.toasts).toEqual([note(9)]);
    one.service.dismiss(9);
    expect(one.service.toasts).toEqual([]);
  });

  test('what happened while no tab was open is listed, not toasted', async () => {
    list.current = [note(1)];
    const one = tab(locks, 'one', list);
    one.service.start(USER);
    await flush();
    expect(one.queryClient.getQueryData(notificationKeys.list(USER))).toEqual([note(1)]);
    expect(one.service.toasts).toEqual([]);
  });

  test('polls every 30 s while the channel is not subscribed, and not while it is', async () => {
    const one = tab(locks, 'one', list);
    one.service.start(USER);
    await flush();
    expect(one.loadNotifications).toHaveBeenCalledTimes(1);
    list.current = [note(2)];
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(one.loadNotifications).toHaveBeenCalledTimes(2);
    expect(one.service.toasts).toEqual([note(2)]);

    one.realtime.channel.status('SUBSCRIBED');
    await flush();
    const reads = one.loadNotifications.mock.calls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(one.loadNotifications).toHaveBeenCalledTimes(reads);

    one.realtime.channel.status('CHANNEL_ERROR');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(one.loadNotifications).toHaveBeenCalledTimes(reads + 1);
  });

  test('every tab shows the toast, and exactly one shows a system notification, tagged by id', async () => {
    const one = tab(locks, 'one', list);
    const two = tab(locks, 'two', list);
    one.service.start(USER);
    two.service.start(USER);
    await flush();
    for (const each of [one, two]) each.realtime.channel.broadcast('available', push(11));
    expect(one.service.toasts).toHaveLength(1);
    expect(two.service.toasts).toHaveLength(1);
    expect(one.system.show).toHaveBeenCalledTimes(1);
    expect(one.system.show).toHaveBeenCalledWith('Luna Starweaver is available now', expect.objectContaining({ tag: 'availability-11' }), expect.any(Function));
    expect(two.system.show).not.toHaveBeenCalled();

    // The leading tab closes: the next one takes over.
    one.service.stop();
    await flush();
    two.realtime.channel.broadcast('available', push(12));
    expect(two.system.show).toHaveBeenCalledTimes(1);
  });

  test('shows no system notification unless the person allowed them', async () => {
    const one = tab(locks, 'one', list, 'default');
    one.service.start(USER);
    await flush();
    one.realtime.channel.broadcast('available', push(13));
    expect(one.service.toasts).toHaveLength(1);
    expect(one.system.show).not.toHaveBeenCalled();
  });

  test("a click on the system notification focuses the window and opens the reader's page", async () => {
    const one = tab(locks, 'one', list);
    const open = vi.fn();
    one.service.setReaderOpener(open);
    const focus = vi.spyOn(window, 'focus').mockImplementation(() => {});
    one.service.start(USER);
    await flush();
    one.realtime.channel.broadcast('available', push(14));
    one.clicks[0]!();
    expect(focus).toHaveBeenCalled();
    expect(open).toHaveBeenCalledWith(LUNA);
  });

  test('stop leaves the channel and polls no more; start twice joins once', async () => {
    const one = tab(locks, 'one', list);
    one.service.start(USER);
    one.service.start(USER);
    await flush();
    expect(one.realtime.channels).toHaveLength(1);
    one.service.stop();
    one.service.stop();
    expect(one.realtime.removeChannel).toHaveBeenCalledTimes(1);
    const reads = one.loadNotifications.mock.calls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS * 2);
    expect(one.loadNotifications).toHaveBeenCalledTimes(reads);
  });
});

describe('NotificationLeader', () => {
  test('one tab leads, the next takes over when it stops; without Web Locks every tab leads', async () => {
    const locks = fakeLockManager();
    const one = new NotificationLeader('leader', locks.forTab('one'));
    const two = new NotificationLeader('leader', locks.forTab('two'));
    one.start();
    two.start();
    await Promise.resolve();
    await Promise.resolve();
    expect([one.isLeader, two.isLeader]).toEqual([true, false]);
    one.stop();
    await vi.waitFor(() => expect(two.isLeader).toBe(true));
    expect(one.isLeader).toBe(false);

    const alone = new NotificationLeader('leader', undefined);
    alone.start();
    expect(alone.isLeader).toBe(true);
  });
});
