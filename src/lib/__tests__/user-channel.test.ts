import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { UserChannel } from '@/lib/user-channel';
import { fakeRealtime } from '@/testing/fake-realtime';

const USER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const POLL_MS = 5_000;

/** A UserChannel of numbers on `things:<user>`, event `thing`, recording what it hands over. */
function follow() {
  const realtime = fakeRealtime();
  const onPush = vi.fn<(pushed: number) => void>();
  const refresh = vi.fn<() => void>();
  const onLiveChange = vi.fn<(live: boolean) => void>();
  const channel = new UserChannel<number>({
    client: realtime.client,
    topic: (userId) => `things:${userId}`,
    event: 'thing',
    parse: (payload) => (typeof payload === 'number' ? payload : null),
    onPush,
    refresh,
    pollIntervalMs: POLL_MS,
    onLiveChange,
  });
  return { realtime, channel, onPush, refresh, onLiveChange };
}

describe('UserChannel', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  test("joins the user's private topic, reads once at the start, and hands over only the pushes it can parse", () => {
    const { realtime, channel, onPush, refresh } = follow();
    channel.start(USER);
    expect(channel.userId).toBe(USER);
    expect(realtime.channel.name).toBe(`things:${USER}`);
    expect(realtime.channel.options).toEqual({ config: { private: true } });
    expect(refresh).toHaveBeenCalledTimes(1);

    realtime.channel.broadcast('thing', 7);
    realtime.channel.broadcast('thing', 'seven');
    realtime.channel.broadcast('other', 8);
    expect(onPush.mock.calls).toEqual([[7]]);
  });

  test('polls while not subscribed, reads again on each subscribe, and stops polling while subscribed', () => {
    const { realtime, channel, refresh, onLiveChange } = follow();
    channel.start(USER);
    vi.advanceTimersByTime(POLL_MS * 2);
    expect(refresh).toHaveBeenCalledTimes(3);

    realtime.channel.status('SUBSCRIBED');
    expect(channel.isLive).toBe(true);
    expect(refresh).toHaveBeenCalledTimes(4);
    vi.advanceTimersByTime(POLL_MS * 3);
    expect(refresh).toHaveBeenCalledTimes(4);

    realtime.channel.status('CHANNEL_ERROR');
    vi.advanceTimersByTime(POLL_MS);
    expect(refresh).toHaveBeenCalledTimes(5);
    realtime.channel.status('SUBSCRIBED');
    expect(refresh).toHaveBeenCalledTimes(6);
    expect(onLiveChange.mock.calls).toEqual([[true], [false], [true]]);
  });

  test('stop leaves the channel, polls no more, and ignores what the old channel still says; stopping twice is harmless', () => {
    const { realtime, channel, onPush, refresh } = follow();
    channel.start(USER);
    const old = realtime.channel;
    channel.stop();
    channel.stop();
    expect(realtime.removeChannel).toHaveBeenCalledTimes(1);
    expect(channel.userId).toBeUndefined();
    expect(channel.isLive).toBe(false);

    old.broadcast('thing', 1);
    old.status('SUBSCRIBED');
    vi.advanceTimersByTime(POLL_MS * 3);
    expect(onPush).not.toHaveBeenCalled();
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
