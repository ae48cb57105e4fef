import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Reading } from '@/features/readings/api/readings-api';
import { READING_EVENT, ReadingEvents } from '@/features/readings/services/reading-events';
import { fakeRealtime } from '@/testing/fake-realtime';
import {
  CLIENT_ID,
  endedReading,
  fakeReadingsApi,
  liveReading,
  OTHER_READING_ID,
  READER_ID,
  READING_ID,
  reading,
  readingRow,
  STRANGER_ID,
} from '@/testing/reading-fixtures';

const POLL_MS = 5_000;
const RINGING_POLL_MS = 3_000;

const flush = () => vi.advanceTimersByTimeAsync(0);

function setUp() {
  const realtime = fakeRealtime();
  const api = fakeReadingsApi();
  const events = new ReadingEvents({ client: realtime.client, api, pollIntervalMs: POLL_MS, ringingPollIntervalMs: RINGING_POLL_MS });
  const changes = vi.fn();
  events.subscribe(changes);
  return { realtime, api, events, changes };
}

/** A push on the user's channel: the reading_view row the database broadcasts. */
function push(realtime: ReturnType<typeof fakeRealtime>, row: Record<string, unknown>) {
  realtime.channel.broadcast(READING_EVENT, row);
}

describe('ReadingEvents', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T21:00:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  test("joins the user's private readings channel and reads the open reading at once", async () => {
    const { realtime, api, events } = setUp();
    api.current.mockResolvedValue(reading());
    events.start(READER_ID);
    expect(realtime.channels).toHaveLength(1);
    expect(realtime.channel.name).toBe(`readings:${READER_ID}`);
    expect(realtime.channel.options).toEqual({ config: { private: true } });
    expect(realtime.channel.subscribed).toBe(true);
    await flush();
    expect(api.current).toHaveBeenCalledTimes(1);
    expect(events.getSnapshot()).toEqual(reading());
    expect(events.signedInUserId).toBe(READER_ID);
  });

  test('start is safe to call twice for the same user; another user stops the first', () => {
    const { realtime, events } = setUp();
    events.start(READER_ID);
    events.start(READER_ID);
    expect(realtime.channels).toHaveLength(1);
    events.start(CLIENT_ID);
    expect(realtime.channels).toHaveLength(2);
    expect(realtime.channels[0]?.removed).toBe(true);
    expect(realtime.channel.name).toBe(`readings:${CLIENT_ID}`);
  });

  test('a valid push is adopted and told to subscribers; an invalid one, or one of another event, is ignored', async () => {
    const { realtime, events, changes } = setUp();
    events.start(READER_ID);
    await flush();
    realtime.channel.status('SUBSCRIBED');
    await flush();

    push(realtime, { id: 'forged', state: 'live' });
    push(realtime, readingRow({ state: 'paused' }));
    realtime.channel.broadcast('something-else', readingRow());
    expect(events.getSnapshot()).toBeNull();
    expect(changes).not.toHaveBeenCalled();

    push(realtime, readingRow());
    expect(events.getSnapshot()).toMatchObject({ id: READING_ID, state: 'ringing', clientName: 'Ada Moss' });
    expect(changes).toHaveBeenCalledTimes(1);
  });

  test("another user's reading is ignored, pushed or adopted", async () => {
    const { realtime, events } = setUp();
    events.start(STRANGER_ID);
    await flush();
    push(realtime, readingRow());
    events.adopt(reading());
    expect(events.getSnapshot()).toBeNull();
  });

  test('nothing is adopted before start or after stop', async () => {
    const { events } = setUp();
    events.adopt(reading());
    expect(events.getSnapshot()).toBeNull();
    events.start(CLIENT_ID);
    await flush();
    events.stop();
    events.adopt(reading());
    expect(events.getSnapshot()).toBeNull();
  });

  test('polls current() every interval while the channel is not subscribed, and not while it is', async () => {
    const { realtime, api, events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    expect(api.current).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(api.current).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(api.current).toHaveBeenCalledTimes(3);

    realtime.channel.status('SUBSCRIBED');
    await flush();
    // Once subscribed it reads once, for what was pushed while it was not, and then waits for pushes.
    expect(api.current).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(api.current).toHaveBeenCalledTimes(4);

    realtime.channel.status('SUBSCRIBED');
    await flush();
    expect(api.current).toHaveBeenCalledTimes(4);

    realtime.channel.status('CHANNEL_ERROR');
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(api.current).toHaveBeenCalledTimes(5);
  });

  test('a poll finds a request that rang while the channel was down', async () => {
    const { api, events, changes } = setUp();
    events.start(READER_ID);
    await flush();
    expect(events.getSnapshot()).toBeNull();
    api.current.mockResolvedValue(reading());
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(events.getSnapshot()).toEqual(reading());
    expect(changes).toHaveBeenCalledTimes(1);
  });

  test('a failed read is tried again at the next poll', async () => {
    const { api, events } = setUp();
    api.current.mockRejectedValueOnce(new Error('offline'));
    events.start(READER_ID);
    await flush();
    expect(events.getSnapshot()).toBeNull();
    api.current.mockResolvedValue(reading());
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(events.getSnapshot()).toEqual(reading());
  });

  test('a ringing reading is read with heartbeat every ringing interval, pushed or not, until it no longer rings', async () => {
    const { realtime, api, events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    realtime.channel.status('SUBSCRIBED');
    await flush();
    api.heartbeat.mockResolvedValue(reading({ serverTime: '2026-11-25T21:00:03Z' }));
    push(realtime, readingRow());
    expect(api.heartbeat).not.toHaveBeenCalled();

    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
    expect(api.heartbeat).toHaveBeenLastCalledWith(READING_ID);
    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);

    // The reader did not answer in time: reading it expires it.
    const expired = reading({ state: 'expired', expiresAt: null, serverTime: '2026-11-25T21:01:00Z' });
    api.heartbeat.mockResolvedValue(expired);
    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
    expect(events.getSnapshot()).toEqual(expired);
    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS * 5);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
  });

  test('the ringing reads stop when a push says the request was answered', async () => {
    const { realtime, api, events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    realtime.channel.status('SUBSCRIBED');
    await flush();
    api.heartbeat.mockResolvedValue(reading());
    push(realtime, readingRow());
    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);

    push(realtime, readingRow({ state: 'live', expires_at: null, started_at: '2026-11-25T21:00:20Z', server_time: '2026-11-25T21:00:20Z' }));
    expect(events.getSnapshot()?.state).toBe('live');
    await vi.advanceTimersByTimeAsync(RINGING_POLL_MS * 5);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
  });

  test('an older push (earlier server_time) does not replace a newer state of the same reading', async () => {
    const { realtime, events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    const live = liveReading();
    events.adopt(live);
    push(realtime, readingRow({ server_time: '2026-11-25T21:00:05Z' }));
    expect(events.getSnapshot()).toBe(live);

    const ended = endedReading();
    events.adopt(ended);
    push(realtime, readingRow({ state: 'live', expires_at: null, started_at: '2026-11-25T21:00:20Z', server_time: '2026-11-25T21:00:30Z' }));
    expect(events.getSnapshot()).toBe(ended);
  });

  test('a newer state of the same reading replaces the known one', async () => {
    const { events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    events.adopt(reading());
    const live = liveReading();
    events.adopt(live);
    expect(events.getSnapshot()).toBe(live);
  });

  test('a closed reading of another id does not replace an open one; a newer open one replaces a closed one, a late answer about an older one does not', async () => {
    const { events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    const live = liveReading();
    events.adopt(live);
    events.adopt(endedReading({ id: OTHER_READING_ID, serverTime: '2026-11-25T22:00:00Z' }));
    expect(events.getSnapshot()).toBe(live);

    const ended = endedReading();
    events.adopt(ended);
    events.adopt(reading({ id: OTHER_READING_ID, serverTime: '2026-11-25T20:00:00Z' }));
    expect(events.getSnapshot()).toBe(ended);
    const next = reading({ id: OTHER_READING_ID, serverTime: '2026-11-25T21:05:00Z' });
    events.adopt(next);
    expect(events.getSnapshot()).toBe(next);
  });

  test('a closed reading stays until it is dismissed; an open one cannot be dismissed', async () => {
    const { api, events } = setUp();
    events.start(CLIENT_ID);
    await flush();
    events.adopt(reading());
    events.dismiss(READING_ID);
    expect(events.getSnapshot()?.state).toBe('ringing');

    const declined = reading({ state: 'declined', expiresAt: null, serverTime: '2026-11-25T21:00:10Z' });
    events.adopt(declined);
    // Polls find no open reading: the outcome stays for the person to read.
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(api.current).toHaveBeenCalledTimes(4);
    expect(events.getSnapshot()).toBe(declined);

    events.dismiss(OTHER_READING_ID);
    expect(events.getSnapshot()).toBe(declined);
    events.dismiss(READING_ID);
    expect(events.getSnapshot()).toBeNull();
  });

  test('when current() finds no open reading while a followed one was open, it reads how that one ended', async () => {
    const { api, events } = setUp();
    const live = liveReading();
    api.current.mockResolvedValue(live);
    events.start(CLIENT_ID);
    await flush();
    expect(events.getSnapshot()).toBe(live);
    expect(api.heartbeat).not.toHaveBeenCalled();

    const ended = endedReading({ endedBy: READER_ID });
    api.current.mockResolvedValue(null);
    api.heartbeat.mockResolvedValue(ended);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
    expect(api.heartbeat).toHaveBeenCalledWith(READING_ID);
    expect(events.getSnapshot()).toEqual(ended);

    // Closed: later polls do not read it again.
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
  });

  test('stop removes the channel, forgets the reading and stops every poll; it is safe to call twice', async () => {
    const { realtime, api, events, changes } = setUp();
    api.current.mockResolvedValue(reading());
    api.heartbeat.mockResolvedValue(reading());
    events.start(READER_ID);
    await flush();
    expect(events.getSnapshot()).not.toBeNull();
    const channel = realtime.channel;

    events.stop();
    events.stop();
    expect(realtime.removeChannel).toHaveBeenCalledTimes(1);
    expect(channel.removed).toBe(true);
    expect(events.getSnapshot()).toBeNull();
    expect(events.signedInUserId).toBeUndefined();
    expect(changes).toHaveBeenCalledTimes(2);

    const reads = api.current.mock.calls.length + api.heartbeat.mock.calls.length;
    await vi.advanceTimersByTimeAsync(POLL_MS * 4);
    expect(api.current.mock.calls.length + api.heartbeat.mock.calls.length).toBe(reads);
    channel.broadcast(READING_EVENT, readingRow());
    expect(events.getSnapshot()).toBeNull();
  });

  test('a read that answers after stop is not adopted', async () => {
    const { api, events } = setUp();
    let answer: (value: Reading | null) => void = () => {};
    api.current.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    events.start(READER_ID);
    events.stop();
    answer(reading());
    await flush();
    expect(events.getSnapshot()).toBeNull();
  });

  test('an unsubscribed listener is told nothing more', async () => {
    const { events } = setUp();
    const listener = vi.fn();
    const unsubscribe = events.subscribe(listener);
    events.start(CLIENT_ID);
    await flush();
    unsubscribe();
    events.adopt(reading());
    expect(listener).not.toHaveBeenCalled();
  });
});
