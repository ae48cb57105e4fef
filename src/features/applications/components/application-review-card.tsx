import { useId, useRef, useState, type FormEvent } from 'react';
import { TextField } from '@/components/ui/form-field';
import type { Decision } from '@/features/applications/api/decide-application';
import type { PendingApplication } from '@/features/applications/api/fetch-pending-applications';
import { decisionFailure, REASON_MAX_LENGTH, reasonProblem } from '@/features/applications/utils/decision-errors';

const BUTTON = 'rounded-md px-3 py-1.5 text-sm font-medium disabled:cursor-wait disabled:opacity-60';
const PRIMARY = `${BUTTON} bg-gold-400 text-night-950 hover:bg-gold-300`;
const SECONDARY = `${BUTTON} border border-gold-500/60 text-gold-300 hover:bg-night-800`;

const submittedFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

interface ApplicationReviewCardProps {
  application: PendingApplication;
  /** Resolves once the database took the decision; rejects with its refusal. */
  onDecide: (decision: Decision) => Promise<void>;
}

/** One pending application: the applicant's card as clients would see it, and the admin's decision. */
export function ApplicationReviewCard({ application, onDecide }: ApplicationReviewCardProps) {
  const { applicant_id: applicantId, applicant } = application;
  const name = applicant.display_name;
  const headingId = useId();
  const formId = useId();
  const rejectButton = useRef<HTMLButtonElement>(null);
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string>();
  const [failure, setFailure] = useState<string | null>(null);
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);

  async function decide(decision: Decision) {
    setBusy(decision.approve ? 'approve' : 'reject');
    setFailure(null);
    setReasonError(undefined);
    try {
      // Once decided, the application leaves the list and this card with it.
      await onDecide(decision);
    } catch (error) {
      const { field, message } = decisionFailure(error);
      if (field === 'reason') markReason(message);
      else setFailure(message);
      setBusy(null);
    }
  }

  // The alert is heard wherever focus is; the field says what to change.
  function markReason(problem: string) {
    setReasonError(problem);
    setFailure(`${name} was not rejected. Check the reason below.`);
  }

  function handleReject(event: FormEvent) {
    event.preventDefault();
    const problem = reasonProblem(reason);
    if (problem) {
      markReason(problem);
      return;
    }
    void decide({ applicantId, approve: false, reason: reason.trim() });
  }

  function closeRejectForm() {
    setRejecting(false);
    setReasonError(undefined);
    setFailure(null);
    rejectButton.current?.focus();
  }

  return (
    <article aria-labelledby={headingId} className="space-y-4 rounded-xl border border-night-700 bg-night-900/80 p-5">
      <div className="flex items-start gap-4">
        {applicant.avatar_url ? (
          <img src={applicant.avatar_url} alt={`Photo of ${name}`} className="size-16 shrink-0 rounded-full border-2 border-gold-500/60 object-cover" />
        ) : (
          <p className="flex size-16 shrink-0 items-center justify-center rounded-full border-2 border-night-600 text-center text-xs text-mist-500">No photo</p>
        )}
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="truncate font-display text-lg text-gold-300">
            {name}
          </h2>
          <p className="text-xs text-mist-500">
            Applied <time dateTime={application.submitted_at}>{submittedFormat.format(new Date(application.submitted_at))}</time>
          </p>
        </div>
      </div>
      <dl className="space-y-2 text-sm">
        <div>
          <dt className="font-medium text-mist-300">About</dt>
          <dd className="whitespace-pre-line text-mist-100">{applicant.bio || 'No introduction yet.'}</dd>
        </div>
        <div>
          <dt className="font-medium text-mist-300">Specialties</dt>
          <dd className="text-mist-100">{applicant.specialties.length > 0 ? applicant.specialties.join(', ') : 'None yet.'}</dd>
        </div>
      </dl>
      {failure && (
        <p role="alert" className="rounded-md border border-rose-400/40 bg-rose-950/40 px-3 py-2 text-sm text-rose-100">
          {failure}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          aria-label={`Approve ${name}`}
          disabled={busy !== null}
          onClick={() => void decide({ applicantId, approve: true })}
          className={PRIMARY}
        >
          {busy === 'approve' ? 'Approving…' : 'Approve'}
        </button>
        <button
          ref={rejectButton}
          type="button"
          aria-label={`Reject ${name}`}
          aria-expanded={rejecting}
          aria-controls={formId}
          disabled={busy !== null}
          onClick={() => (rejecting ? closeRejectForm() : setRejecting(true))}
          className={SECONDARY}
        >
          Reject
        </button>
      </div>
      {rejecting && (
        <form
          id={formId}
          aria-label={`Why ${name} is not accepted`}
          noValidate
          onSubmit={handleReject}
          onKeyDown={(event) => {
            if (event.key === 'Escape') closeRejectForm();
          }}
          className="space-y-3 border-t border-night-700 pt-4"
        >
          <TextField
            label="Reason for rejecting"
            // Opened to type the reason in: the field is where the admin means to be.
            autoFocus
            value={reason}
            onChange={(event) => setReason(event.target.value)}
            hint={`${name} reads this on their profile. One line, up to ${REASON_MAX_LENGTH} characters.`}
            error={reasonError}
          />
          <div className="flex flex-wrap gap-2">
            <button type="submit" disabled={busy !== null} className={PRIMARY}>
              {busy === 'reject' ? 'Rejecting…' : 'Reject application'}
            </button>
            <button type="button" onClick={closeRejectForm} className={`${BUTTON} text-mist-300 hover:text-gold-300`}>
              Cancel
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
