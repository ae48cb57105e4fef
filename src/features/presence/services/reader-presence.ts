import { getReadersOnlineStatus } from '@/features/presence/api/get-readers-online-status';
import { createPresenceApi, isSessionEnded, type OwnPresence, type PresenceApi, type StatusChoice } from '@/features/presence/api/report-presence';
import { createInputActivity, type InputActivity } from '@/features/presence/services/input-activity';
import { createTabLeadership, type TabLeadership } from '@/features/presence/services/tab-leadership';
import { addFailure, failureReport, mergeOutages, type Outage } from '@/features/presence/utils/failure-report';
import { retryDelay } from '@/features/presence/utils/retry-delay';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/**
 * The seed's constant: the database's private.presence_online_threshold(), which alone judges
 * presence (a test pins the two together). The browser never applies it.
 */
export const ONLINE_THRESHOLD_MINUTES = 5;

/** How often the leading tab says "still here"; well inside the five-minute rule. */
export const PRESENCE_UPDATE_INTERVAL = 60_000;

/** 'idle' when not tracking, 'ok' after a heartbeat got through, 'retrying' while they fail, 'stopped' when the session ended. */
export type PresenceHealth = 'idle' | 'ok' | 'retrying' | 'stopped';

/** What the header shows of a reader's own presence. */
export interface PresenceState {
  health: PresenceHealth;
  /** The database's last answer about this reader; undefined before the first one. */
  own: OwnPresence | undefined;
}

const IDLE_STATE: PresenceState = { health: 'idle', own: undefined };

/**
 * Only the leading tab heartbeats, so it tells the reader's other tabs what the database answered
 * (and any tab that changes the status tells the rest), and every tab's header shows the same.
 */
type StateMessage = { type: 'ask' } | { type: 'state'; state: PresenceState; fromLeader: boolean };

export interface ReaderPresenceOptions {
  api: PresenceApi;
  intervalMs?: number;
  leadership?: TabLeadership;
  activity?: InputActivity;
  /** The channel the tabs share their state on; undefined means the browser has none. */
  BroadcastChannel?: typeof BroadcastChannel | undefined;
  /** Source of online, pagehide and pageshow events. */
  target?: Window;
  /** Source of visibilitychange events. */
  document?: Document;
  random?: () => number;
  logger?: Pick<Console, 'warn' | 'info'>;
}

/**
 * Keeps a signed-in reader's device online: while tracking, the browser's leading tab sends a
 * heartbeat (with how long ago the browser last had input) at once and then every interval, and at
 * once when input returns after a pause; failures are retried with backoff; leaving sends
 * "offline". The database decides the status; this only reports and remembers its answers.
 */
export class ReaderPresenceService {
  private readonly api: PresenceApi;
  private readonly intervalMs: number;
  private readonly leadership: TabLeadership;
  private readonly activity: InputActivity;
  private readonly Channel: typeof BroadcastChannel | undefined;
  private stateChannel: BroadcastChannel | undefined;
  private readonly target: Window | undefined;
  private readonly document: Document | undefined;
  private readonly random: () => number;
  private readonly logger: Pick<Console, 'warn' | 'info'>;

  private tracking = false;
  private failures = 0;
  /** Failed heartbeats not yet reported to the database. */
  private outage: Outage | undefined;
  private currentState: PresenceState = IDLE_STATE;
  private readonly listeners = new Set<(state: PresenceState) => void>();
  private intervalTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  // One request at a time, in order: an "offline" queued before a heartbeat reaches the server first.
  private queue: Promise<void> = Promise.resolve();

  constructor(options: ReaderPresenceOptions) {
    this.api = options.api;
    this.intervalMs = options.intervalMs ?? PRESENCE_UPDATE_INTERVAL;
    this.leadership = options.leadership ?? createTabLeadership('reader-presence');
    this.activity = options.activity ?? createInputActivity('reader-presence');
    this.Channel = 'BroadcastChannel' in options ? options.BroadcastChannel : globalThis.BroadcastChannel;
    this.target = options.target ?? (typeof window === 'undefined' ? undefined : window);
    this.document = options.document ?? (typeof document === 'undefined' ? undefined : document);
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? console;
  }

