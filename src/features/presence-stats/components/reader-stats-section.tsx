import { useId, useState } from 'react';
import { RetryButton, StatusMessage } from '@/components/ui/status-message';
import { ApiError } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import { READER_SEARCH_LIMIT, type ReaderChoice } from '@/features/presence-stats/api/search-readers';
import { PresenceStatsPanel } from '@/features/presence-stats/components/presence-stats-panel';
import { useReaderSearch } from '@/features/presence-stats/hooks/use-reader-search';

const CONTROL = 'mt-1 w-full rounded-md border border-night-600 bg-night-950 px-3 py-2 text-mist-100 placeholder:text-mist-500 focus:border-gold-400';

interface ReaderStatsSectionProps {
  client: AppSupabaseClient;
  adminId: string;
  /** Today (YYYY-MM-DD, UTC), for the panel (tests pass one). */
  today?: string;
}

function searchWords(found: number, search: string): string {
  if (found === 0) return search.trim() === '' ? 'No reader is listed yet.' : `No listed reader's name contains “${search.trim()}”.`;
  if (found >= READER_SEARCH_LIMIT) return `The first ${READER_SEARCH_LIMIT} readers by name; type part of a name to find others.`;
  return found === 1 ? '1 reader found.' : `${found} readers found.`;
}

/** For admins: any reader's presence statistics, the reader found by name. */
export function ReaderStatsSection({ client, adminId, today }: ReaderStatsSectionProps) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState<ReaderChoice | null>(null);
  const readers = useReaderSearch(client, adminId, search);
  const searchId = useId();
  const selectId = useId();
  const foundId = useId();
  const found = readers.data ?? [];
  // The reader on screen stays a choice while a search no longer finds them.
  const choices = chosen && !found.some((reader) => reader.id === chosen.id) ? [chosen, ...found] : found;

  return (
    <div className="space-y-4">
      <p className="text-mist-300">A reader&apos;s days online in the last 30 days, as they see them on their profile.</p>
      <div className="grid gap-3 sm:grid-cols-2">
        <div>
          <label htmlFor={searchId} className="block text-sm font-medium text-mist-300">
            Find a reader by name
          </label>
          <input
            id={searchId}
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            aria-describedby={foundId}
            autoComplete="off"
            className={CONTROL}
          />
        </div>
        <div>
          <label htmlFor={selectId} className="block text-sm font-medium text-mist-300">
            Reader
          </label>
          <select
            id={selectId}
            value={chosen?.id ?? ''}
            onChange={(event) => setChosen(choices.find((reader) => reader.id === event.target.value) ?? null)}
            className={CONTROL}
          >
            <option value="">Choose a reader</option>
            {choices.map((reader) => (
              <option key={reader.id} value={reader.id}>
                {reader.display_name}
              </option>
            ))}
          </select>
        </div>
      </div>
      {readers.error && readers.data === undefined ? (
        <StatusMessage tone="error" role="alert" action={<RetryButton onClick={() => void readers.refetch()} busy={readers.isFetching} />}>
          The readers could not be loaded. {readers.error instanceof ApiError ? readers.error.message : 'Please try again.'}
        </StatusMessage>
      ) : null}
      <p id={foundId} role="status" className="text-sm text-mist-500">
        {readers.data === undefined ? (readers.error ? '' : 'Looking for readers…') : searchWords(found.length, search)}
      </p>
      {chosen && (
        <PresenceStatsPanel
          key={chosen.id}
          client={client}
          viewerId={adminId}
          reader={{ id: chosen.id, name: chosen.display_name }}
          headingLevel={3}
          today={today}
        />
      )}
    </div>
  );
}
