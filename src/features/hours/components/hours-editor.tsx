import { Plus, Trash2 } from 'lucide-react';
import { useId, useRef, useState, type FormEvent } from 'react';
import { FormError, SubmitButton, TextField } from '@/components/ui/form-field';
import type { SavedHours } from '@/features/hours/api/fetch-own-hours';
import { dayOffField, TIME_ZONE_FIELD, type SaveOutcome } from '@/features/hours/services/save-hours';
import {
  draftFrom,
  incompleteWindows,
  WEEKDAYS,
  withDayOffAdded,
  withDayOffRemoved,
  withWindowAdded,
  withWindowChanged,
  withWindowRemoved,
  type HoursDraft,
  type WindowDraft,
} from '@/features/hours/utils/hours-draft';

interface HoursEditorProps {
  saved: SavedHours;
  browserTimeZone: string;
  onSave: (draft: HoursDraft) => Promise<SaveOutcome>;
}

const INPUT = 'rounded-md border border-night-600 bg-night-900 px-2 py-1.5 text-mist-100 focus:border-gold-400 aria-invalid:border-rose-400';
const SMALL_BUTTON = 'inline-flex items-center gap-1 rounded-md px-2 py-1.5 text-sm text-gold-400 hover:bg-night-800 hover:text-gold-300';

function timeZoneNames(): string[] {
  const names = Intl.supportedValuesOf('timeZone');
  return names.includes('UTC') ? names : [...names, 'UTC'];
}