  static async getReadersOnlineStatus(readerIds: string[], client?: AppSupabaseClient): Promise<Record<string, boolean>> {
    if (client) return getReadersOnlineStatus(client, readerIds);
    // Only now: loading the app's client module is what a caller with its own client avoids.
    const { getSupabase } = await import('@/lib/supabase');
    return getReadersOnlineStatus(getSupabase(), readerIds);
  }

  get isTracking(): boolean {
    return this.tracking;
  }

  get health(): PresenceHealth {
    return this.currentState.health;
  }

  /** The same object until something changes (for useSyncExternalStore). */
  get state(): PresenceState {
    return this.currentState;
  }

  subscribe(listener: (state: PresenceState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startTracking(): void {
    if (this.tracking) return;
    this.tracking = true;
    this.failures = 0;
    this.setState({ health: 'idle' });
    this.activity.start(() => this.heartbeatNow());
    if (this.Channel) {
      this.stateChannel = new this.Channel('reader-presence:state');
      this.stateChannel.onmessage = this.handleStateMessage;
      this.stateChannel.postMessage({ type: 'ask' } satisfies StateMessage);
    }
    this.target?.addEventListener('online', this.handleOnline);
    this.target?.addEventListener('pagehide', this.handlePageHide);
    this.target?.addEventListener('pageshow', this.handlePageShow);
    this.document?.addEventListener('visibilitychange', this.handleVisibilityChange);
    this.competeForLead();
  }

  async stopTracking(): Promise<void> {
    if (!this.tracking) return;
    this.halt('idle');
    await this.enqueue(async () => {
      try {
        await this.api.goOffline();
      } catch (error) {
        this.logger.warn('Presence: could not mark you offline; the five-minute rule will.', error);
      }
    });
  }

  /** One heartbeat now, from the leading tab; never rejects. */
  updatePresence(): Promise<void> {
    return this.enqueue(() => this.heartbeat());
  }

  /** The reader's choice, from any tab; rejects with an ApiError a person can read. */
  async setStatus(choice: StatusChoice): Promise<OwnPresence> {
    let own: OwnPresence | undefined;
    let failure: unknown;
    await this.enqueue(async () => {
      try {
        own = await this.api.setStatus(choice);
      } catch (error) {
        failure = error;
      }
    });
    if (!own) throw failure;
    if (this.tracking) this.setState({ own }, { share: true });
    return own;
  }

  private competeForLead() {
    this.leadership.start(() => {
      if (!this.tracking) return;
      this.startInterval();
      void this.updatePresence();
    });
  }

  private get leading(): boolean {
    return this.tracking && this.leadership.isLeader;
  }

  private async heartbeat(): Promise<void> {
    if (!this.leading) return;
    let own: OwnPresence;
    try {
      own = await this.api.heartbeat(this.activity.idleSeconds());
    } catch (error) {
      this.heartbeatFailed(error);
      return;
    }
    // Stopped, or the page was hidden, while the request was out: no timers for a tab that let go.
    if (!this.leading) return;
    if (this.failures > 0) this.logger.info('Presence: reconnected, your status is reported again.');
    this.failures = 0;
    if (this.intervalTimer === undefined) this.startInterval();
    this.setState({ health: 'ok', own }, { share: true });
    if (this.outage) void this.enqueue(() => this.reportOutage(own));
  }

  /** Tells the database what failed while it could not hear this browser; kept for later if that fails too. */
  private async reportOutage(answer: OwnPresence): Promise<void> {
    const outage = this.outage;
    if (!outage) return;
    this.outage = undefined;
    try {
      await this.api.reportFailures(failureReport(outage, answer.serverTime));
    } catch (error) {
      // A refused report (400) would be refused again; anything else (a limit, the network) may pass later.
      if (error instanceof ApiError && error.status === 400) this.logger.warn('Presence: the database refused a report of failed updates.', error);
      else this.outage = mergeOutages(outage, this.outage);
    }
  }

  private heartbeatFailed(error: unknown) {
    if (!this.leading) return;
    if (isSessionEnded(error)) {
      this.logger.info('Presence: your session ended, so you are no longer shown online.');
      this.halt('stopped');
      return;
    }
    this.failures += 1;
    this.outage = addFailure(this.outage, Date.now());
    // One warning per outage: a reader offline for an hour should not get sixty.
    if (this.failures === 1) this.logger.warn('Presence: could not report that you are online; retrying.', error);
    this.scheduleRetry();
    this.setState({ health: 'retrying' }, { share: true });
  }

  private scheduleRetry() {
    this.clearTimers();
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        void this.updatePresence();
      },
      retryDelay(this.failures, this.intervalMs, this.random),
    );
  }

