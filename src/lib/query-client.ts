import { QueryClient } from '@tanstack/react-query';

/** The app's server-state cache, with the defaults every page relies on (tests use the same). */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // supabase-js already retries a read that failed in transit (backoff, each try timed out):
        // more tries on top would multiply the requests and hold back the error banner, while the
        // poll, the Retry button, focus and reconnect try again anyway.
        retry: false,
        // navigator.onLine can say online without a network, or offline with one: try the request
        // and let a failure show, instead of pausing on the browser's guess.
        networkMode: 'offlineFirst',
        refetchIntervalInBackground: false,
        refetchOnWindowFocus: true,
        refetchOnReconnect: true,
      },
    },
  });
}
