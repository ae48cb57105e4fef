import { useRef, useState, type ReactNode, type Ref } from 'react';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { Decision } from '@/features/applications/api/decide-application';
import { PENDING_PAGE_SIZE, type PendingApplication } from '@/features/applications/api/fetch-pending-applications';
import { ApplicationReviewCard } from '@/features/applications/components/application-review-card';
import { useDecideApplication, usePendingApplications } from '@/features/applications/hooks/use-pending-applications';

const TITLE = 'Reader applications';

function ReviewFrame({ children, headingRef }: { children: ReactNode; headingRef?: Ref<HTMLHeadingElement> }) {
  return (
    <section aria-labelledby="applications-heading" className="mx-auto max-w-3xl space-y-6">
      <title>{`${TITLE} · Arcana Readers`}</title>
      {/* tabIndex -1: after a decision takes its card away, focus comes back here instead of being lost. */}
      <h1 id="applications-heading" ref={headingRef} tabIndex={-1} className="font-display text-3xl text-gold-300 focus:outline-none">
        {TITLE}
      </h1>
      {children}
    </section>
  );
}

/** What a non-admin finds at the review page's address (the database would show them nothing anyway). */
export function AdminsOnlyNotice({ children }: { children?: ReactNode }) {
  return (
    <ReviewFrame>
      <StatusMessage tone="info" role="status" action={children}>
        Only admins can review reader applications.
      </StatusMessage>
    </ReviewFrame>
  );
}

const decidedWords = (name: string, { approve }: Decision) =>
  approve ? `${name} is approved: their card is in the readers list now.` : `${name} is not accepted: they can read your reason on their profile.`;

interface ApplicationsReviewPageProps {
  client: AppSupabaseClient;
  adminId: string;
  /** After the database took a decision (an approval lists a new card). */
  onDecided?: (decision: Decision) => void;
}

/** The admins' queue: pending applications oldest first, each approved or rejected with a reason. */
export function ApplicationsReviewPage({ client, adminId, onDecided }: ApplicationsReviewPageProps) {
  const { applications, error, isFetching, refetch } = usePendingApplications(client, adminId);
  const { mutateAsync: decide } = useDecideApplication(client, adminId);
  const heading = useRef<HTMLHeadingElement>(null);
  const [announcement, setAnnouncement] = useState('');

  async function handleDecide(application: PendingApplication, decision: Decision) {
    await decide(decision);
    setAnnouncement(decidedWords(application.applicant.display_name, decision));
    heading.current?.focus();
    onDecided?.(decision);
  }

  return (
    <ReviewFrame headingRef={heading}>
      <p className="text-mist-300">
        Pending applications, oldest first. Approving lists the applicant&rsquo;s card at once; rejecting needs a reason, which the applicant reads on their
        profile and can answer by applying again.
      </p>
      {/* Always present, so the result of each decision is announced when its words change. */}
      <p role="status" className="text-sm text-emerald-300">
        {announcement}
      </p>
      {applications === undefined ? (
        error ? (
          <StatusMessage tone="error" role="alert" action={<RetryButton onClick={refetch} busy={isFetching} />}>
            The applications could not be loaded. {error instanceof ApiError ? error.message : 'Please try again.'}
          </StatusMessage>
        ) : (
          <p className="text-mist-300">Loading applications…</p>
        )
      ) : applications.length === 0 ? (
        <StatusMessage tone="info">No applications are waiting.</StatusMessage>
      ) : (
        <>
          <ol aria-label="Pending applications" className="space-y-4">
            {applications.map((application) => (
              <li key={application.applicant_id}>
                <ApplicationReviewCard application={application} onDecide={(decision) => handleDecide(application, decision)} />
              </li>
            ))}
          </ol>
          {applications.length === PENDING_PAGE_SIZE && (
            <p className="text-sm text-mist-500">These are the {PENDING_PAGE_SIZE} oldest; the next ones appear as you decide these.</p>
          )}
        </>
      )}
    </ReviewFrame>
  );
}
