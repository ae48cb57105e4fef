import { ApiError } from '@/lib/api-error';
import { violatedConstraint } from '@/lib/violated-constraint';

/** What to do about each rule of the reader's hours the database enforces (20251125000800_reader_hours.sql). */
const CONSTRAINT_WORDS: Record<string, string> = {
  reader_schedules_time_zone_known: 'Choose a time zone from the list, written as a place such as Europe/London.',
  reader_hours_need_schedule: 'Your time zone could not be saved, so your hours were not either. Save again.',
  reader_days_off_need_schedule: 'Your time zone could not be saved, so your days off were not either. Save again.',
  reader_hours_weekday_iso: 'Choose a day from Monday to Sunday.',
  reader_hours_ends_after_starts: 'End the window after it starts. A window cannot run past midnight: end it at 00:00 and start the next day at 00:00.',
  reader_hours_whole_minutes: 'Give the times in whole minutes, without seconds.',
  reader_hours_per_day_limit: 'A day can have at most 4 windows. Remove one, or join two into one.',
  reader_hours_no_overlap: 'This window overlaps or touches another one that day. Join them into one window, or leave a gap between them.',
  reader_days_off_upcoming: 'Choose a day off from today to a year ahead, in your time zone.',
  reader_days_off_limit: 'You can have at most 60 upcoming days off. Remove one first.',
  reader_days_off_pkey: 'This day is already a day off.',
};

/** The words for a refused write of hours: the rule broken when the database named one, else the general reason. */
export function hoursErrorMessage(error: unknown): string {
  const constraint = violatedConstraint(error);
  const words = constraint ? CONSTRAINT_WORDS[constraint] : undefined;
  if (words) return words;
  return error instanceof ApiError ? error.message : 'Something went wrong. Please try again.';
}

/** Whether the database refused the write for one of its rules, rather than failing to answer. */
export function isRuleRefusal(error: unknown): boolean {
  const constraint = violatedConstraint(error);
  return constraint !== null && constraint in CONSTRAINT_WORDS;
}
