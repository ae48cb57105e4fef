import type { QueryClient } from '@tanstack/react-query';
import { REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/supabase-js';
import type { RealtimeClient } from '@/lib/create-supabase-client';
import { readerKeys } from '@/features/readers/api/query-keys';
import {
  parseReaderStatusChange,
  READER_PRESENCE_CHANNEL,
  READER_PRESENCE_CHANNEL_OPTIONS,
  STATUS_EVENT,
  type ReaderStatusChange,
} from '@/features/readers/api/reader-status-broadcast';
import type { ReaderDirectory } from '@/features/readers/hooks/use-reader-directory';
import type { ReaderSnapshot } from '@/features/readers/hooks/use-reader';
import { applyToDirectory, applyToSnapshot } from '@/features/readers/utils/apply-status-change';

export interface LiveReaderStatusOptions {
  client: RealtimeClient;
  queryClient: QueryClient;
}

/**
 * Status changes written into the cached reader cards as they happen: the database's pushes on the
 * `reader-presence` channel, and any change the app learns otherwise (a reader's own status). The
 * channel is open while at least one page uses it; `isLive` says whether it is subscribed, and
 * each (re)subscription rereads the pages' cards, since pushes sent while it was not are lost.
 */
export class LiveReaderStatus {
  private readonly client: RealtimeClient;
  private readonly queryClient: QueryClient;
  private channel: RealtimeChannel | undefined;
  private users = 0;
  private pendingClose: ReturnType<typeof setTimeout> | undefined;
  private live = false;
  private readonly listeners = new Set<() => void>();
  // Changes that arrived while a read was out: its answer may predate them, so they are written
  // into it again. Emptied whenever no read is out.
  private readonly changesDuringReads: ReaderStatusChange[] = [];
  private readsOut = 0;

  constructor(options: LiveReaderStatusOptions) {
    this.client = options.client;
    this.queryClient = options.queryClient;
  }

  /** Subscribed: changes arrive as they happen. */
  get isLive(): boolean {
    return this.live;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** A page that shows statuses: the first one opens the channel; the returned release closes it after the last. */
  connect(): () => void {
    clearTimeout(this.pendingClose);
    this.pendingClose = undefined;
    this.users += 1;
    if (!this.channel) this.open();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.users -= 1;
      // A release followed at once by a connect (one readers page replacing the other, StrictMode's
      // second mount) keeps the channel rather than leaving and joining again.
      if (this.users === 0) this.pendingClose = setTimeout(() => this.close(), 0);
    };
  }

  /** Writes the change into every cached card of that reader, in place. */
  apply(change: ReaderStatusChange): void {
    if (this.readsOut > 0) this.changesDuringReads.push(change);
    this.queryClient.setQueriesData<ReaderDirectory>({ queryKey: readerKeys.directories() }, (data) =>
      unlessSame(data, data && applyToDirectory(data, change)),
    );
    this.queryClient.setQueriesData<ReaderSnapshot>({ queryKey: readerKeys.details() }, (data) => unlessSame(data, data && applyToSnapshot(data, change)));
  }

  /** Runs a read of cards, then writes into its answer the changes that arrived meanwhile. */
  async read<T>(load: () => Promise<T>, applyChange: (data: T, change: ReaderStatusChange) => T): Promise<T> {
    const first = this.changesDuringReads.length;
    this.readsOut += 1;
    try {
      const data = await load();
      return this.changesDuringReads.slice(first).reduce(applyChange, data);
    } finally {
      this.readsOut -= 1;
      if (this.readsOut === 0) this.changesDuringReads.length = 0;
    }
  }

  private open() {
    const channel = this.client.channel(READER_PRESENCE_CHANNEL, READER_PRESENCE_CHANNEL_OPTIONS);
    this.channel = channel;
    channel
      .on('broadcast', { event: STATUS_EVENT }, ({ payload }: { payload?: unknown }) => {
        // Malformed messages are dropped without a word: a log line each would let a rogue sender
        // flood the console.
        const change = channel === this.channel ? parseReaderStatusChange(payload) : null;
        if (change) this.apply(change);
      })
      // supabase-js rejoins by itself after the socket drops (CHANNEL_ERROR, then SUBSCRIBED again
      // once it reconnects), and retries a join that TIMED_OUT; CLOSED comes after removeChannel.
      .subscribe((status) => {
        if (channel === this.channel) this.setLive(status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED);
      });
  }

  private close() {
    this.pendingClose = undefined;
    const channel = this.channel;
    this.channel = undefined;
    this.setLive(false);
    if (channel) void this.client.removeChannel(channel);
  }

  private setLive(live: boolean) {
    if (live === this.live) return;
    this.live = live;
    // Whatever changed before the subscription took effect was never pushed to this page.
    if (live) void this.queryClient.invalidateQueries({ queryKey: readerKeys.all });
    for (const listener of this.listeners) listener();
  }
}

// Undefined tells setQueriesData to leave a query alone, so an unrelated push re-renders nothing.
function unlessSame<T>(before: T | undefined, after: T | undefined): T | undefined {
  return after === before ? undefined : after;
}
