import { useQuery } from '@tanstack/react-query';
import type { ServerTime } from '@/lib/server-time';
import type { ReaderDetail } from '@/features/readers/api/fetch-reader-page';
import { readerKeys } from '@/features/readers/api/query-keys';
import { useLiveReaderStatus, type ReaderUpdates } from '@/features/readers/hooks/use-live-reader-status';
import { applyToSnapshot } from '@/features/readers/utils/apply-status-change';

export interface ReaderSnapshot {
  reader: ReaderDetail | null;
  /** The server's clock when the reader was read (none when there is no such reader). */
  serverTime: ServerTime | undefined;
}

export type LoadReader = (readerId: string) => Promise<ReaderSnapshot>;

/** One reader's page, kept current by pushes and polled as a safety net. */
export function useReader(readerId: string, loadReader: LoadReader, updates: ReaderUpdates) {
  const { isLive, refetchInterval } = useLiveReaderStatus(updates);
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: readerKeys.detail(readerId),
    queryFn: () => updates.live.read(() => loadReader(readerId), applyToSnapshot),
    refetchInterval,
  });
  return { data, error, isLoading: data === undefined && error === null, isRefreshing: isFetching, refresh: () => void refetch(), isLive };
}
