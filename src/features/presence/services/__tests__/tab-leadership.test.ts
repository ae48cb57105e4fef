import { afterEach, describe, expect, test, vi } from 'vitest';
import { ReaderPresenceService } from '@/features/presence/services/reader-presence';
import { createTabLeadership, type TabLeadership } from '@/features/presence/services/tab-leadership';
import { fakeChannelBus, fakeLockManager } from '@/testing/fake-browser';
import { fakeInputActivity, fakePresenceApi } from '@/testing/presence-fixtures';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

let created: TabLeadership[] = [];

/** Tabs of one browser, each with its own view of the browser's locks and channels. */
function browserWithTabs(count: number, options: { ignoresAbort?: boolean; rosterCheckMs?: number } = {}) {
  const locks = fakeLockManager(options);
  const bus = fakeChannelBus();
  const tab = (id: string) => {
    const leadership = createTabLeadership('reader-presence', {
      locks: locks.forTab(id),
      BroadcastChannel: bus.forTab(id),
      tabId: id,
      rosterCheckMs: options.rosterCheckMs,
    });
    created.push(leadership);
    return leadership;
  };
  const tabs = Array.from({ length: count }, (_, index) => tab(`tab-${index}`));
  return { tabs: tabs as [TabLeadership, ...TabLeadership[]], locks, bus, tab };
}

afterEach(() => {
  for (const leadership of created) leadership.stop();
  created = [];
  vi.useRealTimers();
});

describe('tab leadership', () => {
  test('the first tab leads at once; the second waits', async () => {
    const { tabs } = browserWithTabs(2);
    const [first, second] = tabs;
    const firstLeads = vi.fn();
    const secondLeads = vi.fn();

    first.start(firstLeads);
    await flush();
    second!.start(secondLeads);
    await flush();

    expect(firstLeads).toHaveBeenCalledOnce();
    expect(first.isLeader).toBe(true);
    expect(secondLeads).not.toHaveBeenCalled();
    expect(second!.isLeader).toBe(false);
  });

  test('when the leader stops, the waiting tab takes over', async () => {
    const { tabs } = browserWithTabs(2);
    const [first, second] = tabs;
    const secondLeads = vi.fn();
    first.start(() => {});
    await flush();
    second!.start(secondLeads);
    await flush();

    first.stop();
    await flush();

    expect(first.isLeader).toBe(false);
    expect(secondLeads).toHaveBeenCalledOnce();
    expect(second!.isLeader).toBe(true);
  });

  test('each tab knows whether others are open, and forgets a tab that left', () => {
    const { tabs } = browserWithTabs(3);
    const [first, second, third] = tabs;
    first.start(() => {});
    expect(first.hasOtherTabs()).toBe(false);

    second!.start(() => {});
    third!.start(() => {});
    expect(first.hasOtherTabs()).toBe(true);
    expect(second!.hasOtherTabs()).toBe(true);
    expect(third!.hasOtherTabs()).toBe(true);

    second!.stop();
    expect(first.hasOtherTabs()).toBe(true);
    third!.stop();
    expect(first.hasOtherTabs()).toBe(false);
    expect(third!.hasOtherTabs()).toBe(false);
  });

  test('a tracking tab holds a lock of its own, released when it stops', async () => {
    const { tabs, locks, bus } = browserWithTabs(1);
    tabs[0].start(() => {});
    await flush();
    expect(locks.heldNames()).toEqual(['reader-presence', 'reader-presence:tab:tab-0']);
    expect(bus.openChannels()).toBe(1);

    tabs[0].stop();
    await flush();
    expect(locks.heldNames()).toEqual([]);
    expect(bus.openChannels()).toBe(0);
  });

  test('a waiting tab that stops withdraws its request from the queue', async () => {
    const { tabs, locks } = browserWithTabs(2);
    const [first, second] = tabs;
    first.start(() => {});
    await flush();
    second!.start(() => {});
    await flush();
    expect(locks.waiting('reader-presence')).toBe(1);

    second!.stop();
    await flush();
    expect(locks.waiting('reader-presence')).toBe(0);
  });

  test.each([
    ['withdrawn from the queue', false],
    ['granted as it stopped', true],
  ])('a tab that stops before the lock reaches it never leads, and the lock passes on (%s)', async (_case, ignoresAbort) => {
    const { tabs } = browserWithTabs(3, { ignoresAbort });
    const [first, second, third] = tabs;
    const secondLeads = vi.fn();
    const thirdLeads = vi.fn();
    first.start(() => {});
    await flush();
    second!.start(secondLeads);
    third!.start(thirdLeads);
    await flush();

    second!.stop();
    first.stop();
    await flush();

    expect(secondLeads).not.toHaveBeenCalled();
    expect(second!.isLeader).toBe(false);
    expect(thirdLeads).toHaveBeenCalledOnce();
    expect(third!.isLeader).toBe(true);
  });

  test('stopping and starting again while waiting leads once, with the new callback, when the lock comes', async () => {
    const { tabs } = browserWithTabs(2, { ignoresAbort: true });
    const [first, second] = tabs;
    const staleLead = vi.fn();
    const freshLead = vi.fn();
    first.start(() => {});
    await flush();
    second!.start(staleLead);
    await flush();

    second!.stop();
    second!.start(freshLead);
    first.stop();
    await flush();

    expect(staleLead).not.toHaveBeenCalled();
    expect(freshLead).toHaveBeenCalledOnce();
    expect(second!.isLeader).toBe(true);
  });

  test('start and stop are safe to call twice', async () => {
    const { tabs, locks } = browserWithTabs(1);
    const leads = vi.fn();
    tabs[0].start(leads);
    tabs[0].start(leads);
    await flush();
    expect(leads).toHaveBeenCalledOnce();
    expect(locks.requests.map(({ name }) => name)).toEqual(['reader-presence:tab:tab-0', 'reader-presence']);
    tabs[0].stop();
    tabs[0].stop();
    expect(tabs[0].isLeader).toBe(false);
  });

  test('without Web Locks or BroadcastChannel a tab leads on its own and believes it is alone', () => {
    const tab = createTabLeadership('reader-presence', { locks: undefined, BroadcastChannel: undefined });
    const leads = vi.fn();
    tab.start(leads);
    expect(leads).toHaveBeenCalledOnce();
    expect(tab.isLeader).toBe(true);
    expect(tab.hasOtherTabs()).toBe(false);
    tab.stop();
    expect(tab.isLeader).toBe(false);
  });
});

