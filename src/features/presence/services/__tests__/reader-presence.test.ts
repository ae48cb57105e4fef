// @vitest-environment jsdom
// The service follows the page: visibility, online and offline, and the tabs of one browser.
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { createPresenceApi, type OwnPresence, type StatusChoice } from '@/features/presence/api/report-presence';
import { ONLINE_THRESHOLD_MINUTES, PRESENCE_UPDATE_INTERVAL, ReaderPresenceService, type PresenceState } from '@/features/presence/services/reader-presence';
import type { TabLeadership } from '@/features/presence/services/tab-leadership';
import { ApiError, apiError, REQUEST_TIMEOUT_MS } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { createSupabaseClient } from '@/lib/create-supabase-client';
import { fakeChannelBus } from '@/testing/fake-browser';
import { fakeInputActivity, fakePresenceApi, ownPresence } from '@/testing/presence-fixtures';
import { requestUrl } from '@/testing/request-url';
import { serverTimeFrom } from '@/lib/server-time';

const NOW = new Date('2026-11-25T12:00:00Z');

const unreachable = () => apiError(0, { message: 'TypeError: Failed to fetch' });
const timedOut = () => apiError(0, { message: 'TimeoutError: The operation was aborted due to timeout' });

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
let api: ReturnType<typeof fakePresenceApi>;
let leadership: ReturnType<typeof fakeLeadership>;
let activity: ReturnType<typeof fakeInputActivity>;
let logger: { warn: ReturnType<typeof vi.fn<(...data: unknown[]) => void>>; info: ReturnType<typeof vi.fn<(...data: unknown[]) => void>> };
let services: ReaderPresenceService[];

function makeService(overrides: Partial<ConstructorParameters<typeof ReaderPresenceService>[0]> = {}) {
  const service = new ReaderPresenceService({
    api,
    leadership,
    activity,
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

const choice = (overrides: Partial<StatusChoice> = {}): StatusChoice => ({ status: 'busy', message: 'With a client', expiresAt: null, ...overrides });

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  visibility = 'visible';
  vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => visibility);
  api = fakePresenceApi();
  leadership = fakeLeadership();
  activity = fakeInputActivity();
  logger = { warn: vi.fn<(...data: unknown[]) => void>(), info: vi.fn<(...data: unknown[]) => void>() };
  services = [];
});

