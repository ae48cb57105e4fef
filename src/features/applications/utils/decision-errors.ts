import { ApiError } from '@/lib/api-error';
import { violatedConstraint } from '@/lib/violated-constraint';

/** The database's rule for a decision's reason (public.decision_reason), checked here first so the admin sees it at once. */
export const REASON_MAX_LENGTH = 500;

// What private.is_plain_line() asks of a one-line text: none of these, and something besides blanks.
const LINE_BREAKING = /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const VISIBLE = /[^\s\u00a0\u1680\u2000-\u200f\u202f\u205f-\u2064\u3000\ufeff]/u;

const REASON_WORDS = {
  missing: 'Give the applicant a reason: they read it on their profile.',
  tooLong: (length: number) => `Keep the reason to ${REASON_MAX_LENGTH} characters (now ${length}).`,
  plain: 'Write the reason on one line, without special characters.',
};

/** What is wrong with a rejection's reason as typed, or null when it can be sent (trimmed). */
export function reasonProblem(reason: string): string | null {
  const trimmed = reason.trim();
  // Code points, as PostgreSQL's char_length counts them.
  const length = [...trimmed].length;
  if (!VISIBLE.test(trimmed)) return REASON_WORDS.missing;
  if (length > REASON_MAX_LENGTH) return REASON_WORDS.tooLong(length);
  if (LINE_BREAKING.test(trimmed)) return REASON_WORDS.plain;
  return null;
}

/** A refused decision in words: for the reason field when the reason was the problem, else for the application. */
export interface DecisionFailure {
  field: 'reason' | null;
  message: string;
}

const REASON_CONSTRAINTS: Record<string, string> = {
  reader_applications_rejection_reason: REASON_WORDS.missing,
  // The domain's one check covers both the length and the single line.
  reader_applications_reason_plain: `Keep the reason to one line of at most ${REASON_MAX_LENGTH} characters, without special characters.`,
};

// decide_reader_application words these refusals for people (only admins decide, nobody decides
// their own, another listed reader has the applicant's name): passed on as sentences. Its 22023
// ("already decided") is worded by apiError already.
const WORDED_BY_THE_FUNCTION = new Set(['42501', '23505']);

export function decisionFailure(error: unknown): DecisionFailure {
  const constraint = violatedConstraint(error);
  const reasonWords = constraint ? REASON_CONSTRAINTS[constraint] : undefined;
  if (reasonWords) return { field: 'reason', message: reasonWords };
  if (!(error instanceof ApiError)) return { field: null, message: 'The decision was not saved. Please try again.' };
  // A request without a session is refused before the function runs, with PostgreSQL's words.
  if (error.status === 401) return { field: null, message: error.message };
  if (error.code === 'P0002') return { field: null, message: 'This application no longer exists: the applicant may have closed their account.' };
  if (WORDED_BY_THE_FUNCTION.has(error.code) && error.serverMessage !== '') {
    return { field: null, message: `${error.serverMessage.charAt(0).toUpperCase()}${error.serverMessage.slice(1)}.` };
  }
  return { field: null, message: error.message };
}
