import { getReadersOnlineStatus } from '@/features/presence/api/get-readers-online-status';
import { createPresenceApi, isSessionEnded, type PresenceApi, type PresenceReport } from '@/features/presence/api/report-presence';
import { createTabLeadership, type TabLeadership } from '@/features/presence/services/tab-leadership';
import { retryDelay } from '@/features/presence/utils/retry-delay';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';

export { ONLINE_THRESHOLD_MINUTES } from '@/features/presence/utils/derive-presence';

/** How often the leading tab says "still here"; well inside the five-minute rule. */
export const PRESENCE_UPDATE_INTERVAL = 60_000;

/** 'idle' when not tracking, 'ok' after a heartbeat got through, 'retrying' while they fail, 'stopped' when the session ended. */
export type PresenceHealth = 'idle' | 'ok' | 'retrying' | 'stopped';

export interface ReaderPresenceOptions {
  api: PresenceApi;
  clock: ServerClock;
  intervalMs?: number;
  leadership?: TabLeadership;
  /** Source of online, pagehide and pageshow events. */
  target?: Window;
  /** Source of visibilitychange events. */
  document?: Document;
  random?: () => number;
  logger?: Pick<Console, 'warn' | 'info'>;
}

/**
 * Keeps a signed-in reader online: while tracking, the browser's leading tab sends a heartbeat at
 * once and then every interval; failures are retried with backoff; leaving sends "offline".
 */
export class ReaderPresenceService {
  private readonly api: PresenceApi;
  private readonly clock: ServerClock;
  private readonly intervalMs: number;
  private readonly leadership: TabLeadership;
  private readonly target: Window | undefined;
  private readonly document: Document | undefined;
  private readonly random: () => number;
  private readonly logger: Pick<Console, 'warn' | 'info'>;

  private tracking = false;
  private failures = 0;
  private currentHealth: PresenceHealth = 'idle';
  private readonly listeners = new Set<(health: PresenceHealth) => void>();
  private intervalTimer: ReturnType<typeof setInterval> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  // One request at a time, in order: an "offline" queued before a heartbeat reaches the server first.
  private queue: Promise<void> = Promise.resolve();

  constructor(options: ReaderPresenceOptions) {
    this.api = options.api;
    this.clock = options.clock;
    this.intervalMs = options.intervalMs ?? PRESENCE_UPDATE_INTERVAL;
    this.leadership = options.leadership ?? createTabLeadership('reader-presence');
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
    return this.currentHealth;
  }

  subscribe(listener: (health: PresenceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  startTracking(): void {
    if (this.tracking) return;
    this.tracking = true;
    this.failures = 0;
    this.setHealth('idle');
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
    let report: PresenceReport;
    try {
      report = await this.api.heartbeat();
    } catch (error) {
      this.heartbeatFailed(error);
      return;
    }
    this.clock.observe(new Date(report.serverTime));
    // Stopped, or the page was hidden, while the request was out: no timers for a tab that let go.
    if (!this.leading) return;
    if (this.failures > 0) this.logger.info('Presence: reconnected, you are shown online again.');
    this.failures = 0;
    if (this.intervalTimer === undefined) this.startInterval();
    this.setHealth('ok');
  }

  private heartbeatFailed(error: unknown) {
    if (!this.leading) return;
    if (isSessionEnded(error)) {
      this.logger.info('Presence: your session ended, so you are no longer shown online.');
      this.halt('stopped');
      return;
    }
    this.failures += 1;
    // One warning per outage: a reader offline for an hour should not get sixty.
    if (this.failures === 1) this.logger.warn('Presence: could not report that you are online; retrying.', error);
    this.scheduleRetry();
    this.setHealth('retrying');
  }

  private scheduleRetry() {
    this.clearTimers();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.updatePresence();
    }, retryDelay(this.failures, this.intervalMs, this.random));
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
    this.target?.removeEventListener('online', this.handleOnline);
    this.target?.removeEventListener('pagehide', this.handlePageHide);
    this.target?.removeEventListener('pageshow', this.handlePageShow);
    this.document?.removeEventListener('visibilitychange', this.handleVisibilityChange);
    this.leadership.stop();
    this.setHealth(health);
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(task, task);
    return this.queue;
  }

  private setHealth(health: PresenceHealth) {
    if (health === this.currentHealth) return;
    this.currentHealth = health;
    for (const listener of this.listeners) listener(health);
  }

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
  clock: ServerClock;
  supabaseUrl: string;
  anonKey: string;
  intervalMs: number;
}): ReaderPresenceService {
  return new ReaderPresenceService({
    api: createPresenceApi(options.client, { supabaseUrl: options.supabaseUrl, anonKey: options.anonKey }),
    clock: options.clock,
    intervalMs: options.intervalMs,
  });
}
