import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';

interface FormatOptions {
  /** The person's clock now, to say "at 21:04" today and "on 24 Nov at 21:04" before. */
  now: Date;
  /** The browser's own unless given (tests pin them). */
  locale?: string;
  timeZone?: string;
}

function dayOf(date: Date, locale: string | undefined, timeZone: string | undefined): string {
  return date.toLocaleDateString(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}

/** When a reader became available, in the person's local time: "21:04", or "24 Nov, 21:04" on another day. */
export function formatAvailableAt(availableAt: string, { now, locale, timeZone }: FormatOptions): string {
  const at = new Date(availableAt);
  const time = at.toLocaleTimeString(locale, { timeZone, hour: '2-digit', minute: '2-digit' });
  if (dayOf(at, locale, timeZone) === dayOf(now, locale, timeZone)) return `at ${time}`;
  return `on ${at.toLocaleDateString(locale, { timeZone, day: 'numeric', month: 'short' })} at ${time}`;
}

/** A past notification in words: "Luna Starweaver was available at 21:04". */
export function notificationText(notification: AvailabilityNotification, options: FormatOptions): string {
  return `${notification.displayName} was available ${formatAvailableAt(notification.availableAt, options)}`;
}

/** A notification as it happens: "Luna Starweaver is available now". */
export function availableNowText(notification: Pick<AvailabilityNotification, 'displayName'>): string {
  return `${notification.displayName} is available now`;
}
