import { calendarDay } from '@/lib/calendar-day';
import { dateFormat } from '@/lib/date-format';
import { formatTimeAgo } from '@/lib/format-last-seen';
import { formatCount } from '@/lib/format-number';
import type { OpsPeriod } from '@/features/ops/utils/periods';

// Times in the viewer's time zone (the browser's unless one is given).

const CLOCK: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit' };
const BUCKET_FORMATS: Record<OpsPeriod, Intl.DateTimeFormatOptions> = {
  '24 hours': CLOCK,
  '7 days': { weekday: 'short', ...CLOCK },
  '30 days': { weekday: 'short', day: 'numeric', month: 'short', ...CLOCK },
};
const TICK_FORMATS: Record<OpsPeriod, Intl.DateTimeFormatOptions> = {
  '24 hours': CLOCK,
  '7 days': { weekday: 'short', day: 'numeric' },
  '30 days': { day: 'numeric', month: 'short' },
};

/** When a chart point starts, as precisely as its period needs: "14:10", "Tue 14:00", "Tue 25 Nov, 12:00". */
export function formatBucketTime(at: number, period: OpsPeriod, timeZone?: string): string {
  return dateFormat(timeZone, BUCKET_FORMATS[period]).format(at);
}

/** A chart axis label: "14:00", "Tue 25", "25 Nov". */
export function formatTick(at: number, period: OpsPeriod, timeZone?: string): string {
  return dateFormat(timeZone, TICK_FORMATS[period]).format(at);
}

/** "14:03" on the server's today (in the viewer's zone), "Mon 24 Nov, 14:03" on another day. */
export function formatClockTime(at: string | Date, serverNow: Date | undefined, timeZone?: string): string {
  const instant = new Date(at);
  const today = serverNow !== undefined && calendarDay(instant, timeZone) === calendarDay(serverNow, timeZone);
  return dateFormat(timeZone, today ? CLOCK : { weekday: 'short', day: 'numeric', month: 'short', ...CLOCK }).format(instant);
}

/** "14:03 (12 minutes ago)", measured on the server's clock; the time alone until that clock is known. */
export function formatWhen(at: string | Date, serverNow: Date | undefined, timeZone?: string): string {
  const time = formatClockTime(at, serverNow, timeZone);
  return serverNow === undefined ? time : `${time} (${formatTimeAgo(at, serverNow)})`;
}

const percent = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 2 });

/** A failure rate (a share of the updates attempted) as a percentage; "no updates" when nothing was attempted. */
export function formatFailureRate(rate: number | null): string {
  return rate === null ? 'no updates' : percent.format(rate);
}

/** How often something is read again, in whole seconds: "every second", "every 30 seconds". */
export function formatEvery(ms: number): string {
  const seconds = Math.max(1, Math.round(ms / 1000));
  return seconds === 1 ? 'every second' : `every ${formatCount(seconds)} seconds`;
}

/** 0.4 ms, 12 ms, 1.5 s */
export function formatDurationMs(ms: number): string {
  if (ms < 10) return `${formatCount(Math.round(ms * 10) / 10)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${formatCount(Math.round(ms / 100) / 10)} s`;
}
