/**
 * Durations written as Go's `time.ParseDuration` reads them ("24h", "1h30m", "-1.5s", "0"): the
 * format Supabase Auth takes for `ban_duration`, so the same strings mean the same here.
 */

const NANOSECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  µs: 1e3, // U+00B5 MICRO SIGN
  μs: 1e3, // U+03BC GREEK SMALL LETTER MU
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
};

/** Go keeps a duration in an int64 of nanoseconds: about 292 years. */
const MAX_NANOSECONDS = 2 ** 63 - 1;

const NUMBER = /\d*(?:\.\d*)?/y;
const UNIT = /[^\d.]*/y;

/** The duration in seconds; throws an Error worded as Go's (`time: invalid duration "x"`). */
export function parseGoDuration(text: string): number {
  const quoted = JSON.stringify(text);
  const invalid = () => new Error(`time: invalid duration ${quoted}`);
  let position = text.startsWith('-') || text.startsWith('+') ? 1 : 0;
  const sign = text.startsWith('-') ? -1 : 1;
  if (text.slice(position) === '0') return 0;
  if (position === text.length) throw invalid();

  let nanoseconds = 0;
  while (position < text.length) {
    NUMBER.lastIndex = position;
    const number = NUMBER.exec(text)![0];
    // A part needs a digit before or after its point: "1.5h" and ".5h" are durations, ".h" is not.
    if (!/\d/.test(number)) throw invalid();
    UNIT.lastIndex = position + number.length;
    const unit = UNIT.exec(text)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${quoted}`);
    const scale = NANOSECONDS_PER_UNIT[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${quoted}`);
    nanoseconds += Number(number) * scale;
    position += number.length + unit.length;
  }
  if (nanoseconds > MAX_NANOSECONDS) throw invalid();
  return (sign * nanoseconds) / 1e9;
}
