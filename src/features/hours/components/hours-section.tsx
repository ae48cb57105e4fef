import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { HoursEditor } from '@/features/hours/components/hours-editor';
import { useOwnHours } from '@/features/hours/hooks/use-own-hours';

interface HoursSectionProps {
  client: AppSupabaseClient;
  readerId: string;
  /** After a save that wrote something: cards show the next window the database now computes. */
  onSaved?: () => void;
  /** The browser's time zone, the default before the first save (tests pass one). */
  browserTimeZone?: string;
}

/** "Your hours" on the profile page of a reader. */
export function HoursSection({ client, readerId, onSaved, browserTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone }: HoursSectionProps) {
  const { saved, error, isFetching, refetch, save } = useOwnHours(client, readerId);
  return (
    <section aria-labelledby="hours-heading" className="space-y-4">
      <div>
        <h2 id="hours-heading" className="font-display text-2xl text-gold-300">
          Your hours
        </h2>
        <p className="mt-1 text-sm text-mist-300">
          When you usually work, in your own time zone. While you are offline or away, clients see your next window in their time; your status always comes from
          being signed in.
        </p>
      </div>
      {saved ? (
        <HoursEditor
          key={readerId}
          saved={saved}
          browserTimeZone={browserTimeZone}
          onSave={async (draft) => {
            const outcome = await save(draft);
            onSaved?.();
            return outcome;
          }}
        />
      ) : error ? (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refetch} busy={isFetching} />}>
          Your hours could not be loaded. {error instanceof ApiError ? error.message : 'Please try again.'}
        </StatusMessage>
      ) : (
        <p role="status" className="text-sm text-mist-300">
          Loading your hours…
        </p>
      )}
    </section>
  );
}
