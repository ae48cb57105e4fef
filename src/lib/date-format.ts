// English words and the 24-hour clock the rest of the app uses, in a given time zone (the
// browser's unless one is given). Formats are cached: charts word hundreds of instants per render.
const LOCALE = 'en-GB';
const formats = new Map<string, Intl.DateTimeFormat>();

/** The app's date format with these options in this time zone, made once. */
export function dateFormat(timeZone: string | undefined, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone ?? ''}|${JSON.stringify(options)}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { timeZone, hourCycle: 'h23', ...options });
    formats.set(key, format);
  }
  return format;
}
