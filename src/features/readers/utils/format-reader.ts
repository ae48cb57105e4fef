const priceFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const ratingFormat = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

export function formatPricePerMinute(price: number): string {
  return `${priceFormat.format(price)}/min`;
}

export function formatRating(rating: number): string {
  return ratingFormat.format(rating);
}

export function formatReviewCount(count: number): string {
  return count === 1 ? '1 review' : `${count.toLocaleString('en-US')} reviews`;
}

/** Up to two initials for a reader without a photo. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.slice(0, 2).map((word) => [...word][0]!.toLocaleUpperCase()).join('') || '?';
}