  private startInterval() {
    this.clearTimers();
    this.intervalTimer = setInterval(() => void this.updatePresence(), this.intervalMs);
  }

  private clearTimers() {
    clearInterval(this.intervalTimer);
    clearTimeout(this.retryTimer);
    this.intervalTimer = undefined;
    this.retryTimer = undefined;
  }

  /** Stops timers, listeners and leadership (so another tab can lead). */
  private halt(health: PresenceHealth) {
    this.tracking = false;
    this.clearTimers();
    this.activity.stop();
    this.stateChannel?.close();
    this.stateChannel = undefined;
    this.target?.removeEventListener('online', this.handleOnline);
    this.target?.removeEventListener('pagehide', this.handlePageHide);
    this.target?.removeEventListener('pageshow', this.handlePageShow);
    this.document?.removeEventListener('visibilitychange', this.handleVisibilityChange);
    this.leadership.stop();
    this.setState({ health, own: undefined });
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task, task);
    return this.queue;
  }

  /** `share`: the state comes from the database's answer in this tab, so the other tabs hear it. */
  private setState(change: Partial<PresenceState>, { share = false } = {}) {
    const next = { ...this.currentState, ...change };
    if (next.health === this.currentState.health && next.own === this.currentState.own) return;
    this.currentState = next;
    for (const listener of this.listeners) listener(next);
    if (share) this.shareState();
  }

  private shareState() {
    this.stateChannel?.postMessage({ type: 'state', state: this.currentState, fromLeader: this.leading } satisfies StateMessage);
  }

  private readonly handleStateMessage = ({ data }: MessageEvent<StateMessage>) => {
    if (!this.tracking) return;
    if (data.type === 'ask') {
      if (this.leading) this.shareState();
      return;
    }
    // The newest answer wins; how the requests fare is the leader's to say, as only it sends them.
    const { own, health } = data.state;
    const newer = own !== undefined && (this.currentState.own === undefined || own.serverTime.at > this.currentState.own.serverTime.at);
    this.setState({
      ...(newer && { own }),
      ...(data.fromLeader && !this.leading && { health }),
    });
  };

  private heartbeatNow() {
    if (!this.leading) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    void this.updatePresence();
  }

  private readonly handleOnline = () => {
    if (this.failures > 0) this.heartbeatNow();
  };

  // A hidden tab keeps its interval: a reader with the tab in the background is still available.
  // Coming back says so at once, in case the browser throttled or froze the timers meanwhile.
  private readonly handleVisibilityChange = () => {
    if (this.document?.visibilityState === 'visible') this.heartbeatNow();
  };

  // pagehide rather than beforeunload: it also fires when the page goes into the back/forward
  // cache, and a beforeunload listener keeps some browsers from using that cache at all.
  private readonly handlePageHide = () => {
    if (!this.leadership.hasOtherTabs()) this.api.goOfflineOnUnload();
    this.clearTimers();
    // Another tab of this reader, if any, takes over the heartbeat.
    this.leadership.stop();
  };

  private readonly handlePageShow = (event: PageTransitionEvent) => {
    if (event.persisted && this.tracking) this.competeForLead();
  };
}

export function createReaderPresenceService(options: {
  client: AppSupabaseClient;
  supabaseUrl: string;
  anonKey: string;
  intervalMs: number;
}): ReaderPresenceService {
  return new ReaderPresenceService({
    api: createPresenceApi(options.client, { supabaseUrl: options.supabaseUrl, anonKey: options.anonKey }),
    intervalMs: options.intervalMs,
  });
}
