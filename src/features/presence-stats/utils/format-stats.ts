import type { TimeAxis } from '@/components/charts/chart-data';
import { dateFormat } from '@/lib/date-format';
import { formatCount } from '@/lib/format-number';

const DAY_MS = 24 * 60 * 60_000;

/** A reader's local date (YYYY-MM-DD) as the UTC midnight that stands for it on a chart. */
export const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** The date (YYYY-MM-DD) a chart point stands for. */
export const dayOf = (at: number) => new Date(at).toISOString().slice(0, 10);

/** The date `count` days after (or before) `day`. */
export const addDays = (day: string, count: number) => dayOf(dayStart(day) + count * DAY_MS);

// Dates are the reader's own calendar days, not instants: worded as they are, whatever the viewer's zone.
const DAY = { weekday: 'short', day: 'numeric', month: 'short' } as const;
const TICK = { day: 'numeric', month: 'short' } as const;

/** "Wed 25 Nov" */
export const formatDay = (day: string) => dateFormat('UTC', DAY).format(dayStart(day));

/** The chart of one point a day: UTC midnights, labelled "25 Nov", listed "Wed 25 Nov". */
export const DAY_AXIS: TimeAxis = {
  bucketMs: DAY_MS,
  utc: true,
  heading: 'Day',
  formatTick: (at) => dateFormat('UTC', TICK).format(at),
  formatPoint: (at) => dateFormat('UTC', DAY).format(at),
};

/** "45 min", "0.5 min", "1 h", "2 h 15 min" */
export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${formatCount(Math.round(minutes * 10) / 10)} min`;
  const whole = Math.round(minutes);
  const hours = Math.floor(whole / 60);
  const rest = whole % 60;
  return rest === 0 ? `${formatCount(hours)} h` : `${formatCount(hours)} h ${rest} min`;
}

const twoDigits = (hour: number) => String(hour).padStart(2, '0');

/** 9 as "09:00" */
export const formatHour = (hour: number) => `${twoDigits(hour)}:00`;

/** 9 as "09:00–10:00", 23 as "23:00–00:00" */
export const formatHourRange = (hour: number) => `${formatHour(hour)}–${formatHour((hour + 1) % 24)}`;
