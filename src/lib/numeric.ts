/**
 * A number from a database column as PostgREST sends it: bigint and numeric may come as JSON
 * numbers or as numeric strings. Null when there is none (a left join's missing row) or it is not a
 * finite number, so one bad cell never becomes NaN on a chart.
 */
export function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** A count: a missing or unreadable one counts as none. */
export function toCount(value: unknown): number {
  return toNumber(value) ?? 0;
}

/** An instant as epoch milliseconds, or null when the column is empty or unreadable. */
export function toInstant(value: unknown): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? null : parsed;
}
