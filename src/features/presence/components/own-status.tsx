import { ChevronDown } from 'lucide-react';
import { useId, useState, type FormEvent } from 'react';
import { StatusDot } from '@/components/presence/presence-status';
import { FormError } from '@/components/ui/form-field';
import type { OwnPresence, StatusChoice } from '@/features/presence/api/report-presence';
import type { PresenceState } from '@/features/presence/services/reader-presence';
import { CHOICE_DURATIONS, choiceExpiresAt, formatTimeLeft, STATUS_CHOICES } from '@/features/presence/utils/status-choice';
import { useServerNow } from '@/hooks/use-server-now';
import { ApiError } from '@/lib/api-error';
import { STATUS_WORDS, type PresenceStatus } from '@/lib/presence-status';
import { serverNow } from '@/lib/server-time';

/** The database's limit on a status message (public.status_message); the form only warns early. */
export const STATUS_MESSAGE_MAX_LENGTH = 80;

const MESSAGE_ERRORS: Record<string, string> = {
  reader_status_message_length: `Keep the message to ${STATUS_MESSAGE_MAX_LENGTH} characters.`,
  reader_status_message_plain: 'Use plain text on one line.',
};

function failureText(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Your status was not changed. Please try again.';
  const constraint = /check constraint "([^"]+)"/.exec(error.serverMessage)?.[1];
  return `Your status was not changed. ${(constraint && MESSAGE_ERRORS[constraint]) ?? error.message}`;
}

/** What the reader sees of themselves: the words clients see, and whether they are hidden. */
function ownSummary(own: OwnPresence, now: Date | undefined): { status: PresenceStatus; text: string } {
  if (own.hidden) return { status: 'offline', text: 'Hidden: you appear offline' };
  const autoAway = own.status === 'away' && own.chosenStatus === 'available';
  const words = autoAway ? 'Away (no activity)' : STATUS_WORDS[own.status];
  const left = own.expiresAt && now ? ` ${formatTimeLeft(own.expiresAt, now)}` : '';
  return { status: own.status, text: `${words}${left}` };
}

function headerSummary({ health, own }: PresenceState, now: Date | undefined): { status: PresenceStatus; text: string } {
  if (health === 'retrying') return { status: 'offline', text: 'Reconnecting…' };
  if (health === 'stopped') return { status: 'offline', text: 'Not shown online: sign in again' };
  return own ? ownSummary(own, now) : { status: 'offline', text: 'Connecting…' };
}

interface OwnStatusProps {
  state: PresenceState;
  onChoose: (choice: StatusChoice) => Promise<unknown>;
}

/** A reader's own status in the header, and the form to choose it. */
export function OwnStatus({ state, onChoose }: OwnStatusProps) {
  const { health, own } = state;
  const panelId = useId();
  const [open, setOpen] = useState(false);
  const now = useServerNow(own?.serverTime);

  if (health === 'idle' && !own) return null;
  const summary = headerSummary(state, now);
  const canChoose = own !== undefined && health !== 'stopped';

  return (
    <div className="relative">
      <p role="status" className="sr-only">
        {summary.text}
      </p>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        aria-label={canChoose ? `Your status: ${summary.text}. Change it` : `Your status: ${summary.text}`}
        disabled={!canChoose}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-1.5 rounded-md px-2 py-1 text-xs text-mist-300 hover:bg-night-800 disabled:hover:bg-transparent"
      >
        <StatusDot status={summary.status} className={`size-2 ${health === 'retrying' ? 'animate-pulse' : ''}`} />
        <span aria-hidden="true">{summary.text}</span>
        {canChoose && <ChevronDown aria-hidden="true" className="size-3" />}
      </button>
      {open && own && (
        <StatusForm
          id={panelId}
          own={own}
          onChoose={async (choice) => {
            await onChoose(choice);
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      )}
    </div>
  );
}

interface StatusFormProps {
  id: string;
  own: OwnPresence;
  onChoose: (choice: StatusChoice) => Promise<void>;
  onCancel: () => void;
}

function StatusForm({ id, own, onChoose, onCancel }: StatusFormProps) {
  const messageId = useId();
  const durationId = useId();
  const [status, setStatus] = useState<PresenceStatus>(own.chosenStatus);
  const [message, setMessage] = useState(own.statusMessage ?? '');
  const [minutes, setMinutes] = useState(0);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      await onChoose({ status, message, expiresAt: status === 'available' ? null : choiceExpiresAt(minutes, serverNow(own.serverTime)) });
    } catch (error) {
      setFailure(failureText(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      id={id}
      aria-label="Change your status"
      onSubmit={(event) => void handleSubmit(event)}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onCancel();
      }}
      className="absolute right-0 z-20 mt-2 w-72 space-y-3 rounded-lg border border-night-600 bg-night-900 p-4 text-left text-sm shadow-xl"
    >
      <fieldset className="space-y-1.5">
        <legend className="mb-1 font-medium text-gold-300">Your status</legend>
        {STATUS_CHOICES.map((choice) => (
          <label key={choice.status} className="flex cursor-pointer items-start gap-2 text-mist-100">
            <input
              type="radio"
              name={`${id}-status`}
              value={choice.status}
              checked={status === choice.status}
              onChange={() => setStatus(choice.status)}
              className="mt-1 accent-gold-400"
            />
            <span>
              <span className="flex items-center gap-1.5">
                <StatusDot status={choice.status} className="size-2" />
                {choice.label}
              </span>
              <span className="block text-xs text-mist-300">{choice.hint}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <div>
        <label htmlFor={messageId} className="block font-medium text-mist-300">
          Message <span className="font-normal text-mist-400">(optional)</span>
        </label>
        <input
          id={messageId}
          value={message}
          maxLength={STATUS_MESSAGE_MAX_LENGTH}
          onChange={(event) => setMessage(event.target.value)}
          placeholder="Back at 3pm"
          className="mt-1 w-full rounded-md border border-night-600 bg-night-950 px-2 py-1.5 text-mist-100 placeholder:text-mist-500 focus:border-gold-400"
        />
      </div>
      {status !== 'available' && (
        <div>
          <label htmlFor={durationId} className="block font-medium text-mist-300">
            For
          </label>
          <select
            id={durationId}
            value={minutes}
            onChange={(event) => setMinutes(Number(event.target.value))}
            className="mt-1 w-full rounded-md border border-night-600 bg-night-950 px-2 py-1.5 text-mist-100"
          >
            {CHOICE_DURATIONS.map((duration) => (
              <option key={duration.minutes} value={duration.minutes}>
                {duration.label}
              </option>
            ))}
          </select>
        </div>
      )}
      <FormError message={failure} />
      <div className="flex justify-end gap-2">
        <button type="button" onClick={onCancel} className="rounded-md px-3 py-1.5 text-mist-300 hover:text-gold-300">
          Cancel
        </button>
        <button type="submit" disabled={busy} className="rounded-md bg-gold-400 px-3 py-1.5 font-medium text-night-950 hover:bg-gold-300 disabled:opacity-60">
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  );
}
