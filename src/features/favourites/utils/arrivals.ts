import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';

/**
 * Which notifications a tab announces (a toast, and a system notification from the elected tab):
 * each once, whether it came by push, by poll, or both, and only those that happened while the tab
 * was open. The first list a tab reads holds what happened while it was not: that goes to the list,
 * not to toasts. Pushes that arrive before that first list are announced, and then known.
 */
export class Arrivals {
  private readonly known = new Set<number>();
  private listRead = false;

  /** The notification came by push: true if it is to be announced. */
  pushed(notification: AvailabilityNotification): boolean {
    if (this.known.has(notification.id)) return false;
    this.known.add(notification.id);
    return true;
  }

  /** A list was read: the unread ones to announce (none from the first list). */
  listed(list: readonly AvailabilityNotification[]): AvailabilityNotification[] {
    const fresh = list.filter((notification) => !this.known.has(notification.id));
    for (const notification of fresh) this.known.add(notification.id);
    const first = !this.listRead;
    this.listRead = true;
    return first ? [] : fresh.filter((notification) => notification.readAt === null);
  }
}
