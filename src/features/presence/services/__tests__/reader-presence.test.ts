import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { PresenceRequestError, type PresenceApi, type PresenceReport } from '@/features/presence/api/report-presence';
import { ONLINE_THRESHOLD_MINUTES, PRESENCE_UPDATE_INTERVAL, ReaderPresenceService } from '@/features/presence/services/reader-presence';
import type { TabLeadership } from '@/features/presence/services/tab-leadership';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { ServerClock } from '@/lib/server-clock';

const NOW = new Date('2026-11-25T12:00:00Z');

function report(serverTime = new Date()): PresenceReport {
  return { isOnline: true, lastSeenAt: serverTime.toISOString(), serverTime: serverTime.toISOString() };
}

function fakeApi() {
  return {
    heartbeat: vi.fn<PresenceApi['heartbeat']>(async () => report()),
    goOffline: vi.fn<PresenceApi['goOffline']>(async () => ({ ...report(), isOnline: false })),
    goOfflineOnUnload: vi.fn<PresenceApi['goOfflineOnUnload']>(),
  };
}

/** Leadership the test hands out by hand. */
function fakeLeadership(leadsAtOnce = true) {
  let onLead: (() => void) | undefined;
  const leadership = {
    isLeader: false,
    otherTabs: false,
    start: vi.fn((callback: () => void) => {
      onLead = callback;
      if (leadsAtOnce) leadership.becomeLeader();
    }),
    stop: vi.fn(() => {
      leadership.isLeader = false;
      onLead = undefined;
    }),
    hasOtherTabs: () => leadership.otherTabs,
    becomeLeader: () => {
      leadership.isLeader = true;
      onLead?.();
    },
  };
  return leadership satisfies TabLeadership;
}

let visibility: DocumentVisibilityState;
let api: ReturnType<typeof fakeApi>;
let leadership: ReturnType<typeof fakeLeadership>;
let logger: { warn: ReturnType<typeof vi.fn<(...data: unknown[]) => void>>; info: ReturnType<typeof vi.fn<(...data: unknown[]) => void>> };
let clock: ServerClock;

function makeService(overrides: Partial<ConstructorParameters<typeof ReaderPresenceService>[0]> = {}) {
  return new ReaderPresenceService({ api, clock, leadership, logger, intervalMs: PRESENCE_UPDATE_INTERVAL, random: () => 1, ...overrides });
}

/** Runs the microtasks of resolved requests without moving the clock. */
const settle = () => vi.advanceTimersByTimeAsync(0);

