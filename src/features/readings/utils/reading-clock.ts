// The live display during a call: the time since the start, and money as the database counts it.

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

/** $1,234.50 */
export function formatMoney(amount: number): string {
  return money.format(amount);
}