afterEach(async () => {
  // No listener of this test may answer the next test's events.
  await Promise.all(services.map((service) => service.stopTracking()));
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ReaderPresenceService', () => {
  test("keeps the seed's constants", () => {
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

  test('each heartbeat says how long the browser has been without input', async () => {
    activity.idle = 0;
    const service = makeService();
    service.startTracking();
    await settle();
    activity.idle = 420;
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);

    expect(api.heartbeat.mock.calls).toEqual([[0], [420]]);
  });

  test('input after a pause sends a heartbeat at once, and the interval goes on from there', async () => {
    const service = makeService();
    service.startTracking();
    await settle();
    expect(activity.start).toHaveBeenCalledOnce();
    activity.idle = 11 * 60;
    await vi.advanceTimersByTimeAsync(20_000);

    activity.returnNow();
    await settle();

    expect(api.heartbeat.mock.calls).toEqual([[0], [0]]);
    expect(vi.getTimerCount()).toBe(1);
  });

  test('input after a pause in a tab that does not lead sends nothing', async () => {
    leadership = fakeLeadership(false);
    const service = makeService();
    service.startTracking();
    activity.returnNow();
    await settle();
    expect(api.heartbeat).not.toHaveBeenCalled();
  });

  test('input after a pause while retrying sends at once, instead of the retry', async () => {
    api.heartbeat.mockRejectedValueOnce(unreachable());
    const service = makeService();
    service.startTracking();
    await settle();
    expect(service.health).toBe('retrying');

    activity.returnNow();
    await settle();
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
    expect(service.health).toBe('ok');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
  });

  test("each answer becomes the reader's own presence in the state", async () => {
    const away = ownPresence({ status: 'away', chosenStatus: 'available' });
    api.heartbeat.mockResolvedValueOnce(ownPresence()).mockResolvedValueOnce(away);
    const service = makeService();
    expect(service.state).toEqual({ health: 'idle', own: undefined });

    service.startTracking();
    await settle();
    expect(service.state.own).toMatchObject({ status: 'available' });
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(service.state).toEqual({ health: 'ok', own: away });
  });

  test('the state object stays the same until something changes (useSyncExternalStore)', async () => {
    api.heartbeat.mockRejectedValue(unreachable());
    const service = makeService();
    const heard: PresenceState[] = [];
    service.subscribe((state) => heard.push(state));
    const idle = service.state;
    expect(service.state).toBe(idle);

    service.startTracking();
    // Still idle: no new object, nobody told.
    expect(service.state).toBe(idle);
    await settle();
    const retrying = service.state;
    expect(retrying).not.toBe(idle);
    expect(retrying.health).toBe('retrying');

    // More failures change nothing a subscriber could see.
    await vi.advanceTimersByTimeAsync(1_000 + 2_000 + 4_000);
    expect(api.heartbeat).toHaveBeenCalledTimes(4);
    expect(service.state).toBe(retrying);
    expect(heard).toEqual([retrying]);
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
    expect(activity.start).toHaveBeenCalledOnce();
  });

  test('should stop tracking and mark offline', async () => {
    const added = [vi.spyOn(window, 'addEventListener'), vi.spyOn(document, 'addEventListener')];
    const removed = [vi.spyOn(window, 'removeEventListener'), vi.spyOn(document, 'removeEventListener')];
    const pairs = (spies: typeof added) => spies.flatMap((spy) => spy.mock.calls.map(([type, handler]) => [type, handler]));
    const service = makeService();
    service.startTracking();
    await settle();
    expect(
      pairs(added)
        .map(([type]) => type)
        .sort(),
    ).toEqual(['online', 'pagehide', 'pageshow', 'visibilitychange']);
    expect(pairs(removed)).toHaveLength(0);

    await service.stopTracking();

    expect(api.goOffline).toHaveBeenCalledOnce();
    expect(service.isTracking).toBe(false);
    expect(service.state).toEqual({ health: 'idle', own: undefined });
    expect(leadership.stop).toHaveBeenCalledOnce();
    expect(activity.stop).toHaveBeenCalledOnce();
    expect(activity.listening).toBe(false);
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
    let answer: (value: OwnPresence) => void = () => {};
    const service = makeService();
    service.startTracking();
    await settle();
    api.heartbeat.mockImplementationOnce(() => new Promise((resolve) => (answer = resolve)));
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);

    window.dispatchEvent(new Event('pagehide'));
    answer(ownPresence());
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
    service.subscribe((state) => health.push(state.health));
    api.heartbeat.mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(unreachable());

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

  test('failed heartbeats are reported once the database hears the browser again: how many, first and last, on its clock', async () => {
    api.heartbeat
      .mockRejectedValueOnce(unreachable())
      .mockRejectedValueOnce(unreachable())
      .mockResolvedValueOnce(ownPresence({ serverTime: serverTimeFrom('2026-11-25T11:59:03Z', NOW.getTime() + 3_000) }));
    const service = makeService();
    service.startTracking();
    await settle();
    expect(api.reportFailures).not.toHaveBeenCalled();
    // Failures at 12:00:00 and 12:00:01 (random() = 1); heard at 12:00:03, when the server said 11:59:03.
    await vi.advanceTimersByTimeAsync(3_000);
    expect(service.health).toBe('ok');
    expect(api.reportFailures.mock.calls).toEqual([[{ failures: 2, firstFailedAt: '2026-11-25T11:59:00.000Z', lastFailedAt: '2026-11-25T11:59:01.000Z' }]]);
    // Reported once: later heartbeats send nothing more.
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.reportFailures).toHaveBeenCalledOnce();
  });

  test('a report the database could not take now (a limit, the network) goes with the next heartbeat, one it refused is dropped', async () => {
    api.heartbeat.mockRejectedValueOnce(unreachable());
    api.reportFailures.mockRejectedValueOnce(apiError(429, { code: 'PT429', message: 'presence failures were reported less than a minute ago' }));
    const service = makeService();
    service.startTracking();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(api.reportFailures).toHaveBeenCalledOnce();
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.reportFailures).toHaveBeenCalledTimes(2);
    expect(api.reportFailures.mock.calls[1]![0]).toMatchObject({ failures: 1 });

    api.heartbeat.mockRejectedValueOnce(unreachable());
    api.reportFailures.mockRejectedValueOnce(apiError(400, { code: '22023', message: 'failures are reported within a day' }));
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL + 1_000);
    expect(api.reportFailures).toHaveBeenCalledTimes(3);
    await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
    expect(api.reportFailures).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenLastCalledWith('Presence: the database refused a report of failed updates.', expect.anything());
  });

  test('jitter draws each retry from the upper half of its delay', async () => {
    api.heartbeat.mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(unreachable());
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
    api.heartbeat.mockRejectedValueOnce(unreachable());
    const service = makeService();
    service.startTracking();
    await settle();
    expect(vi.getTimerCount()).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(vi.getTimerCount()).toBe(1);
    expect(api.heartbeat).toHaveBeenCalledTimes(2);
  });

  test('retries never wait longer than the interval', async () => {
    api.heartbeat.mockRejectedValue(apiError(502, { message: 'Bad gateway' }));
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
    api.heartbeat.mockRejectedValueOnce(unreachable());
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
    api.heartbeat.mockRejectedValue(apiError(401, { message: 'JWT expired', code: 'PGRST301' }));
    const service = makeService();
    service.startTracking();
    await settle();

    expect(service.health).toBe('stopped');
    expect(service.state.own).toBeUndefined();
    expect(service.isTracking).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * PRESENCE_UPDATE_INTERVAL);
    setVisibility('visible');
    window.dispatchEvent(new Event('online'));
    activity.returnNow();
    await settle();
    expect(api.heartbeat).toHaveBeenCalledOnce();
    expect(api.goOffline).not.toHaveBeenCalled();
    expect(leadership.stop).toHaveBeenCalledOnce();
    expect(logger.warn.mock.calls.length + logger.info.mock.calls.length).toBeLessThanOrEqual(1);

    await service.stopTracking();
    expect(api.goOffline).not.toHaveBeenCalled();
  });

  test('an ended session in the middle of an outage stops the retries', async () => {
    api.heartbeat.mockRejectedValueOnce(unreachable()).mockRejectedValueOnce(apiError(403, { message: 'permission denied', code: '42501' }));
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
    expect(activity.start).toHaveBeenCalledTimes(2);
    expect(vi.getTimerCount()).toBe(1);
  });

  test('subscribers hear each change until they unsubscribe', async () => {
    api.heartbeat.mockRejectedValueOnce(unreachable());
    const service = makeService();
    const heard = vi.fn<(state: PresenceState) => void>();
    const unsubscribe = service.subscribe(heard);
    service.startTracking();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(heard.mock.calls.map(([state]) => state.health)).toEqual(['retrying', 'ok']);
    expect(heard.mock.calls.at(-1)![0]).toBe(service.state);

    unsubscribe();
    await service.stopTracking();
    expect(service.health).toBe('idle');
    expect(heard).toHaveBeenCalledTimes(2);
  });

  test('a failing offline call is logged, never thrown', async () => {
    api.goOffline.mockRejectedValue(unreachable());
    const service = makeService();
    service.startTracking();
    await settle();
    await expect(service.stopTracking()).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledOnce();
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
    api.heartbeat.mockImplementation(() => {
      order.push('heartbeat sent');
      return Promise.resolve(ownPresence());
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

  describe('a hung request', () => {
    /** What fetchWithTimeout makes of a request the server never answers: status 0, after the timeout. */
    const hangsUntilTimeout = () => new Promise<never>((_resolve, reject) => setTimeout(() => reject(timedOut()), REQUEST_TIMEOUT_MS));

    test('times out rather than blocking the offline call queued behind it', async () => {
      const service = makeService();
      service.startTracking();
      await settle();
      api.heartbeat.mockImplementationOnce(hangsUntilTimeout);
      await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
      expect(api.heartbeat).toHaveBeenCalledTimes(2);

      let stopped = false;
      void service.stopTracking().then(() => (stopped = true));
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1);
      // In order: the offline call waits for the heartbeat ahead of it...
      expect(api.goOffline).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      // ...but only until that one gives up.
      expect(api.goOffline).toHaveBeenCalledOnce();
      expect(stopped).toBe(true);
    });

    test('counts as a failure and is retried, and a status chosen meanwhile goes through after it', async () => {
      api.heartbeat.mockImplementationOnce(hangsUntilTimeout);
      const service = makeService();
      service.startTracking();
      await settle();

      const chosen = service.setStatus(choice());
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
      await expect(chosen).resolves.toMatchObject({ status: 'busy' });
      expect(service.state).toMatchObject({ health: 'retrying', own: { status: 'busy' } });
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ status: 0 }));

      await vi.advanceTimersByTimeAsync(1_000);
      expect(api.heartbeat).toHaveBeenCalledTimes(2);
      expect(service.health).toBe('ok');
    });

    test("through the app's own client: a server that never answers frees the queue after the timeout", async () => {
      // AbortSignal.timeout on the test's clock, so fetchWithTimeout runs on fake timers.
      vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
        const controller = new AbortController();
        setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), ms);
        return controller.signal;
      });
      const row = { status: 'busy', chosen_status: 'busy', status_message: null, expires_at: null, hidden: false, devices: 1, server_time: NOW.toISOString() };
      const server = vi.fn<typeof fetch>(async (input, init) => {
        if (requestUrl(input).endsWith('/rpc/reader_heartbeat')) {
          // Never answers; only the signal ends it (with the TimeoutError above).
          return new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as DOMException)));
        }
        return new Response(JSON.stringify(row), { status: 200, headers: { 'Content-Type': 'application/json' } });
      });
      const client: AppSupabaseClient = createSupabaseClient('https://presence.supabase.test', 'anon-key', { persistSession: false, fetch: server });
      const service = makeService({ api: createPresenceApi(client, { supabaseUrl: 'https://presence.supabase.test', anonKey: 'anon-key', fetch: server }) });

      service.startTracking();
      await vi.waitFor(() => expect(server).toHaveBeenCalledOnce());
      const chosen = service.setStatus(choice());
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1_000);
      expect(server).toHaveBeenCalledOnce();

      await vi.advanceTimersByTimeAsync(1_000);
      await expect(chosen).resolves.toMatchObject({ status: 'busy', chosenStatus: 'busy' });
      expect(requestUrl(server.mock.calls[1]![0])).toBe('https://presence.supabase.test/rest/v1/rpc/set_reader_status');
      expect(logger.warn).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ status: 0, message: timedOut().message }));
    });
  });

  describe('setStatus', () => {
    test("sends the choice and makes the answer the reader's own presence", async () => {
      const service = makeService();
      service.startTracking();
      await settle();
      const heard = vi.fn<(state: PresenceState) => void>();
      service.subscribe(heard);

      const own = await service.setStatus(choice({ expiresAt: '2026-11-25T13:00:00.000Z' }));

      expect(api.setStatus).toHaveBeenCalledExactlyOnceWith({ status: 'busy', message: 'With a client', expiresAt: '2026-11-25T13:00:00.000Z' });
      expect(own).toMatchObject({ status: 'busy', statusMessage: 'With a client', expiresAt: '2026-11-25T13:00:00.000Z' });
      expect(service.state).toEqual({ health: 'ok', own });
      expect(heard).toHaveBeenCalledExactlyOnceWith(service.state);
    });

    test('works from a tab that does not lead, and sends no heartbeat', async () => {
      leadership = fakeLeadership(false);
      const service = makeService();
      service.startTracking();

      await service.setStatus(choice({ status: 'away', message: '' }));

      expect(api.setStatus).toHaveBeenCalledOnce();
      expect(service.state.own).toMatchObject({ status: 'away' });
      expect(api.heartbeat).not.toHaveBeenCalled();
    });

    test('rejects with the ApiError, and leaves the state as it was', async () => {
      const service = makeService();
      service.startTracking();
      await settle();
      const before = service.state;
      const refusal = apiError(400, { message: 'too many status changes in the last minute: try again shortly', code: '54000' });
      api.setStatus.mockRejectedValueOnce(refusal);

      await expect(service.setStatus(choice())).rejects.toBe(refusal);
      expect(refusal).toBeInstanceOf(ApiError);
      expect(refusal.message).toBe('Too many status changes in the last minute: try again shortly.');
      expect(service.state).toBe(before);
    });

    test('a failed choice does not hold up the heartbeats behind it', async () => {
      const service = makeService();
      service.startTracking();
      await settle();
      api.setStatus.mockRejectedValueOnce(unreachable());

      await expect(service.setStatus(choice())).rejects.toMatchObject({ status: 0 });
      await vi.advanceTimersByTimeAsync(PRESENCE_UPDATE_INTERVAL);
      expect(api.heartbeat).toHaveBeenCalledTimes(2);
      expect(service.health).toBe('ok');
    });

    test('waits for a heartbeat already out: one request at a time, in order', async () => {
      const order: string[] = [];
      let answer: (own: OwnPresence) => void = () => {};
      api.heartbeat.mockImplementationOnce(() => {
        order.push('heartbeat sent');
        return new Promise((resolve) => (answer = resolve));
      });
      api.setStatus.mockImplementationOnce(() => {
        order.push('status sent');
        return Promise.resolve(ownPresence({ status: 'busy' }));
      });
      const service = makeService();
      service.startTracking();
      await settle();

      const chosen = service.setStatus(choice());
      await settle();
      expect(order).toEqual(['heartbeat sent']);
      answer(ownPresence());
      await chosen;
      expect(order).toEqual(['heartbeat sent', 'status sent']);
      // The choice was answered last: it is what the header shows.
      expect(service.state.own).toMatchObject({ status: 'busy' });
    });

    test('when not tracking, the answer is returned but the state stays idle', async () => {
      const service = makeService();
      await expect(service.setStatus(choice())).resolves.toMatchObject({ status: 'busy' });
      expect(service.state).toEqual({ health: 'idle', own: undefined });
    });
  });

  test('asks for no statuses when given no readers', async () => {
    const rpc = vi.fn();
    await expect(ReaderPresenceService.getReadersOnlineStatus([], { rpc } as unknown as AppSupabaseClient)).resolves.toEqual({});
    expect(rpc).not.toHaveBeenCalled();
  });

  test('should get bulk online status', async () => {
    const rpc = vi.fn(() =>
      Promise.resolve({
        data: [
          { id: 'a', is_online: true },
          { id: 'b', is_online: false },
        ],
        error: null,
        status: 200,
      }),
    );
    const client = { rpc } as unknown as AppSupabaseClient;

    await expect(ReaderPresenceService.getReadersOnlineStatus(['a', 'b'], client)).resolves.toEqual({ a: true, b: false });
    expect(rpc).toHaveBeenCalledOnce();
    expect(rpc).toHaveBeenCalledWith('get_readers_online_status', { reader_ids: ['a', 'b'] });
  });

  test('a failed bulk status read is an ApiError', async () => {
    const rpc = vi.fn(() => Promise.resolve({ data: null, error: { message: 'Service Unavailable' }, status: 503 }));
    await expect(ReaderPresenceService.getReadersOnlineStatus(['a'], { rpc } as unknown as AppSupabaseClient)).rejects.toBeInstanceOf(ApiError);
  });
});

