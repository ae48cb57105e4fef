import type { RealtimeClient } from '@/lib/create-supabase-client';
import { UserChannel } from '@/lib/user-channel';
import { parseReading, type Reading, type ReadingsApi } from '@/features/readings/api/readings-api';

/** The database's push of every new or changed reading to both participants: their own private topic. */
export const readingEventsTopic = (userId: string) => `readings:${userId}`;
export const READING_EVENT = 'reading';

export interface ReadingEventsOptions {
  client: RealtimeClient;
  api: Pick<ReadingsApi, 'current' | 'heartbeat'>;
  /** How often the open reading is read while the channel is not subscribed. */
  pollIntervalMs: number;
  /** How often a ringing request is read, pushed or not: it settles its expiry on time. */
  ringingPollIntervalMs: number;
}

export const isOpen = (reading: Reading | null): reading is Reading => reading?.state === 'ringing' || reading?.state === 'live';

/** Whether `next` says more of the reading this tab follows than `known` does. */
function supersedes(next: Reading, known: Reading | null): boolean {
  if (!known) return true;
  const notOlder = Date.parse(next.serverTime) >= Date.parse(known.serverTime);
  // Another reading: a newer one, open or replacing one that is over (never a late answer about an old one).
  if (next.id !== known.id) return notOlder && (isOpen(next) || !isOpen(known));
  return notOlder || (isOpen(known) && !isOpen(next));
}

/**
 * The signed-in user's reading as it changes, in every open tab: a request ringing for a reader, a
 * client's request being answered, a reading going live and ending. Pushed on the user's private
 * channel; read every `pollIntervalMs` while that is down (and once each time it subscribes, since
 * pushes sent meanwhile are lost); a ringing request is also read every `ringingPollIntervalMs`, as
 * reading it is what expires it on time. The reading stays here after it closes, for its outcome,
 * until dismissed or replaced.
 */
export class ReadingEvents {
  private readonly options: ReadingEventsOptions;
  private readonly channel: UserChannel<Reading>;
  private ringingPoll: ReturnType<typeof setInterval> | undefined;
  private known: Reading | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(options: ReadingEventsOptions) {
    this.options = options;
    this.channel = new UserChannel({
      client: options.client,
      topic: readingEventsTopic,
      event: READING_EVENT,
      parse: parseReading,
      onPush: (reading) => this.adopt(reading),
      refresh: () => void this.refresh(),
      pollIntervalMs: options.pollIntervalMs,
    });
  }

  /** The reading this tab follows: open, or the last one closed until it is dismissed. */
  readonly getSnapshot = (): Reading | null => this.known;

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  get signedInUserId(): string | undefined {
    return this.channel.userId;
  }

  /** Follows this user's readings (another user's first stops); safe to call twice. */
  start(userId: string): void {
    if (this.channel.userId === userId) return;
    this.stop();
    this.channel.start(userId);
  }

  /** Stops following (signed out); safe to call twice. */
  stop(): void {
    if (this.channel.userId === undefined) return;
    this.channel.stop();
    this.followRinging(false);
    this.set(null);
  }

  /** Takes what a call or a push said of a reading, when it says more than this tab knew. */
  adopt(reading: Reading): void {
    const userId = this.channel.userId;
    if (userId === undefined || ![reading.clientId, reading.readerId].includes(userId)) return;
    if (supersedes(reading, this.known)) this.set(reading);
  }

  /** Forgets a closed reading once its outcome has been read. */
  dismiss(readingId: string): void {
    if (this.known?.id === readingId && !isOpen(this.known)) this.set(null);
  }

  private async refresh() {
    const userId = this.channel.userId;
    const followed = this.known;
    try {
      const open = await this.options.api.current();
      if (userId !== this.channel.userId) return;
      if (open) return this.adopt(open);
      // The one this tab followed closed meanwhile: read how.
      if (isOpen(followed) && this.known?.id === followed.id) this.adopt(await this.options.api.heartbeat(followed.id));
    } catch {
      // The next poll tries again; the pages that act on a reading show their own errors.
    }
  }

  private async readRinging() {
    const ringing = this.known;
    if (ringing?.state !== 'ringing') return;
    try {
      this.adopt(await this.options.api.heartbeat(ringing.id));
    } catch {
      // As above.
    }
  }

  private followRinging(ringing: boolean) {
    if (ringing && this.ringingPoll === undefined) {
      this.ringingPoll = setInterval(() => void this.readRinging(), this.options.ringingPollIntervalMs);
    } else if (!ringing && this.ringingPoll !== undefined) {
      clearInterval(this.ringingPoll);
      this.ringingPoll = undefined;
    }
  }

  private set(reading: Reading | null) {
    if (reading === this.known) return;
    this.known = reading;
    this.followRinging(reading?.state === 'ringing');
    for (const listener of this.listeners) listener();
  }
}
