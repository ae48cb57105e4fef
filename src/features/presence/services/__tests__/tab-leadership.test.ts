import { describe, expect, test, vi } from 'vitest';
import { createTabLeadership } from '@/features/presence/services/tab-leadership';

/** One exclusive lock per name, granted in request order, as a browser's LockManager does. */
function fakeLockManager() {
  const queues = new Map<string, Array<() => void>>();
  const held = new Set<string>();
  function grantNext(name: string) {
    const next = queues.get(name)?.shift();
    if (next) next();
  }
  const manager = {
    request: (name: string, callback: () => unknown) =>
      new Promise((resolve, reject) => {
        const run = () => {
          held.add(name);
          Promise.resolve()
            .then(callback)
            .then(resolve, reject)
            .finally(() => {
              held.delete(name);
              grantNext(name);
            });
        };
        if (held.has(name)) queues.set(name, [...(queues.get(name) ?? []), run]);
        else run();
      }),
  };
  return manager as unknown as LockManager;
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
  return FakeChannel as unknown as typeof BroadcastChannel;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function browserWithTabs(count: number) {
  const locks = fakeLockManager();
  const Channel = fakeChannelBus();
  return Array.from({ length: count }, (_, index) => createTabLeadership('reader-presence', { locks, BroadcastChannel: Channel, tabId: `tab-${index}` }));
}

describe('tab leadership', () => {
  test('the first tab leads at once; the second waits', async () => {
    const [first, second] = browserWithTabs(2);
    const firstLeads = vi.fn();
    const secondLeads = vi.fn();

    first!.start(firstLeads);
    await flush();
    second!.start(secondLeads);
    await flush();

    expect(firstLeads).toHaveBeenCalledOnce();
    expect(first!.isLeader).toBe(true);
    expect(secondLeads).not.toHaveBeenCalled();
    expect(second!.isLeader).toBe(false);
  });

  test('when the leader stops, the waiting tab takes over', async () => {
    const [first, second] = browserWithTabs(2);
    const secondLeads = vi.fn();
    first!.start(() => {});
    await flush();
    second!.start(secondLeads);
    await flush();

    first!.stop();
    await flush();

    expect(first!.isLeader).toBe(false);
    expect(secondLeads).toHaveBeenCalledOnce();
    expect(second!.isLeader).toBe(true);
  });

  test('each tab knows whether others are open, and forgets a tab that left', async () => {
    const [first, second, third] = browserWithTabs(3);
    first!.start(() => {});
    expect(first!.hasOtherTabs()).toBe(false);

    second!.start(() => {});
    third!.start(() => {});
    expect(first!.hasOtherTabs()).toBe(true);
    expect(third!.hasOtherTabs()).toBe(true);

    second!.stop();
    third!.stop();
    expect(first!.hasOtherTabs()).toBe(false);
  });

  test('a tab that stops before the lock reaches it never leads, and passes the lock on', async () => {
    const [first, second, third] = browserWithTabs(3);
    const secondLeads = vi.fn();
    const thirdLeads = vi.fn();
    first!.start(() => {});
    await flush();
    second!.start(secondLeads);
    third!.start(thirdLeads);
    await flush();

    second!.stop();
    first!.stop();
    await flush();

    expect(secondLeads).not.toHaveBeenCalled();
    expect(second!.isLeader).toBe(false);
    expect(thirdLeads).toHaveBeenCalledOnce();
  });

  test('start and stop are safe to call twice', async () => {
    const [tab] = browserWithTabs(1);
    const leads = vi.fn();
    tab!.start(leads);
    tab!.start(leads);
    await flush();
    expect(leads).toHaveBeenCalledOnce();
    tab!.stop();
    tab!.stop();
    expect(tab!.isLeader).toBe(false);
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
