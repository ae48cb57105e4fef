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
let services: ReaderPresenceService[];

function makeService(overrides: Partial<ConstructorParameters<typeof ReaderPresenceService>[0]> = {}) {
  const service = new ReaderPresenceService({
    api,
    clock,
    leadership,
    logger,
    target: window,
    document,
    intervalMs: PRESENCE_UPDATE_INTERVAL,
    random: () => 1,
    ...overrides,
  });
  services.push(service);
  return service;
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
  services = [];
});

afterEach(async () => {
  // No listener of this test may answer the next test's events.
  await Promise.all(services.map((service) => service.stopTracking()));
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
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(leadership.start).toHaveBeenCalledOnce();
  });

  test('should stop tracking and mark offline', async () => {
    const added = [vi.spyOn(window, 'addEventListener'), vi.spyOn(document, 'addEventListener')];
    const removed = [vi.spyOn(window, 'removeEventListener'), vi.spyOn(document, 'removeEventListener')];
    const pairs = (spies: typeof added) => spies.flatMap((spy) => spy.mock.calls.map(([type, handler]) => [type, handler]));
    const service = makeService();
    service.startTracking();
    await settle();
    expect(pairs(added).map(([type]) => type).sort()).toEqual(['online', 'pagehide', 'pageshow', 'visibilitychange']);
    expect(pairs(removed)).toHaveLength(0);

    await service.stopTracking();

    expect(api.goOffline).toHaveBeenCalledOnce();
    expect(service.isTracking).toBe(false);
    expect(service.health).toBe('idle');
    expect(leadership.stop).toHaveBeenCalledOnce();
    expect(pairs(removed)).toHaveLength(4);
    expect(pairs(removed)).toEqual(expect.arrayContaining(pairs(added)));
    expect(vi.getTimerCount()).toBe(0);

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

  test('a tab that does not lead ignores visibility and network events too', async () => {
    leadership = fakeLeadership(false);
    const service = makeService();
    service.startTracking();
    setVisibility('hidden');
    setVisibility('visible');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(api.heartbeat).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
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
    expect(vi.getTimerCount()).toBe(1);
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
    expect(leadership.stop).toHaveBeenCalledOnce();
  });

  test('a heartbeat still out when the page is hidden starts no timer for it', async () => {
    let answer: (value: PresenceReport) => void = () => {};
    const service = makeService();
    service.startTracking();
    await settle();
    api.heartbeat.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);

    window.dispatchEvent(new Event('pagehide'));
    answer(report());
    await settle();

    expect(vi.getTimerCount()).toBe(0);
    expect(service.isTracking).toBe(true);
  });

  test('a page restored from the back/forward cache resumes at once', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    window.dispatchEvent(new Event('pagehide'));

    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await settle();
    expect(leadership.start).toHaveBeenCalledTimes(2);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
  });

  test('a fresh page load (pageshow, not persisted) starts nothing more', async () => {
    const service = makeService();
    service.startTracking();
    await settle();

    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: false }));
    await settle();
    expect(leadership.start).toHaveBeenCalledOnce();
    expect(api.heartbeat).toHaveBeenCalledOnce();
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

    // The interval runs again from the recovery, one timer only.
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(5);
  });

  test('jitter draws each retry from the upper half of its delay', async () => {
    api.heartbeat.mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0)).mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0));
    const service = makeService({ random: () => 0 });
    service.startTracking();
    await settle();
    // random() = 0: half of 1 s, then half of 2 s.
    await vi.advanceTimersByTimeAsync(499);
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(3);
    expect(service.health).toBe('ok');
  });

  test('an unexpected error is retried like a network failure, and never rejects', async () => {
    api.heartbeat.mockRejectedValueOnce(new TypeError('Failed to fetch')).mockRejectedValueOnce(new TypeError('Failed to fetch'));
    const service = makeService();
    service.startTracking();
    await expect(service.updatePresence()).resolves.toBeUndefined();
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(service.health).toBe('retrying');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(service.health).toBe('ok');
  });

  test('the retry timer replaces the interval while retrying', async () => {
    api.heartbeat.mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0));
    const service = makeService();
    service.startTracking();
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(1);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
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

  test('the browser coming online while all is well sends nothing extra', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(api.heartbeat).toHaveBeenCalledOnce();
  });

  test('an ended session stops tracking cleanly: no retries, no offline call', async () => {
    api.heartbeat.mockRejectedValue(new PresenceRequestError('JWT expired', 401, 'PGRST301'));
    const service = makeService();
    service.startTracking();
    await settle();

    expect(service.health).toBe('stopped');
    expect(service.isTracking).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * PRESENCE_UPDATE_INTERVAL);
    setVisibility('visible');
    window.dispatchEvent(new Event('online'));
    await settle();
    expect(api.heartbeat).toHaveBeenCalledOnce();
    expect(api.goOffline).not.toHaveBeenCalled();
    expect(leadership.stop).toHaveBeenCalledOnce();
    expect(logger.warn.mock.calls.length + logger.info.mock.calls.length).toBeLessThanOrEqual(1);

    await service.stopTracking();
    expect(api.goOffline).not.toHaveBeenCalled();
  });

  test('an ended session in the middle of an outage stops the retries', async () => {
    api.heartbeat.mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0)).mockRejectedValueOnce(new PresenceRequestError('permission denied', 403, '42501'));
    const service = makeService();
    service.startTracking();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(service.health).toBe('stopped');
    await vi.advanceTimersByTimeAsync(10 * PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
  });

  test('tracking can start again after a stop', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    await service.stopTracking();
    service.startTracking();
    await settle();
    expect(service.isTracking).toBe(true);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(1);
  });

  test('subscribers hear each change of health until they unsubscribe', async () => {
    api.heartbeat.mockRejectedValueOnce(new PresenceRequestError('Failed to fetch', 0));
    const service = makeService();
    const heard = vi.fn();
    const unsubscribe = service.subscribe(heard);
    service.startTracking();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heard.mock.calls).toEqual([['retrying'], ['ok']]);

    unsubscribe();
    await service.stopTracking();
    expect(service.health).toBe('idle');
    expect(heard).toHaveBeenCalledTimes(2);
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
    api.goOffline.mockImplementationOnce(() => {
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

  test('asks for no statuses when given no readers', async () => {
    const rpc = vi.fn();
    await expect(ReaderPresenceService.getReadersOnlineStatus([], { rpc } as unknown as AppSupabaseClient)).resolves.toEqual({});
    expect(rpc).not.toHaveBeenCalled();
  });

  test('should get bulk online status', async () => {
    const rpc = vi.fn(async () => ({ data: [{ id: 'a', is_online: true }, { id: 'b', is_online: false }], error: null }));
    const client = { rpc } as unknown as AppSupabaseClient;

    await expect(ReaderPresenceService.getReadersOnlineStatus(['a', 'b'], client)).resolves.toEqual({ a: true, b: false });
    expect(rpc).toHaveBeenCalledOnce();
    expect(rpc).toHaveBeenCalledWith('get_readers_online_status', { reader_ids: ['a', 'b'] });
  });
});