describe('a tab that crashes (its locks released, no goodbye)', () => {
  const ROSTER_CHECK_MS = 5_000;

  test('is forgotten at the next roster check', async () => {
    vi.useFakeTimers();
    const { tabs, locks, bus } = browserWithTabs(2, { rosterCheckMs: ROSTER_CHECK_MS });
    const [survivor, crashed] = tabs;
    survivor.start(() => {});
    crashed!.start(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(survivor.hasOtherTabs()).toBe(true);

    locks.crash('tab-1');
    bus.crash('tab-1');
    // Nothing was said: until the check, the tab is still counted.
    expect(survivor.hasOtherTabs()).toBe(true);

    await vi.advanceTimersByTimeAsync(ROSTER_CHECK_MS);
    expect(survivor.hasOtherTabs()).toBe(false);
  });

  test('a live tab is kept at every check', async () => {
    vi.useFakeTimers();
    const { tabs } = browserWithTabs(2, { rosterCheckMs: ROSTER_CHECK_MS });
    const [first, second] = tabs;
    first.start(() => {});
    second!.start(() => {});

    await vi.advanceTimersByTimeAsync(5 * ROSTER_CHECK_MS);
    expect(first.hasOtherTabs()).toBe(true);
    expect(second!.hasOtherTabs()).toBe(true);
  });

  test('a tab that has just joined is not forgotten before it could take its lock', async () => {
    vi.useFakeTimers();
    const { tabs, bus } = browserWithTabs(1, { rosterCheckMs: 500 });
    const [first] = tabs;
    first.start(() => {});
    await vi.advanceTimersByTimeAsync(0);

    // A newcomer whose tab lock is not granted yet: its locks are somewhere the first tab's query does not see.
    const newcomer = createTabLeadership('reader-presence', { locks: fakeLockManager().forTab('late'), BroadcastChannel: bus.forTab('late'), tabId: 'late' });
    created.push(newcomer);
    newcomer.start(() => {});
    await vi.advanceTimersByTimeAsync(500);
    expect(first.hasOtherTabs()).toBe(true);

    // Past the grace period, a tab without its lock is taken for dead.
    await vi.advanceTimersByTimeAsync(1_000);
    expect(first.hasOtherTabs()).toBe(false);
  });

  test('its leadership passes to a waiting tab', async () => {
    const { tabs, locks } = browserWithTabs(2);
    const [crashed, waiting] = tabs;
    const takesOver = vi.fn();
    crashed.start(() => {});
    await flush();
    waiting!.start(takesOver);
    await flush();
    expect(takesOver).not.toHaveBeenCalled();

    locks.crash('tab-0');
    await flush();

    expect(takesOver).toHaveBeenCalledOnce();
    expect(waiting!.isLeader).toBe(true);
  });

  test('so closing the last real tab sends the offline call', async () => {
    vi.useFakeTimers();
    const { locks, bus, tab } = browserWithTabs(0, { rosterCheckMs: ROSTER_CHECK_MS });
    const api = fakePresenceApi();
    const page = new EventTarget();
    const service = new ReaderPresenceService({
      api,
      leadership: tab('survivor'),
      activity: fakeInputActivity(),
      target: page as unknown as Window,
      document: new EventTarget() as unknown as Document,
      logger: { warn: vi.fn(), info: vi.fn() },
    });
    service.startTracking();
    const crashed = tab('crashed');
    crashed.start(() => {});
    await vi.advanceTimersByTimeAsync(0);
    expect(api.heartbeat).toHaveBeenCalledOnce();

    locks.crash('crashed');
    bus.crash('crashed');
    await vi.advanceTimersByTimeAsync(ROSTER_CHECK_MS);
    page.dispatchEvent(new Event('pagehide'));

    expect(api.goOfflineOnUnload).toHaveBeenCalledOnce();
    await service.stopTracking();
  });

  test('while another real tab is open, closing one sends no offline call', async () => {
    vi.useFakeTimers();
    const { tab } = browserWithTabs(0, { rosterCheckMs: ROSTER_CHECK_MS });
    const api = fakePresenceApi();
    const page = new EventTarget();
    const service = new ReaderPresenceService({
      api,
      leadership: tab('closing'),
      activity: fakeInputActivity(),
      target: page as unknown as Window,
      document: new EventTarget() as unknown as Document,
      logger: { warn: vi.fn(), info: vi.fn() },
    });
    service.startTracking();
    tab('open').start(() => {});
    await vi.advanceTimersByTimeAsync(3 * ROSTER_CHECK_MS);

    page.dispatchEvent(new Event('pagehide'));

    expect(api.goOfflineOnUnload).not.toHaveBeenCalled();
    await service.stopTracking();
  });
});
