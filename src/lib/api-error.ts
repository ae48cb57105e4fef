/** What every fetcher throws: the HTTP status, the server's code, and a message a person can act on. */
export class ApiError extends Error {
  override name = 'ApiError';

  constructor(
    message: string,
    /** 0 when no answer came (offline, server down, timed out). */
    readonly status: number,
    /** PostgreSQL's SQLSTATE or PostgREST's PGRST code; '' when none. */
    readonly code: string,
    /** The server's own words, for logs and for mapping constraint names to form fields. */
    readonly serverMessage: string,
  ) {
    super(message);
  }

  /** No answer at all: retrying later may help, the request itself was fine. */
  get unreachable(): boolean {
    return this.status === 0;
  }
}

/** The fields supabase-js answers with (PostgREST and RPC calls): `{ data, error, status }`. */
export interface ApiAnswer<T> {
  data: T | null;
  error: { message: string; code?: string } | null;
  status: number;
}

// Raised by our own SQL functions with wording meant for people (22023 a bad argument, 54000 and
// PT429 a rate limit, PT409 a refusal that says why): passed through as they are. A broken limit (23514) names a constraint, which forms map to
// the field to fix.
const WORDED_BY_THE_DATABASE = new Set(['22023', '54000', 'PT409', 'PT429']);

function personMessage(status: number, code: string, serverMessage: string): string {
  if (status === 0) {
    return /timeout|abort/i.test(serverMessage)
      ? 'The server took too long to answer. Check your connection and try again.'
      : 'The server cannot be reached. Check your connection and try again.';
  }
  if (WORDED_BY_THE_DATABASE.has(code)) return `${serverMessage.charAt(0).toUpperCase()}${serverMessage.slice(1)}.`;
  if (code === '23514') return 'A value is outside its limits. Check what you entered and try again.';
  if (status === 401) return 'Your session has ended. Sign in again.';
  if (status === 403) return 'You are not allowed to do that.';
  if (status === 429) return 'Too many requests. Wait a minute, then try again.';
  if (status >= 500) return 'Something went wrong on our side. Please try again in a moment.';
  return 'The request was refused. Reload the page and try again.';
}

export function apiError(status: number, error: { message: string; code?: string }): ApiError {
  const code = error.code ?? '';
  return new ApiError(personMessage(status, code, error.message), status, code, error.message);
}

/** The answer's data, or an ApiError. `data` may legitimately be null (maybeSingle). */
export function unwrap<T>({ data, error, status }: ApiAnswer<T>): T {
  if (error) throw apiError(status, error);
  return data as T;
}

/** How long a request may take before it counts as failed (presence calls, page reads). */
export const REQUEST_TIMEOUT_MS = 10_000;
