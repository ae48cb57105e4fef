import { ApiError, apiError } from '@/lib/api-error';

/** What PostgREST answers a refused write of a favourite with (supabase-js's PostgrestError). */
export interface FavouriteWriteError {
  message: string;
  code?: string;
  details?: string | null;
}

// The trigger's and the checks' messages name constraints, for developers; these say what a person
// can do. The limit's own number is in the database's detail, so the browser does not repeat it.
function favouriteMessage(status: number, { code = '', message, details }: FavouriteWriteError): string | undefined {
  if (code === '23514' && message.includes('favourites_per_client_limit')) {
    return details?.trim() || 'You have as many favourites as you can keep: remove one to add another.';
  }
  if (code === '23514' && message.includes('favourites_not_self')) return 'You cannot add yourself to your favourites.';
  if (code === '22023' && message.includes('only readers')) return 'Only readers can be favourites.';
  if (status === 401 || code === '42501') return 'Sign in to keep favourites.';
  return undefined;
}

/** The ApiError for a refused favourite write, in words for the person who tried it. */
export function favouriteError(status: number, error: FavouriteWriteError): ApiError {
  const message = favouriteMessage(status, error);
  return message === undefined ? apiError(status, error) : new ApiError(message, status, error.code ?? '', error.message);
}

/** The answer of a favourite write, or its error in a person's words. */
export function unwrapFavouriteWrite({ error, status }: { error: FavouriteWriteError | null; status: number }): void {
  if (error) throw favouriteError(status, error);
}
