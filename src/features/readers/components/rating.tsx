import { Star } from 'lucide-react';
import { formatRating, formatReviewCount } from '@/features/readers/utils/format-reader';

/** "★ 4.9 (128 reviews)", heard as "4.9 out of 5 (128 reviews)". */
export function Rating({ rating, reviewCount }: { rating: number; reviewCount: number }) {
  return (
    <>
      <Star aria-hidden="true" className="size-4 fill-gold-400 text-gold-400" />
      <span className="font-medium text-mist-100">{formatRating(rating)}</span>
      <span className="sr-only"> out of 5</span>
      <span className="text-mist-500"> ({formatReviewCount(reviewCount)})</span>
    </>
  );
}
