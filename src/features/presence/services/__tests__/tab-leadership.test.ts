import { describe, expect, test, vi } from 'vitest';
import { createTabLeadership } from '@/features/presence/services/tab-leadership';

type LockCallback = () => unknown;

/**
 * One exclusive lock per name, granted in request order, as a browser's LockManager does. An
 * aborted waiting request leaves the queue, unless `ignoresAbort` plays the race in which the
 * browser had already granted it when the tab aborted.
 */
function fakeLockManager({ ignoresAbort = false } = {}) {
  const queues = new Map<string, Array<() => void>>();
  const held = new Set<string>();
  const requests: Array<{ name: string; signal?: AbortSignal }> = [];

  function grantNext(name: string) {
    const next = queues.get(name)?.shift();
    if (next) next();
    else held.delete(name);
  }

  function request(name: string, options: { signal?: AbortSignal }, callback: LockCallback) {
    requests.push({ name, signal: options.signal });
    return new Promise((resolve, reject) => {
      const run = () => {
        held.add(name);
        Promise.resolve()
          .then(callback)
          .then(resolve, reject)
          .finally(() => grantNext(name));
      };
      if (!held.has(name)) {
        run();
        return;
      }
      const queue = queues.get(name) ?? [];
      queue.push(run);
      queues.set(name, queue);
      if (ignoresAbort) return;
      options.signal?.addEventListener('abort', () => {
        const index = queue.indexOf(run);
        if (index === -1) return;
        queue.splice(index, 1);
        reject(new DOMException('The request was aborted.', 'AbortError'));
      });
    });
  }

  return { manager: { request } as unknown as LockManager, requests, waiting: (name: string) => queues.get(name)?.length ?? 0 };
}

/** BroadcastChannel between fake tabs: delivers to every other open channel of the same name. */
function fakeChannelBus() {
  const open = new Set<FakeChannel>();
  class FakeChannel {
    onmessage: ((event: MessageEvent) => void) | null = null;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      for (const other of open) if (other !== this && other.name === this.name) other.onmessage?.({ data } as MessageEvent);
    }
    close() {
      open.delete(this);
    }
  }
  return { Channel: FakeChannel as unknown as typeof BroadcastChannel, openChannels: () => open.size };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function browserWithTabs(count: number, lockOptions: { ignoresAbort?: boolean } = {}) {
  const locks = fakeLockManager(lockOptions);
  const bus = fakeChannelBus();
  const tabs = Array.from({ length: count }, (_, index) =>
    createTabLeadership('reader-presence', { locks: locks.manager, BroadcastChannel: bus.Channel, tabId: `tab-${index}` }),
  );
  return { tabs: tabs as [ReturnType<typeof createTabLeadership>, ...ReturnType<typeof createTabLeadership>[]], locks, bus };
}

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

  test('a stopped tab leaves the channel', () => {
    const { tabs, bus } = browserWithTabs(1);
    tabs[0].start(() => {});
    expect(bus.openChannels()).toBe(1);
    tabs[0].stop();
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
    expect(locks.requests).toHaveLength(1);
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
