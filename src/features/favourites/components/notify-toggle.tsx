import { Bell, BellOff } from 'lucide-react';
import { ApiError } from '@/lib/api-error';
import { useFavourites, useNotifyWhenAvailable } from '@/features/favourites/hooks/use-favourites';

/** "Notify me when available", for a reader the signed-in client has starred; nothing otherwise. */
export function NotifyToggle({ readerId }: { readerId: string }) {
  const { favourites } = useFavourites();
  const notify = useNotifyWhenAvailable(readerId);
  const favourite = favourites?.find((candidate) => candidate.readerId === readerId);
  if (!favourite) return null;
  const Icon = favourite.notify ? Bell : BellOff;
  return (
    <div className="space-y-1">
      <button
        type="button"
        aria-pressed={favourite.notify}
        onClick={() => notify.mutate(!favourite.notify)}
        className="inline-flex items-center gap-1.5 rounded-md border border-night-600 px-3 py-1.5 text-sm text-mist-100 hover:bg-night-800 aria-pressed:border-gold-500/60 aria-pressed:text-gold-300"
      >
        <Icon aria-hidden="true" className="size-4" />
        Notify me when available
      </button>
      {notify.isError && (
        <p role="alert" className="text-xs text-rose-300">
          {notify.error instanceof ApiError ? notify.error.message : 'The change could not be saved. Please try again.'}
        </p>
      )}
    </div>
  );
}
