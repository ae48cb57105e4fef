import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { readerKeys } from '@/features/readers/api/query-keys';
import type { ReaderDirectory } from '@/features/readers/hooks/use-reader-directory';
import type { ReaderSnapshot } from '@/features/readers/hooks/use-reader';
import { applyToDirectory } from '@/features/readers/utils/apply-status-change';
import { serverTimeFrom } from '@/lib/server-time';
import { testServerState } from '@/testing/query-client';

const LUNA = '11111111-1111-4111-8111-111111111111';
const MIRA = '22222222-2222-4222-8222-222222222222';

function card(id: string, name: string): Reader {
  return {
    id,
    display_name: name,
    avatar_url: null,
    specialties: [],
    average_rating: 4,
    review_count: 1,
    status: 'available',
    status_message: null,
    last_seen_at: '2026-11-25T11:59:00Z',
    server_time: '2026-11-25T12:00:00Z',
    next_window_starts_at: null,
    next_window_ends_at: null,
    readerLevel: null,
  };
}

function directoryOf(readers: Reader[]): ReaderDirectory {
  return { readers, serverTime: serverTimeFrom('2026-11-25T12:00:00Z'), filters: { availableOnly: false, specialty: '' }, rowsRead: 24, hasMore: false };
}

let server: ReturnType<typeof testServerState>;

