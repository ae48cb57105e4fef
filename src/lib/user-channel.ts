import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/supabase-js';
import type { RealtimeClient } from '@/lib/create-supabase-client';

export interface UserChannelOptions<T> {
  client: RealtimeClient;
  /** The user's own private topic, which the database lets only them join. */
  topic: (userId: string) => string;
  event: string;
  /** A push's payload checked, or null for anything else, which is dropped. */
  parse: (payload: unknown) => T | null;
  onPush: (pushed: T) => void;
  /** Reads what pushes would have told: at the start, on each subscribe, and every poll while not subscribed. */
  refresh: () => void;
  pollIntervalMs: number;
  onLiveChange?: (live: boolean) => void;
}

/**
 * What the database pushes to one signed-in user on their private Realtime topic, with a poll in
 * its place while the channel is not subscribed. supabase-js rejoins by itself after the socket
 * drops; pushes sent meanwhile are lost, so each subscribe reads again too.
 */
export class UserChannel<T> {
  private readonly options: UserChannelOptions<T>;
  private followed: string | undefined;
  private channel: RealtimeChannel | undefined;
  private poll: ReturnType<typeof setInterval> | undefined;
  private live = false;

  constructor(options: UserChannelOptions<T>) {
    this.options = options;
  }

  /** The user followed, if any. */
  get userId(): string | undefined {
    return this.followed;
  }

  get isLive(): boolean {
    return this.live;
  }

  /** Follows this user's topic; the caller stops any other first. */
  start(userId: string): void {
    this.followed = userId;
    const channel = this.options.client.channel(this.options.topic(userId), { config: { private: true } });
    this.channel = channel;
    channel
      .on('broadcast', { event: this.options.event }, ({ payload }: { payload?: unknown }) => {
        const pushed = channel === this.channel ? this.options.parse(payload) : null;
        if (pushed !== null) this.options.onPush(pushed);
      })
      .subscribe((status) => {
        if (channel === this.channel) this.setLive(status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED);
      });
    this.poll = setInterval(() => {
      if (!this.live) this.options.refresh();
    }, this.options.pollIntervalMs);
    this.options.refresh();
  }

  /** Stops following; safe to call twice. */
  stop(): void {
    if (this.followed === undefined) return;
    this.followed = undefined;
    clearInterval(this.poll);
    const channel = this.channel;
    this.channel = undefined;
    this.live = false;
    if (channel) void this.options.client.removeChannel(channel);
  }

  private setLive(live: boolean) {
    if (live === this.live) return;
    this.live = live;
    if (live) this.options.refresh();
    this.options.onLiveChange?.(live);
  }
}
