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
}

/**
 * Leadership is a Web Lock held for as long as the tab tracks: the browser hands it to the next
 * waiting tab when the leader stops, closes or crashes. The roster is a BroadcastChannel on which
 * tabs say when they join and leave. Without Web Locks every tab leads (each heartbeats, which the
 * database absorbs); without BroadcastChannel a tab assumes it is alone.
 */
export function createTabLeadership(name: string, environment: LeadershipEnvironment = {}): TabLeadership {
  const locks = 'locks' in environment ? environment.locks : globalThis.navigator?.locks;
  const Channel = 'BroadcastChannel' in environment ? environment.BroadcastChannel : globalThis.BroadcastChannel;
  const tabId = environment.tabId ?? crypto.randomUUID();
  const otherTabs = new Set<string>();
  let channel: BroadcastChannel | undefined;
  let releaseLock: (() => void) | undefined;
  let running = false;
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
    otherTabs.add(sender);
    if (type === 'join') post('here');
  }

  function lead(onLead: () => void) {
    leading = true;
    onLead();
  }

  return {
    start(onLead) {
      if (running) return;
      running = true;
      if (Channel) {
        channel = new Channel(`${name}:tabs`);
        channel.onmessage = onRosterMessage;
        post('join');
      }
      if (!locks) {
        lead(onLead);
        return;
      }
      locks
        .request(name, () => {
          // Granted after stop(): let the next tab have it straight away.
          if (!running) return undefined;
          lead(onLead);
          return new Promise<void>((resolve) => {
            releaseLock = resolve;
          });
        })
        .catch(() => {
          // The lock request fails only when the page is being torn down; nothing is left to lead.
        });
    },

    stop() {
      if (!running) return;
      running = false;
      leading = false;
      releaseLock?.();
      releaseLock = undefined;
      post('leave');
      channel?.close();
      channel = undefined;
      otherTabs.clear();
    },

    get isLeader() {
      return leading;
    },

    hasOtherTabs: () => otherTabs.size > 0,
  };
}