beforeEach(() => {
  vi.useFakeTimers();
  server = testServerState();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('LiveReaderStatus', () => {
  test('pages share one channel, removed a moment after the last one leaves', () => {
    const { live, realtime } = server;
    const releaseList = live.connect();
    const releaseReader = live.connect();
    expect(realtime.channels).toHaveLength(1);

    releaseList();
    vi.advanceTimersByTime(0);
    expect(realtime.removeChannel).not.toHaveBeenCalled();

    releaseReader();
    releaseReader();
    expect(realtime.removeChannel).not.toHaveBeenCalled();
    vi.advanceTimersByTime(0);
    expect(realtime.removeChannel).toHaveBeenCalledTimes(1);
    expect(realtime.channel.removed).toBe(true);
  });

  test('a page replacing another at once keeps the channel instead of leaving and joining again', () => {
    const { live, realtime } = server;
    live.connect()();
    live.connect();
    vi.advanceTimersByTime(0);

    expect(realtime.channels).toHaveLength(1);
    expect(realtime.removeChannel).not.toHaveBeenCalled();
  });

  test('follows the channel: live while subscribed, not after an error, a timeout or a close; listeners hear each change', () => {
    const { live, realtime } = server;
    const listener = vi.fn();
    live.subscribe(listener);
    live.connect();
    expect(live.isLive).toBe(false);

    realtime.channel.status('SUBSCRIBED');
    expect(live.isLive).toBe(true);
    realtime.channel.status('SUBSCRIBED');
    expect(listener).toHaveBeenCalledTimes(1);

    for (const status of ['CHANNEL_ERROR', 'TIMED_OUT', 'CLOSED'] as const) {
      realtime.channel.status(status);
      expect(live.isLive).toBe(false);
      realtime.channel.status('SUBSCRIBED');
      expect(live.isLive).toBe(true);
    }
    expect(listener).toHaveBeenCalledTimes(7);
  });

  test('each subscription, the first and every one after a drop, rereads the reader queries', () => {
    const { live, realtime, queryClient } = server;
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');
    live.connect();

    realtime.channel.status('SUBSCRIBED');
    realtime.channel.status('CHANNEL_ERROR');
    realtime.channel.status('TIMED_OUT');
    expect(invalidate).toHaveBeenCalledTimes(1);
    realtime.channel.status('SUBSCRIBED');

    expect(invalidate).toHaveBeenCalledTimes(2);
    expect(invalidate).toHaveBeenLastCalledWith({ queryKey: readerKeys.all });
  });

  test('what a removed channel says later changes nothing', () => {
    const { live, realtime } = server;
    live.connect()();
    vi.advanceTimersByTime(0);
    const removed = realtime.channel;

    live.connect();
    removed.status('SUBSCRIBED');
    removed.broadcast('status', { reader_id: LUNA, status: 'busy', message: null, last_seen_at: null });

    expect(live.isLive).toBe(false);
    expect(realtime.channels).toHaveLength(2);
  });

  test("a change reaches the reader's card in every cached list and on their page, and only theirs", () => {
    const { live, queryClient } = server;
    const luna = card(LUNA, 'Luna');
    const mira = card(MIRA, 'Mira');
    const all = { availableOnly: false, specialty: '' };
    queryClient.setQueryData(readerKeys.directory(all, 1), directoryOf([luna, mira]));
    queryClient.setQueryData(readerKeys.directory({ ...all, specialty: 'love' }, 2), directoryOf([luna]));
    queryClient.setQueryData<ReaderSnapshot>(readerKeys.detail(LUNA), { reader: { ...luna, bio: 'Hello' }, serverTime: undefined });
    queryClient.setQueryData<ReaderSnapshot>(readerKeys.detail(MIRA), { reader: { ...mira, bio: '' }, serverTime: undefined });
    const miraPage = queryClient.getQueryState(readerKeys.detail(MIRA));

    live.apply({ readerId: LUNA, status: 'offline', message: null, lastSeenAt: '2026-11-25T12:01:00Z' });

    const lunaNow = { ...luna, status: 'offline', last_seen_at: '2026-11-25T12:01:00Z' };
    expect(queryClient.getQueryData<ReaderDirectory>(readerKeys.directory(all, 1))?.readers).toEqual([lunaNow, mira]);
    expect(queryClient.getQueryData<ReaderDirectory>(readerKeys.directory({ ...all, specialty: 'love' }, 2))?.readers).toEqual([lunaNow]);
    expect(queryClient.getQueryData<ReaderSnapshot>(readerKeys.detail(LUNA))?.reader).toEqual({ ...lunaNow, bio: 'Hello' });
    // Untouched, not even rewritten.
    expect(queryClient.getQueryState(readerKeys.detail(MIRA))).toBe(miraPage);
  });

  test("a change leaves the directory's counts alone: not rewritten, not marked for a reread", () => {
    const { live, queryClient } = server;
    queryClient.setQueryData(readerKeys.summary(), { readers: 1, available: 1, busy: 0, away: 0 });
    const counts = queryClient.getQueryState(readerKeys.summary());
    const invalidate = vi.spyOn(queryClient, 'invalidateQueries');

    live.apply({ readerId: LUNA, status: 'offline', message: null, lastSeenAt: '2026-11-25T12:01:00Z' });

    expect(queryClient.getQueryState(readerKeys.summary())).toBe(counts);
    expect(invalidate).not.toHaveBeenCalled();
  });

  test("a change without a last-seen time keeps the card's", () => {
    const { live, queryClient } = server;
    queryClient.setQueryData<ReaderSnapshot>(readerKeys.detail(LUNA), { reader: { ...card(LUNA, 'Luna'), bio: '' }, serverTime: undefined });

    live.apply({ readerId: LUNA, status: 'busy', message: 'With a client' });

    expect(queryClient.getQueryData<ReaderSnapshot>(readerKeys.detail(LUNA))?.reader).toMatchObject({
      status: 'busy',
      status_message: 'With a client',
      last_seen_at: '2026-11-25T11:59:00Z',
    });
  });

  test('a read gets the changes that came while it was out written into its answer; later reads do not', async () => {
    const { live } = server;
    let answer: (directory: ReaderDirectory) => void = () => {};
    const reading = live.read(() => new Promise<ReaderDirectory>((resolve) => (answer = resolve)), applyToDirectory);

    live.apply({ readerId: LUNA, status: 'away', message: null });
    answer(directoryOf([card(LUNA, 'Luna')]));
    expect((await reading).readers[0]?.status).toBe('away');

    const later = await live.read(() => Promise.resolve(directoryOf([card(LUNA, 'Luna')])), applyToDirectory);
    expect(later.readers[0]?.status).toBe('available');
  });
});
