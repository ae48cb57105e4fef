const counts = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1 });

/** 1,010 or 12.5 */
export function formatCount(value: number): string {
  return counts.format(value);
}
