import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { FormError } from '@/components/ui/form-field';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { OwnApplication } from '@/features/applications/api/fetch-own-application';
import { useApplyAsReader, useOwnApplication } from '@/features/applications/hooks/use-own-application';

const SECONDARY_BUTTON =
  'shrink-0 rounded-md border border-gold-500/60 px-3 py-1.5 text-sm font-medium text-gold-300 hover:bg-night-800 disabled:cursor-wait disabled:opacity-60';

/** The application's state in words: what happened, and what the applicant can do now. */
function stateWords(application: OwnApplication | null) {
  if (application === null) {
    return {
      title: 'Give readings here',
      text: 'Apply to show your card to clients. An admin reviews each application before a card is listed.',
    };
  }
  switch (application.status) {
    case 'pending':
      return {
        title: 'Your application to give readings is being reviewed.',
        text: 'Complete your card below meanwhile: the admin reviews it before it is listed. This page changes as soon as they decide.',
      };
    case 'rejected':
      return {
        title: 'Your application to give readings was not accepted.',
        text: 'Change your card below if the reason asks for it, then apply again.',
      };
    case 'approved':
      return { title: 'Your application was approved.', text: 'Opening your reader card…' };
  }
}

interface ApplicationPanelProps {
  client: AppSupabaseClient;
  applicantId: string;
}

/** On the profile of someone who is not (yet) a reader: their application to give readings, and applying (again). */
export function ApplicationPanel({ client, applicantId }: ApplicationPanelProps) {
  const { application, error, isFetching, refetch } = useOwnApplication(client, applicantId);
  const apply = useApplyAsReader(client, applicantId);

  if (application === undefined) {
    return error ? (
      <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refetch} busy={isFetching} />}>
        Your application to give readings could not be loaded. {error instanceof ApiError ? error.message : 'Please try again.'}
      </StatusMessage>
    ) : (
      <p role="status" className="text-sm text-mist-300">
        Checking your application to give readings…
      </p>
    );
  }

  const { title, text } = stateWords(application);
  const canApply = application === null || application.status === 'rejected';
  return (
    <section aria-labelledby="application-heading" className="space-y-3 rounded-lg border border-night-600 bg-night-950/60 p-4">
      {/* A live region: a decision arriving while the page is open is heard, not only seen. */}
      <div role="status" className="space-y-2 text-sm">
        <h2 id="application-heading" className="font-medium text-gold-300">
          {title}
        </h2>
        {application?.status === 'rejected' && (
          <p className="text-mist-100">
            <span className="font-medium">Reason from the admin:</span> {application.reason}
          </p>
        )}
        <p className="text-mist-300">{text}</p>
      </div>
      <FormError message={apply.error ? `You did not apply. ${apply.error instanceof ApiError ? apply.error.message : 'Please try again.'}` : null} />
      {canApply && (
        <button type="button" onClick={() => apply.mutate()} disabled={apply.isPending} className={SECONDARY_BUTTON}>
          {apply.isPending ? 'Applying…' : application === null ? 'Apply to give readings' : 'Apply again'}
        </button>
      )}
    </section>
  );
}
