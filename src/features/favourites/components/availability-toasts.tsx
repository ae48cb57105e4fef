import { BellRing, X } from 'lucide-react';
import { Link } from 'react-router-dom';
import { useAvailabilityToasts, useReaderOpener } from '@/features/favourites/hooks/use-availability-notifications';
import { availableNowText } from '@/features/favourites/utils/format-notification';

/** This tab's in-app notifications of followed readers becoming available, announced politely. */
export function AvailabilityToasts() {
  const { toasts, dismiss } = useAvailabilityToasts();
  useReaderOpener();
  // The live region is always there, so screen readers announce a toast that is added to it.
  return (
    <section
      aria-live="polite"
      aria-label="Availability notifications"
      className="fixed bottom-4 right-4 z-40 flex w-80 max-w-[calc(100vw-2rem)] flex-col gap-2"
    >
      {toasts.map((toast) => (
        <div
          key={toast.id}
          role="status"
          data-testid="availability-toast"
          className="flex items-start gap-3 rounded-lg border border-emerald-400/40 bg-night-900 p-3 text-sm text-mist-100 shadow-lg shadow-night-950/60"
        >
          <BellRing aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-emerald-400" />
          <div className="min-w-0 flex-1">
            <p className="font-medium">{availableNowText(toast)}</p>
            <Link
              to={`/readers/${toast.readerId}`}
              onClick={() => dismiss(toast.id)}
              className="rounded text-gold-400 underline underline-offset-4 hover:text-gold-300"
            >
              Open {toast.displayName}&apos;s page
            </Link>
          </div>
          <button
            type="button"
            onClick={() => dismiss(toast.id)}
            aria-label={`Dismiss: ${availableNowText(toast)}`}
            className="shrink-0 rounded p-0.5 text-mist-300 hover:text-gold-300"
          >
            <X aria-hidden="true" className="size-4" />
          </button>
        </div>
      ))}
    </section>
  );
}
