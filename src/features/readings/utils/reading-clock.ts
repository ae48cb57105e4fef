// The live display during a call. The database records the amount by the same rule
// (private.reading_amount: every started minute at the agreed price); these only show it running.

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

const twoDigits = (value: number) => String(value).padStart(2, '0');

/** 0:07, 12:05, 1:02:03; a started second counts, as in the database. */
export function formatReadingDuration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = twoDigits(whole % 60);
  return hours > 0 ? `${hours}:${twoDigits(minutes)}:${rest}` : `${minutes}:${rest}`;
}

/** The minutes begun in `seconds`: none at 0, one from the first second to the sixtieth, two from the sixty-first. */
export function startedMinutes(seconds: number): number {
  return Math.max(0, Math.ceil(seconds / 60));
}

/** What the reading costs so far, in dollars to the cent. */
export function runningCost(pricePerMinute: number, seconds: number): number {
  return Math.round(startedMinutes(seconds) * pricePerMinute * 100) / 100;
}

/** $1,234.50 */
export function formatMoney(amount: number): string {
  return money.format(amount);
}
