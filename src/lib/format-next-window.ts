import { calendarDay } from '@/lib/calendar-day';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole calendar days from one YYYY-MM-DD to another. */
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS);

function timeText(instant: Date, timeZone: string | undefined, locale: string | undefined): string {
  // The 24-hour clock the cards use everywhere ("until 22:00"), whatever the locale's habit.
  return new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
}

function dayText(instant: Date, timeZone: string | undefined, locale: string | undefined, withDate: boolean): string {
  return new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', ...(withDate ? { day: 'numeric', month: 'short' } : {}) }).format(instant);
}

/**
 * A reader's next window of hours in the viewer's words and time zone, or null when there is none
 * to show. The database chose the window (reader_cards.next_window_*) with the reader's zone and
 * its daylight-saving rules; this only words its two instants where the viewer is. `serverNow` is
 * the database's clock, so a wrong browser clock cannot say "now" or "today" wrongly; the viewer's
 * zone says which calendar day "today" is.
 */
export function formatNextWindow(startsAt: string | null, endsAt: string | null, serverNow: Date, timeZone?: string, locale?: string): string | null {
  if (startsAt === null || endsAt === null) return null;
  const starts = new Date(startsAt);
  const ends = new Date(endsAt);
  // The database moves on to the next window within a minute of one ending: until then the one
  // it still shows is over, and promising it would be wrong.
  if (ends.getTime() <= serverNow.getTime()) return null;
  if (starts.getTime() <= serverNow.getTime()) return `Usually available now until ${timeText(ends, timeZone, locale)}`;
  const days = daysBetween(calendarDay(serverNow, timeZone), calendarDay(starts, timeZone));
  if (days === 0) return `Usually available today ${timeText(starts, timeZone, locale)}–${timeText(ends, timeZone, locale)}`;
  // A weekday alone reads as the coming one: a window on that weekday a week or more away says its date.
  const withDate = days >= 7;
  return `Next available ${dayText(starts, timeZone, locale, withDate)} ${timeText(starts, timeZone, locale)}`;
}
