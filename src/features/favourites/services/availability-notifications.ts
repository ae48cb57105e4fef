import type { QueryClient } from '@tanstack/react-query';
import type { RealtimeClient } from '@/lib/create-supabase-client';
import { UserChannel } from '@/lib/user-channel';
import { AVAILABLE_EVENT, notificationsChannel, parseAvailabilityPush } from '@/features/favourites/api/availability-push';
import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';
import { notificationKeys } from '@/features/favourites/api/query-keys';
import type { SystemNotifications } from '@/features/favourites/services/system-notifications';
import { Arrivals } from '@/features/favourites/utils/arrivals';
import { availableNowText } from '@/features/favourites/utils/format-notification';

/** Who shows the system notification in this browser (NotificationLeader). */
export interface Leader {
  start(): void;
  stop(): void;
  readonly isLeader: boolean;
}

export interface AvailabilityNotificationsOptions {
  client: RealtimeClient;
  queryClient: QueryClient;
  loadNotifications: () => Promise<AvailabilityNotification[]>;
  /** How often the list is read while the channel is not subscribed. */
  pollIntervalMs: number;
  leader: Leader;
  system: SystemNotifications;
}

// Older toasts make way: the Notifications panel keeps them all.
export const MAX_TOASTS = 5;

const openReaderPage = (readerId: string) => window.location.assign(`/readers/${encodeURIComponent(readerId)}`);

/**
 * A signed-in client's availability notifications as they happen, in every open tab: pushed on
 * their private channel, or found by reading the list every `pollIntervalMs` while the channel is
 * not subscribed (and once each time it subscribes, since pushes sent meanwhile are lost). Each is
 * a toast in every tab, and a system notification from the one elected tab if the person allowed them.
 */
export class AvailabilityNotifications {
  private readonly options: AvailabilityNotificationsOptions;
  private readonly channel: UserChannel<AvailabilityNotification>;
  private arrivals = new Arrivals();
  private shown: readonly AvailabilityNotification[] = [];
  private readonly listeners = new Set<() => void>();
  private openReader: (readerId: string) => void = openReaderPage;

  constructor(options: AvailabilityNotificationsOptions) {
    this.options = options;
    this.channel = new UserChannel({
      client: options.client,
      topic: notificationsChannel,
      event: AVAILABLE_EVENT,
      parse: parseAvailabilityPush,
      onPush: (notification) => this.pushed(notification),
      refresh: () => void this.refresh(),
      pollIntervalMs: options.pollIntervalMs,
      onLiveChange: () => this.emit(),
    });
  }

  get isLive(): boolean {
    return this.channel.isLive;
  }

  /** The toasts this tab shows, newest last. */
  get toasts(): readonly AvailabilityNotification[] {
    return this.shown;
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** Follows this user's notifications (another user's first stops); safe to call twice. */
  start(userId: string): void {
    if (this.channel.userId === userId) return;
    this.stop();
    this.arrivals = new Arrivals();
    this.options.leader.start();
    this.channel.start(userId);
  }

  /** Stops following (signed out); safe to call twice. */
  stop(): void {
    if (this.channel.userId === undefined) return;
    this.channel.stop();
    this.options.leader.stop();
    this.shown = [];
    this.emit();
  }

  dismiss(notificationId: number): void {
    this.shown = this.shown.filter((notification) => notification.id !== notificationId);
    this.emit();
  }

  /** How a click on a system notification opens the reader's page (the router's navigation, once it is there). */
  setReaderOpener(open: (readerId: string) => void): () => void {
    this.openReader = open;
    return () => {
      if (this.openReader === open) this.openReader = openReaderPage;
    };
  }

  private pushed(notification: AvailabilityNotification) {
    const userId = this.channel.userId;
    if (!this.arrivals.pushed(notification) || userId === undefined) return;
    this.options.queryClient.setQueryData<AvailabilityNotification[]>(notificationKeys.list(userId), (list) =>
      list && !list.some((known) => known.id === notification.id) ? [notification, ...list] : list,
    );
    this.announce(notification);
  }

  private async refresh() {
    const userId = this.channel.userId;
    if (userId === undefined) return;
    let list: AvailabilityNotification[];
    try {
      list = await this.options.queryClient.fetchQuery({ queryKey: notificationKeys.list(userId), queryFn: this.options.loadNotifications, staleTime: 0 });
    } catch {
      // The panel shows the failure; the next poll tries again.
      return;
    }
    if (userId !== this.channel.userId) return;
    // Oldest first, so the newest toast ends up last, as pushes would have.
    for (const notification of this.arrivals.listed(list).reverse()) this.announce(notification);
  }

  private announce(notification: AvailabilityNotification) {
    this.shown = [...this.shown, notification].slice(-MAX_TOASTS);
    this.emit();
    const { leader, system } = this.options;
    if (!leader.isLeader || system.permission() !== 'granted') return;
    system.show(availableNowText(notification), { body: 'Open their page to ask for a reading.', tag: `availability-${notification.id}` }, () => {
      window.focus();
      this.openReader(notification.readerId);
    });
  }

  private emit() {
    for (const listener of this.listeners) listener();
  }
}
