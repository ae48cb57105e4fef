import { useQuery } from '@tanstack/react-query';
import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { readerKeys } from '@/features/readers/api/query-keys';

export type LoadDirectorySummary = () => Promise<ReaderDirectorySummary>;

// The database records the counts once a minute, so reading them more often shows nothing new and
// reading them less often lets them lag the cards. Pushes do not carry them, so the interval is the
// same whether the page is live or not.
export const SUMMARY_REFRESH_INTERVAL_MS = 60_000;

/** How many readers there are and how many are available, in a reading and away: read on its own, every minute. */
export function useReaderDirectorySummary(loadSummary: LoadDirectorySummary) {
  const { data, error } = useQuery({ queryKey: readerKeys.summary(), queryFn: loadSummary, refetchInterval: SUMMARY_REFRESH_INTERVAL_MS });
  return { summary: data, error, isLoading: data === undefined && error === null };
}