/** A calendar date (YYYY-MM-DD) in words; read at noon UTC so no zone moves it to another day. */
function dayInWords(day: string): string {
  return new Date(`${day}T12:00:00Z`).toLocaleDateString(undefined, { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
}

function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null;
  return (
    <p id={id} className="text-sm text-rose-300">
      {message}
    </p>
  );
}

interface WindowRowProps {
  window: WindowDraft;
  label: string;
  error: string | undefined;
  onChange: (change: Pick<WindowDraft, 'starts'> | Pick<WindowDraft, 'ends'>) => void;
  onRemove: () => void;
}

function WindowRow({ window, label, error, onChange, onRemove }: WindowRowProps) {
  const id = useId();
  const errorId = `${id}-error`;
  const invalid = error ? true : undefined;
  return (
    <li className="space-y-1">
      <div className="flex flex-wrap items-center gap-2 text-sm text-mist-300">
        {/* The visible words are short; the names say which day and window, as a screen reader lists them. */}
        <span aria-hidden="true">starts</span>
        <input
          type="time"
          aria-label={`${label} starts`}
          value={window.starts}
          onChange={(event) => onChange({ starts: event.target.value })}
          aria-invalid={invalid}
          aria-describedby={error ? errorId : undefined}
          className={INPUT}
        />
        <span aria-hidden="true">ends</span>
        <input
          type="time"
          aria-label={`${label} ends`}
          value={window.ends}
          onChange={(event) => onChange({ ends: event.target.value })}
          aria-invalid={invalid}
          aria-describedby={error ? errorId : undefined}
          className={INPUT}
        />
        <button type="button" onClick={onRemove} aria-label={`Remove ${label}`} className={SMALL_BUTTON}>
          <Trash2 aria-hidden="true" className="size-4" />
        </button>
      </div>
      <FieldError id={errorId} message={error} />
    </li>
  );
}

/** The reader's time zone, weekly windows and days off, saved together. */
export function HoursEditor({ saved, browserTimeZone, onSave }: HoursEditorProps) {
  const [draft, setDraft] = useState(() => draftFrom(saved, browserTimeZone));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [newDayOff, setNewDayOff] = useState('');
  const nextKey = useRef(0);
  const [zones] = useState(timeZoneNames);
  const zonesId = useId();
  const dayOffId = useId();

  const edit = (next: HoursDraft, clearField?: string) => {
    setDraft(next);
    setDone(false);
    if (clearField && errors[clearField]) setErrors(({ [clearField]: _cleared, ...rest }) => rest);
  };

  async function handleSubmit(event: FormEvent) {
    event.preventDefault();
    setFailure(null);
    setDone(false);
    const incomplete = incompleteWindows(draft);
    if (incomplete.length > 0) {
      setErrors(Object.fromEntries(incomplete.map((key) => [key, 'Enter both a start and an end time.'])));
      setFailure('Your hours were not saved. Check the windows marked below.');
      return;
    }
    setBusy(true);
    try {
      const outcome = await onSave(draft);
      // Windows that were added keep their place in the editor, now as saved ones.
      setDraft((current) => Object.entries(outcome.addedIds).reduce((next, [key, id]) => withWindowChanged(next, key, { id }), current));
      setErrors(outcome.errors);
      if (outcome.failure) setFailure(`Your hours were not all saved. ${outcome.failure}`);
      else if (Object.keys(outcome.errors).length > 0) setFailure('Your hours were not all saved. Check the fields marked below.');
      else setDone(true);
    } catch {
      setFailure('Your hours were not saved. Something went wrong. Please try again.');
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void handleSubmit(event)} noValidate aria-label="Your hours" className="space-y-5">
      <FormError message={failure} />
      <TextField
        label="Time zone"
        list={zonesId}
        autoComplete="off"
        spellCheck={false}
        value={draft.timeZone}
        onChange={(event) => edit({ ...draft, timeZone: event.target.value }, TIME_ZONE_FIELD)}
        hint={saved.timeZone === null ? 'Your browser’s time zone; change it if you work in another. Not saved yet.' : 'Type to search, such as London.'}
        error={errors[TIME_ZONE_FIELD]}
      />
      <datalist id={zonesId}>
        {zones.map((zone) => (
          <option key={zone} value={zone} />
        ))}
      </datalist>

      <div className="space-y-3">
        <p className="text-sm text-mist-500">Times are in your time zone. To work until midnight, end a window at 00:00.</p>
        {WEEKDAYS.map(({ weekday, name }) => {
          const windows = draft.windows.filter((window) => window.weekday === weekday);
          return (
            <fieldset key={weekday} className="space-y-2 rounded-lg border border-night-700 p-3">
              <legend className="px-1 text-sm font-medium text-mist-100">{name}</legend>
              {windows.length === 0 ? (
                <p className="text-sm text-mist-500">No hours</p>
              ) : (
                <ul aria-label={`${name} windows`} className="space-y-2">
                  {windows.map((window, index) => (
                    <WindowRow
                      key={window.key}
                      window={window}
                      label={`${name} window ${index + 1}`}
                      error={errors[window.key]}
                      onChange={(change) => edit(withWindowChanged(draft, window.key, change), window.key)}
                      onRemove={() => edit(withWindowRemoved(draft, window.key), window.key)}
                    />
                  ))}
                </ul>
              )}
              <button
                type="button"
                onClick={() => edit(withWindowAdded(draft, weekday, `new-${nextKey.current++}`))}
                aria-label={`Add a window on ${name}`}
                className={SMALL_BUTTON}
              >
                <Plus aria-hidden="true" className="size-4" />
                Add a window
              </button>
            </fieldset>
          );
        })}
      </div>

      <fieldset className="space-y-2 rounded-lg border border-night-700 p-3">
        <legend className="px-1 text-sm font-medium text-mist-100">Days off</legend>
        {draft.daysOff.length === 0 ? (
          <p className="text-sm text-mist-500">No days off</p>
        ) : (
          <ul aria-label="Days off" className="space-y-1">
            {draft.daysOff.map((day) => {
              const error = errors[dayOffField(day)];
              return (
                <li key={day} className="space-y-1">
                  <div className="flex items-center justify-between gap-2 text-sm text-mist-100">
                    <span>{dayInWords(day)}</span>
                    <button
                      type="button"
                      onClick={() => edit(withDayOffRemoved(draft, day), dayOffField(day))}
                      aria-label={`Remove day off ${dayInWords(day)}`}
                      aria-describedby={error ? `${dayOffId}-${day}-error` : undefined}
                      className={SMALL_BUTTON}
                    >
                      <Trash2 aria-hidden="true" className="size-4" />
                    </button>
                  </div>
                  <FieldError id={`${dayOffId}-${day}-error`} message={error} />
                </li>
              );
            })}
          </ul>
        )}
        <div className="flex flex-wrap items-end gap-2">
          <div>
            <label htmlFor={dayOffId} className="block text-sm text-mist-300">
              Day off
            </label>
            <input id={dayOffId} type="date" value={newDayOff} onChange={(event) => setNewDayOff(event.target.value)} className={`mt-1 ${INPUT}`} />
          </div>
          <button
            type="button"
            onClick={() => {
              edit(withDayOffAdded(draft, newDayOff));
              setNewDayOff('');
            }}
            className={SMALL_BUTTON}
          >
            <Plus aria-hidden="true" className="size-4" />
            Add day off
          </button>
        </div>
      </fieldset>

      <SubmitButton busy={busy} busyText="Saving hours…">
        Save hours
      </SubmitButton>
      <p role="status" className="text-sm text-emerald-300">
        {done ? 'Your hours are saved.' : ''}
      </p>
    </form>
  );
}
