import { ApiError } from '@/lib/api-error';

// PostgreSQL names the constraint a write broke in its message (check 23514, exclusion 23P01,
// foreign key 23503, unique 23505), and our own triggers word theirs the same way: the name is what
// a form maps to the field to fix and the words to say.
const CONSTRAINT_CODES = new Set(['23514', '23P01', '23503', '23505']);
const CONSTRAINT_NAME = /violates (?:check|exclusion|foreign key|unique) constraint "([^"]+)"/;

/** The name of the constraint the database refused a write with, or null for any other failure. */
export function violatedConstraint(error: unknown): string | null {
  if (!(error instanceof ApiError) || !CONSTRAINT_CODES.has(error.code)) return null;
  return CONSTRAINT_NAME.exec(error.serverMessage)?.[1] ?? null;
}