describe('the tabs of one browser share what the database answered', () => {
  function twoTabs() {
    const bus = fakeChannelBus();
    const leaderApi = fakePresenceApi();
    const followerApi = fakePresenceApi();
    const leader = makeService({ api: leaderApi, leadership: fakeLeadership(true), BroadcastChannel: bus.Channel });
    const follower = makeService({ api: followerApi, leadership: fakeLeadership(false), activity: fakeInputActivity(), BroadcastChannel: bus.Channel });
    return { leader, follower, leaderApi, followerApi };
  }

  test("a tab that does not heartbeat shows the leader's answer, also when it opens later", async () => {
    const { leader, follower, followerApi } = twoTabs();
    leader.startTracking();
    await settle();
    expect(leader.state).toMatchObject({ health: 'ok', own: { status: 'available' } });

    follower.startTracking();
    await settle();
    expect(follower.state).toMatchObject({ health: 'ok', own: { status: 'available' } });
    expect(followerApi.heartbeat).not.toHaveBeenCalled();
  });

  test('a status chosen in one tab shows in the others, and an older answer does not undo it', async () => {
    const { leader, follower, leaderApi } = twoTabs();
    leader.startTracking();
    follower.startTracking();
    await settle();

    vi.advanceTimersByTime(1_000);
    await follower.setStatus(choice());
    expect(leader.state.own).toMatchObject({ status: 'busy', statusMessage: 'With a client' });

    // A heartbeat answer that left the server before the choice is older: it is not adopted by the follower.
    leaderApi.heartbeat.mockResolvedValueOnce(ownPresence({ status: 'available', serverTime: { at: new Date(Date.now() - 60_000), receivedAt: Date.now() } }));
    await leader.updatePresence();
    expect(follower.state.own).toMatchObject({ status: 'busy' });
  });

  test("the leader's trouble shows in every tab", async () => {
    const { leader, follower, leaderApi } = twoTabs();
    leader.startTracking();
    follower.startTracking();
    await settle();
    leaderApi.heartbeat.mockRejectedValueOnce(unreachable());
    await leader.updatePresence();
    expect(follower.health).toBe('retrying');
  });
});
