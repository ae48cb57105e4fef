import { useQuery } from '@tanstack/react-query';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { dateFormat } from '@/lib/date-format';
import { readingKeys } from '@/features/readings/api/query-keys';
import { useReadingsContext } from '@/features/readings/hooks/readings-context';
import { formatMoney, formatReadingDuration } from '@/features/readings/utils/reading-clock';
import { counterpartName, endedBecauseText } from '@/features/readings/utils/reading-outcome';

export const HISTORY_PAGE_SIZE = 50;
const startedFormat = dateFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The signed-in user's past readings, as client or as reader, newest first. Nobody else's. */
export function ReadingHistory() {
  const { api, userId } = useReadingsContext();
  const { data, error, refetch, isFetching } = useQuery({
    queryKey: readingKeys.history(userId ?? ''),
    queryFn: () => api.history(HISTORY_PAGE_SIZE),
    enabled: userId !== undefined,
    // A reading that just ended shows when the profile is opened after it.
    staleTime: 0,
  });
  return (
    <section id="readings" aria-labelledby="readings-heading" className="space-y-3">
      <h2 id="readings-heading" className="font-display text-xl text-gold-300">
        Your readings
      </h2>
      {error ? (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={() => void refetch()} busy={isFetching} />}>
          Your readings could not be loaded. {error.message}
        </StatusMessage>
      ) : !data ? (
        <p role="status" className="text-sm text-mist-300">
          Loading your readings…
        </p>
      ) : data.length === 0 ? (
        <p className="text-sm text-mist-300">No readings yet. Readings you give or take appear here once they end.</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm">
            <thead className="text-mist-300">
              <tr>
                <th scope="col" className="py-1 pr-4 font-normal">
                  Started
                </th>
                <th scope="col" className="py-1 pr-4 font-normal">
                  With
                </th>
                <th scope="col" className="py-1 pr-4 font-normal">
                  Duration
                </th>
                <th scope="col" className="py-1 pr-4 font-normal">
                  Amount
                </th>
                <th scope="col" className="py-1 font-normal">
                  How it ended
                </th>
              </tr>
            </thead>
            <tbody>
              {data.map((reading) => (
                <tr key={reading.id} data-testid="reading-history-row" className="border-t border-night-700 text-mist-100">
                  <td className="py-2 pr-4">{reading.startedAt ? startedFormat.format(new Date(reading.startedAt)) : ''}</td>
                  <td className="py-2 pr-4">
                    {counterpartName(reading, userId ?? '')}
                    <span className="text-mist-300">{userId === reading.readerId ? ' (your client)' : ' (your reader)'}</span>
                  </td>
                  <td className="py-2 pr-4 font-mono">{formatReadingDuration(reading.durationSeconds ?? 0)}</td>
                  <td className="py-2 pr-4">{formatMoney(reading.amount ?? 0)}</td>
                  <td className="py-2 text-mist-300">{endedBecauseText(reading, userId ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
