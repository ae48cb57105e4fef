import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';

const priceFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const ratingFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatPricePerMinute(price: number): string {
  return `${priceFormat.format(price)}/min`;
}

export function formatRating(rating: number): string {
  return ratingFormat.format(rating);
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US');
}

function countOf(count: number, noun: string): string {
  return `${formatCount(count)} ${count === 1 ? noun : `${noun}s`}`;
}

export function formatReviewCount(count: number): string {
  return countOf(count, 'review');
}

/** The directory's summary line; with filters on, `matchingShown` says how many cards match so far. */
export function formatDirectorySummary({ readers, available, busy, away }: ReaderDirectorySummary, matchingShown?: number): string {
  const now = [`${formatCount(available)} available now`, busy > 0 && `${formatCount(busy)} in a reading`, away > 0 && `${formatCount(away)} away`]
    .filter(Boolean)
    .join(', ');
  if (matchingShown === undefined) return `${countOf(readers, 'reader')} · ${now}`;
  return `Showing ${countOf(matchingShown, 'matching reader')} of ${formatCount(readers)} · ${now}`;
}

/** Up to two initials for a reader without a photo. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return (
    words
      .slice(0, 2)
      .map((word) => [...word][0]!.toLocaleUpperCase())
      .join('') || '?'
  );
}

/** "every 2 min", "every 30 s": how often a page reads again, in the largest whole unit. */
export function formatRefreshInterval(ms: number): string {
  if (ms % 3_600_000 === 0) return `every ${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `every ${ms / 60_000} min`;
  if (ms < 1_000) return `every ${ms} ms`;
  return `every ${Number((ms / 1_000).toFixed(1))} s`;
}
