/** One heartbeat per browser, not per tab: the tabs of one origin elect a leader. */
export interface TabLeadership {
  /** Starts competing; `onLead` runs when this tab becomes the leader (at once if nobody else leads). */
  start(onLead: () => void): void;
  /** Releases leadership and leaves the roster; safe to call twice. */
  stop(): void;
  readonly isLeader: boolean;
  /** Synchronous, because a closing page asks it: are other tabs of this origin tracking too? */
  hasOtherTabs(): boolean;
}

type RosterMessage = { type: 'join' | 'here' | 'leave'; tabId: string };

/** The browser's APIs unless given; a key given as undefined means the browser lacks that API. */
interface LeadershipEnvironment {
  locks?: LockManager | undefined;
  BroadcastChannel?: typeof BroadcastChannel | undefined;
  tabId?: string;
  /** How often the roster is checked against the tabs' locks (a crashed tab says no goodbye). */
  rosterCheckMs?: number;
  now?: () => number;
}

// crypto.randomUUID exists only in secure contexts; the id need only tell this browser's tabs apart.
function newTabId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

const ROSTER_CHECK_MS = 5_000;
// A tab that has just joined may not hold its tab lock yet: it is not checked until it is this old.
const JOIN_GRACE_MS = 1_000;

/**
 * Leadership is a Web Lock held for as long as the tab tracks: the browser hands it to the next
 * waiting tab when the leader stops, closes or crashes. The roster is a BroadcastChannel on which
 * tabs say when they join and leave. A tab that crashes says nothing, so each tab also holds a lock
 * of its own, which the browser releases when the tab dies, and the roster is checked against the
 * locks held every few seconds: a crashed tab cannot keep the last real one from going offline.
 * Without Web Locks every tab leads (each heartbeats, which the database absorbs); without
 * BroadcastChannel a tab assumes it is alone.
 */
export function createTabLeadership(name: string, environment: LeadershipEnvironment = {}): TabLeadership {
  const locks = 'locks' in environment ? environment.locks : globalThis.navigator?.locks;
  const Channel = 'BroadcastChannel' in environment ? environment.BroadcastChannel : globalThis.BroadcastChannel;
  const tabId = environment.tabId ?? newTabId();
  const now = environment.now ?? Date.now;
  const tabLock = (id: string) => `${name}:tab:${id}`;
  /** Other tabs by id, with when this tab heard of them. */
  const otherTabs = new Map<string, number>();
  let rosterCheck: ReturnType<typeof setInterval> | undefined;
  let channel: BroadcastChannel | undefined;
  // One per start(): aborting it withdraws a waiting lock request or releases a held lock, and tells
  // a grant that arrives late (even after a new start()) that it belongs to a round that is over.
  let round: AbortController | undefined;
  let leading = false;

  function post(type: RosterMessage['type']) {
    channel?.postMessage({ type, tabId } satisfies RosterMessage);
  }

  function onRosterMessage(event: MessageEvent<RosterMessage>) {
    const { type, tabId: sender } = event.data;
    if (type === 'leave') {
      otherTabs.delete(sender);
      return;
    }
    if (!otherTabs.has(sender)) otherTabs.set(sender, now());
    if (type === 'join') post('here');
  }

  async function forgetCrashedTabs() {
    if (!locks?.query) return;
    const { held = [] } = await locks.query();
    const alive = new Set(held.map((lock) => lock.name));
    for (const [id, heardAt] of otherTabs) {
      if (!alive.has(tabLock(id)) && now() - heardAt >= JOIN_GRACE_MS) otherTabs.delete(id);
    }
  }

  return {
    start(onLead) {
      if (round) return;
      const current = new AbortController();
      round = current;
      if (locks) {
        // Held until this round ends, or released by the browser when the tab dies.
        locks
          .request(
            tabLock(tabId),
            { signal: current.signal },
            () => new Promise<void>((release) => current.signal.addEventListener('abort', () => release(), { once: true })),
          )
          .catch(() => {
            // Aborted by stop(): this tab has left the roster.
          });
      }
      if (Channel) {
        channel = new Channel(`${name}:tabs`);
        channel.onmessage = onRosterMessage;
        post('join');
        rosterCheck = setInterval(() => void forgetCrashedTabs(), environment.rosterCheckMs ?? ROSTER_CHECK_MS);
      }
      if (!locks) {
        leading = true;
        onLead();
        return;
      }
      // The signal also takes a waiting request out of the queue on stop(), so a page frozen in the
      // back/forward cache never sits in line for the lock.
      locks
        .request(name, { signal: current.signal }, () => {
          // Granted as this round ended: pass the lock straight on to the next tab.
          if (current.signal.aborted) return undefined;
          leading = true;
          onLead();
          return new Promise<void>((release) => current.signal.addEventListener('abort', () => release(), { once: true }));
        })
        .catch(() => {
          // Aborted by stop() while waiting, or the page is being torn down: nothing is left to lead.
        });
    },

    stop() {
      if (!round) return;
      round.abort();
      round = undefined;
      leading = false;
      post('leave');
      channel?.close();
      channel = undefined;
      clearInterval(rosterCheck);
      otherTabs.clear();
    },

    get isLeader() {
      return leading;
    },

    hasOtherTabs: () => otherTabs.size > 0,
  };
}
