// Calendar days in a time zone, with the time zone database's own rules through Intl: the browser
// only words instants the database chose, and needs the day they fall on where the viewer is.

const dayFormats = new Map<string, Intl.DateTimeFormat>();

function dayFormat(timeZone: string | undefined): Intl.DateTimeFormat {
  const key = timeZone ?? '';
  let format = dayFormats.get(key);
  if (!format) {
    // en-CA writes dates as YYYY-MM-DD, which compare as strings in calendar order.
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(key, format);
  }
  return format;
}

/** The calendar date (YYYY-MM-DD) of an instant in a time zone (the browser's when none is given). */
export function calendarDay(instant: Date, timeZone?: string): string {
  return dayFormat(timeZone).format(instant);
}

const MINUTE_MS = 60_000;
// A local day lasts at most 25 hours; a day and a bit more always reaches the next one.
const SEARCH_SPAN_MS = 27 * 60 * MINUTE_MS;

/**
 * The first instant of the day after `instant`'s day in a time zone: its next local midnight, or
 * the moment the next day begins where midnight does not exist (a daylight-saving change at
 * 00:00, as in Santiago). Found by bisection on whole minutes, so no offset arithmetic can go wrong.
 */
export function nextLocalMidnight(instant: Date, timeZone?: string): Date {
  const today = calendarDay(instant, timeZone);
  let before = Math.floor(instant.getTime() / MINUTE_MS) * MINUTE_MS;
  let after = before + SEARCH_SPAN_MS;
  while (after - before > MINUTE_MS) {
    const middle = before + Math.floor((after - before) / 2 / MINUTE_MS) * MINUTE_MS;
    if (calendarDay(new Date(middle), timeZone) === today) before = middle;
    else after = middle;
  }
  return new Date(after);
}
