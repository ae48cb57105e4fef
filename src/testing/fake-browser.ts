import { vi } from 'vitest';

/**
 * BroadcastChannel between fake tabs of one browser: a message reaches every other open channel
 * of the same name, at once. `forTab(id)` gives the class one tab uses, so `crash(id)` can close
 * that tab's channels without a word, as a tab that dies does.
 */
export function fakeChannelBus() {
  const open = new Set<FakeChannel>();
  const posted: { name: string; owner: string | undefined; data: unknown }[] = [];

  class FakeChannel {
    onmessage: ((event: MessageEvent) => void) | null = null;
    owner: string | undefined;
    /** Its tab crashed: whatever it still does reaches no one. */
    dead = false;
    constructor(readonly name: string) {
      open.add(this);
    }
    postMessage(data: unknown) {
      if (this.dead) return;
      if (!open.has(this)) throw new DOMException('BroadcastChannel is closed.', 'InvalidStateError');
      posted.push({ name: this.name, owner: this.owner, data });
      for (const other of [...open]) if (other !== this && other.name === this.name) other.onmessage?.({ data } as MessageEvent);
    }
    close() {
      open.delete(this);
    }
  }

  function forTab(owner: string): typeof BroadcastChannel {
    return class extends FakeChannel {
      constructor(name: string) {
        super(name);
        this.owner = owner;
      }
    } as unknown as typeof BroadcastChannel;
  }

  return {
    Channel: FakeChannel as unknown as typeof BroadcastChannel,
    forTab,
    /** Closes the tab's channels, saying nothing to the others. */
    crash(owner: string) {
      for (const channel of [...open]) {
        if (channel.owner !== owner) continue;
        channel.dead = true;
        open.delete(channel);
      }
    },
    openChannels: (name?: string) => [...open].filter((channel) => name === undefined || channel.name === name).length,
    /** Every message sent, in order. */
    posted,
  };
}

type LockCallback = (lock: Lock | null) => unknown;
type Grant = { client: string };
type Waiter = { client: string; run: () => void };

/**
 * Web Locks as a browser's LockManager gives them to the tabs of one origin: one exclusive lock per
 * name, granted in request order. An aborted waiting request leaves the queue, unless `ignoresAbort`
 * plays the race in which the browser had already granted it when the tab aborted. `forTab(id)`
 * gives one tab's LockManager, so `crash(id)` can release that tab's locks as the browser does for
 * a tab that dies; query() reports every tab's locks, as the browser's does for the origin.
 */
export function fakeLockManager({ ignoresAbort = false } = {}) {
  const queues = new Map<string, Waiter[]>();
  const held = new Map<string, Grant>();
  const requests: Array<{ name: string; client: string; signal?: AbortSignal }> = [];

  function grantNext(name: string) {
    const next = queues.get(name)?.shift();
    if (next) next.run();
    else held.delete(name);
  }

  function forTab(client: string): LockManager {
    function request(name: string, options: LockOptions, callback: LockCallback) {
      requests.push({ name, client, signal: options.signal });
      return new Promise((resolve, reject) => {
        const run = () => {
          const grant: Grant = { client };
          held.set(name, grant);
          Promise.resolve()
            .then(() => callback({ name, mode: 'exclusive' }))
            .then(resolve, reject)
            .finally(() => {
              // A lock the browser already took back from a crashed tab is not released twice.
              if (held.get(name) === grant) grantNext(name);
            });
        };
        if (!held.has(name)) {
          run();
          return;
        }
        const queue = queues.get(name) ?? [];
        const waiter = { client, run };
        queue.push(waiter);
        queues.set(name, queue);
        if (ignoresAbort) return;
        options.signal?.addEventListener('abort', () => {
          const index = queue.indexOf(waiter);
          if (index === -1) return;
          queue.splice(index, 1);
          reject(new DOMException('The request was aborted.', 'AbortError'));
        });
      });
    }

    const query = vi.fn((): Promise<LockManagerSnapshot> =>
      Promise.resolve({
        held: [...held].map(([name, grant]) => ({ name, mode: 'exclusive', clientId: grant.client })),
        pending: [...queues].flatMap(([name, queue]) => queue.map((waiter) => ({ name, mode: 'exclusive' as const, clientId: waiter.client }))),
      }),
    );

    return { request, query } as unknown as LockManager;
  }

  return {
    forTab,
    /** One LockManager for tabs that need not be told apart. */
    manager: forTab('shared'),
    requests,
    waiting: (name: string) => queues.get(name)?.length ?? 0,
    heldNames: () => [...held.keys()].sort(),
    /** The browser releases a dead tab's locks and drops its waiting requests; the tab says nothing. */
    crash(client: string) {
      for (const queue of queues.values()) {
        for (let index = queue.length - 1; index >= 0; index -= 1) if (queue[index]!.client === client) queue.splice(index, 1);
      }
      for (const [name, grant] of [...held]) if (grant.client === client) grantNext(name);
    },
  };
}
