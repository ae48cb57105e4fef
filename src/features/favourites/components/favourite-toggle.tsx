import { Star } from 'lucide-react';
import { ApiError } from '@/lib/api-error';
import { useFavourites, useStarReader } from '@/features/favourites/hooks/use-favourites';

interface FavouriteToggleProps {
  readerId: string;
  readerName: string;
}

const failure = (error: unknown) => (error instanceof ApiError ? error.message : 'The favourite could not be saved. Please try again.');

/** The star on a reader's card and page: for a signed-in person other than that reader, once their favourites are known. */
export function FavouriteToggle({ readerId, readerName }: FavouriteToggleProps) {
  const { userId, favourites } = useFavourites();
  const star = useStarReader(readerId);
  if (userId === undefined || userId === readerId || favourites === undefined) return null;
  const starred = favourites.some((favourite) => favourite.readerId === readerId);
  const label = starred ? `Remove ${readerName} from favourites` : `Add ${readerName} to favourites`;
  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        aria-pressed={starred}
        aria-label={label}
        title={label}
        onClick={() => star.mutate(!starred)}
        className="rounded-full p-1.5 text-gold-400 hover:bg-night-800 hover:text-gold-300"
      >
        <Star aria-hidden="true" className={`size-5 ${starred ? 'fill-current' : ''}`} />
      </button>
      {star.isError && (
        <p role="alert" className="max-w-48 text-right text-xs text-rose-300">
          {failure(star.error)}
        </p>
      )}
    </div>
  );
}