function setVisibility(state: DocumentVisibilityState) {
  visibility = state;
  document.dispatchEvent(new Event('visibilitychange'));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  api = fakeApi();
  leadership = fakeLeadership();
  logger = { warn: vi.fn<(...data: unknown[]) => void>(), info: vi.fn<(...data: unknown[]) => void>() };
  clock = new ServerClock();
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ReaderPresenceService', () => {
  test('keeps the seed\'s constants', () => {
    expect(ONLINE_THRESHOLD_MINUTES).toBe(5);
    expect(PRESENCE_UPDATE_INTERVAL).toBe(60_000);
  });

  test('should start tracking for readers', async () => {
    const service = makeService();
    service.startTracking();
    await settle();

    expect(service.isTracking).toBe(true);
    expect(api.heartbeat).toHaveBeenCalledOnce();
    expect(service.health).toBe('ok');

    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL - 1);
    expect(api.heartbeat).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(3 * PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(5);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.info).not.toHaveBeenCalled();
  });

  test('starting twice keeps one timer', async () => {
    const service = makeService();
    service.startTracking();
    service.startTracking();
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(leadership.start).toHaveBeenCalledOnce();
  });

  test('should stop tracking and mark offline', async () => {
    const added = [vi.spyOn(window, 'addEventListener'), vi.spyOn(document, 'addEventListener')];
    const removed = [vi.spyOn(window, 'removeEventListener'), vi.spyOn(document, 'removeEventListener')];
    const service = makeService();
    service.startTracking();
    await settle();
    const addedCount = added.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    expect(addedCount).toBe(4);

    await service.stopTracking();

    expect(api.goOffline).toHaveBeenCalledOnce();
    expect(service.isTracking).toBe(false);
    expect(service.health).toBe('idle');
    expect(leadership.stop).toHaveBeenCalled();
    const removedHandlers = removed.flatMap((spy) => spy.mock.calls.map(([type, handler]) => [type, handler]));
    const addedHandlers = added.flatMap((spy) => spy.mock.calls.map(([type, handler]) => [type, handler]));
    expect(removedHandlers).toEqual(expect.arrayContaining(addedHandlers));

    await vi.advanceTimersByTimeAsync(5 * PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledOnce();

    await service.stopTracking();
    expect(api.goOffline).toHaveBeenCalledOnce();
  });

  test('a tab that does not lead sends nothing until it becomes the leader', async () => {
    leadership = fakeLeadership(false);
    const service = makeService();
    service.startTracking();
    await vi.advanceTimersByTimeAsync(3 * PRESENCE_UPDATE_INTERVAL);
    await service.updatePresence();
    expect(api.heartbeat).not.toHaveBeenCalled();

    leadership.becomeLeader();
    await settle();
    expect(api.heartbeat).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
  });

  test('should handle page visibility changes', async () => {
    const service = makeService();
    service.startTracking();
    await settle();

    // Hidden: the reader is still available, so the heartbeat goes on.
    setVisibility('hidden');
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);

    // Visible again: at once, in case the browser froze the timers meanwhile.
    await vi.advanceTimersByTimeAsync(10_000);
    setVisibility('visible');
    await settle();
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
  });

  test('closing the last tab sends offline with keepalive, and hands leadership on', async () => {
    const service = makeService();
    service.startTracking();
    await settle();

    window.dispatchEvent(new Event('pagehide'));

    expect(api.goOfflineOnUnload).toHaveBeenCalledOnce();
    expect(leadership.stop).toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3 * PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledOnce();
  });

  test('closing one of several tabs does not send offline', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    leadership.otherTabs = true;

    window.dispatchEvent(new Event('pagehide'));
    expect(api.goOfflineOnUnload).not.toHaveBeenCalled();
  });

  test('a page restored from the back/forward cache resumes at once', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    window.dispatchEvent(new Event('pagehide'));

    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await settle();
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
  });

  test('failures: logged once, retried with growing delays, the interval resumes after recovery', async () => {
    const health: string[] = [];
    const service = makeService();
    service.subscribe((state) => health.push(state));
    const down = new PresenceRequestError('Failed to fetch', 0);
    api.heartbeat.mockRejectedValueOnce(down).mockRejectedValueOnce(down).mockRejectedValueOnce(down);

    service.startTracking();
    await settle();
    expect(service.health).toBe('retrying');
    // random() = 1: the full 1 s, 2 s, 4 s.
    await vi.advanceTimersByTimeAsync(999);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(4);

    expect(service.health).toBe('ok');
    expect(logger.warn).toHaveBeenCalledOnce();
    expect(logger.info).toHaveBeenCalledOnce();
    expect(health).toEqual(['retrying', 'ok']);

    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(5);
  });

  test('retries never wait longer than the interval', async () => {
    api.heartbeat.mockRejectedValue(new PresenceRequestError('Bad gateway', 502));
    const service = makeService({ intervalMs: 5_000 });
    service.startTracking();
    await settle();
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(5);
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  test('the browser coming back online retries at once', async () => {
    api.heartbeat.mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0));
    const service = makeService();
    service.startTracking();
    await settle();
    await vi.advanceTimersByTimeAsync(500);

    window.dispatchEvent(new Event('online'));
    await settle();
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(service.health).toBe('ok');
    // The cancelled retry does not fire as well.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
  });

  test('an ended session stops tracking cleanly: no retries, no offline call', async () => {
    api.heartbeat.mockRejectedValue(new PresenceRequestError('JWT expired', 401, 'PGRST301'));
    const service = makeService();
    service.startTracking();
    await settle();

    expect(service.health).toBe('stopped');
    expect(service.isTracking).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * PRESENCE_UPDATE_INTERVAL);
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(api.heartbeat).toHaveBeenCalledOnce();
    expect(api.goOffline).not.toHaveBeenCalled();
    expect(leadership.stop).toHaveBeenCalled();
    expect(logger.warn).not.toHaveBeenCalled();

    await service.stopTracking();
    expect(api.goOffline).not.toHaveBeenCalled();
  });

  test('a failing offline call is logged, never thrown', async () => {
    api.goOffline.mockRejectedValue(new PresenceRequestError('Failed to fetch', 0));
    const service = makeService();
    service.startTracking();
    await settle();
    await expect(service.stopTracking()).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledOnce();
  });

  test('the server time of each heartbeat corrects the clock', async () => {
    api.heartbeat.mockResolvedValue(report(new Date(NOW.getTime() + 3 * 3_600_000)));
    const service = makeService();
    service.startTracking();
    await settle();
    expect(clock.now().toISOString()).toBe('2026-11-25T15:00:00.000Z');
  });

  test('stop then start at once (React StrictMode): offline reaches the server before the next heartbeat', async () => {
    const order: string[] = [];
    let finishOffline: () => void = () => {};
    api.goOffline.mockImplementation(() => {
      order.push('offline sent');
      return new Promise((resolve) => {
        finishOffline = () => {
          order.push('offline done');
          resolve(null);
        };
      });
    });
    api.heartbeat.mockImplementation(async () => {
      order.push('heartbeat sent');
      return report();
    });
    const service = makeService();
    service.startTracking();
    await settle();
    order.length = 0;

    void service.stopTracking();
    service.startTracking();
    await settle();
    expect(order).toEqual(['offline sent']);
    finishOffline();
    await settle();
    expect(order).toEqual(['offline sent', 'offline done', 'heartbeat sent']);
  });

  test('should get bulk online status', async () => {
    const rpc = vi.fn(async () => ({ data: [{ id: 'a', is_online: true }, { id: 'b', is_online: false }], error: null }));
    const client = { rpc } as unknown as AppSupabaseClient;

    await expect(ReaderPresenceService.getReadersOnlineStatus(['a', 'b'], client)).resolves.toEqual({ a: true, b: false });
    expect(rpc).toHaveBeenCalledOnce();
    expect(rpc).toHaveBeenCalledWith('get_readers_online_status', { reader_ids: ['a', 'b'] });
  });
});
