import { describe, expect, test } from 'vitest';
import { fetchReader } from '@/features/readers/api/fetch-reader';
import { fetchReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { fetchReaderPage, MAX_ROWS_PER_REQUEST, type ReaderFilters } from '@/features/readers/api/fetch-reader-page';
import { ApiError } from '@/lib/api-error';
import { fakeSupabase, type FakeCalls, type FakeResult } from '@/testing/fake-supabase';

const row = {
  id: '11111111-1111-4111-8111-111111111111',
  display_name: 'Selene Ashgrove',
  avatar_url: null,
  specialties: ['Love'],
  average_rating: '4.80',
  review_count: 12,
  status: 'busy',
  status_message: 'Back at 3pm',
  last_seen_at: '2026-11-25T11:59:00Z',
  server_time: '2026-11-25T12:00:00.25Z',
  readerLevel: { id: 1, name: 'Adept', color_theme: 'violet', icon: 'moon', base_price_per_minute: '3.49', description: '' },
};

const NO_FILTERS: ReaderFilters = { availableOnly: false, specialty: '' };
const calledWith = (calls: FakeCalls, method: string) => calls.filter(([name]) => name === method).map(([, args]) => args);

function tables(answer: FakeResult = { data: [row], error: null }) {
  return fakeSupabase(() => answer);
}

describe('fetchReaderPage', () => {
  test('reads the reader_cards view in directory order, one range, and turns numbers into numbers', async () => {
    const supabase = tables();
    const readers = await fetchReaderPage(supabase.client, { filters: NO_FILTERS, offset: 24, limit: 24 });

    expect(supabase.from).toHaveBeenCalledExactlyOnceWith('reader_cards');
    const { calls } = supabase.queries[0]!;
    expect(calledWith(calls, 'select')[0]![0]).toEqual(expect.stringContaining('status, status_message, last_seen_at, server_time'));
    expect(calledWith(calls, 'order')).toEqual([['recorded_status'], ['average_rating', { ascending: false }], ['id']]);
    expect(calledWith(calls, 'range')).toEqual([[24, 47]]);
    expect(calledWith(calls, 'eq')).toEqual([]);
    expect(readers).toEqual([{ ...row, average_rating: 4.8, readerLevel: { ...row.readerLevel, base_price_per_minute: 3.49 } }]);
  });

  test('"Available now" asks for readers recorded available whom the rule still finds available', async () => {
    const supabase = tables();
    await fetchReaderPage(supabase.client, { filters: { availableOnly: true, specialty: '' }, limit: 24 });

    expect(calledWith(supabase.queries[0]!.calls, 'eq')).toEqual([
      ['recorded_status', 'available'],
      ['status', 'available'],
    ]);
  });

  test('the specialty search is a case-insensitive pattern on the searched field; a blank one is no filter', async () => {
    const supabase = tables();
    await fetchReaderPage(supabase.client, { filters: { availableOnly: false, specialty: ' Tarot ' }, limit: 24 });
    await fetchReaderPage(supabase.client, { filters: { availableOnly: false, specialty: '   ' }, limit: 24 });

    expect(calledWith(supabase.queries[0]!.calls, 'ilike')).toEqual([['specialties_search', '%tarot%']]);
    expect(calledWith(supabase.queries[1]!.calls, 'ilike')).toEqual([]);
  });

  test('more rows than one request may answer are read in slices', async () => {
    const supabase = tables({ data: [], error: null });
    await fetchReaderPage(supabase.client, { filters: NO_FILTERS, offset: 0, limit: MAX_ROWS_PER_REQUEST + 10 });

    expect(supabase.queries.map(({ calls }) => calledWith(calls, 'range')[0])).toEqual([
      [0, MAX_ROWS_PER_REQUEST - 1],
      [MAX_ROWS_PER_REQUEST, MAX_ROWS_PER_REQUEST + 9],
    ]);
  });

  test('"Available later today" asks for readers not available whose window starts between the server\'s now and the visitor\'s midnight', async () => {
    // The server's clock says 22:30 in New York (03:30Z): "today" there ends at 05:00Z, whatever the browser's clock says.
    const supabase = fakeSupabase((_table, calls) =>
      calls.some(([method]) => method === 'maybeSingle') ? { data: { server_time: '2026-11-26T03:30:00Z' }, error: null } : { data: [row], error: null },
    );
    await fetchReaderPage(supabase.client, { filters: { ...NO_FILTERS, laterToday: true }, limit: 24, timeZone: 'America/New_York' });

    const [clock, page] = supabase.queries;
    expect(calledWith(clock!.calls, 'select')).toEqual([['server_time']]);
    expect(calledWith(clock!.calls, 'limit')).toEqual([[1]]);
    expect(calledWith(page!.calls, 'gt')).toEqual([['next_window_starts_at', '2026-11-26T03:30:00.000Z']]);
    expect(calledWith(page!.calls, 'lt')).toEqual([['next_window_starts_at', '2026-11-26T05:00:00.000Z']]);
    expect(calledWith(page!.calls, 'neq')).toEqual([
      ['recorded_status', 'available'],
      ['status', 'available'],
    ]);
    expect(calledWith(page!.calls, 'order')).toEqual([['next_window_starts_at'], ['average_rating', { ascending: false }], ['id']]);
    expect(calledWith(page!.calls, 'select')[0]![0]).toEqual(expect.stringContaining('next_window_starts_at, next_window_ends_at'));
  });

  test('"Available later today" with no readers at all asks nothing more', async () => {
    const supabase = tables({ data: null, error: null });
    await expect(fetchReaderPage(supabase.client, { filters: { ...NO_FILTERS, laterToday: true }, limit: 24, timeZone: 'Europe/London' })).resolves.toEqual([]);
    expect(supabase.queries).toHaveLength(1);
  });

  test('a refused read is an ApiError a person can read', async () => {
    const supabase = tables({ data: null, error: { message: 'Service Unavailable' }, status: 503 });
    await expect(fetchReaderPage(supabase.client, { filters: NO_FILTERS, limit: 24 })).rejects.toMatchObject({
      name: 'ApiError',
      status: 503,
      message: 'Something went wrong on our side. Please try again in a moment.',
    });
  });
});

describe('fetchReader', () => {
  test("reads one reader's card and bio from reader_cards", async () => {
    const supabase = tables({ data: { ...row, bio: 'Hello' }, error: null });
    const reader = await fetchReader(supabase.client, row.id);

    expect(supabase.from).toHaveBeenCalledExactlyOnceWith('reader_cards');
    const { calls } = supabase.queries[0]!;
    expect(calledWith(calls, 'select')[0]![0]).toEqual(expect.stringMatching(/server_time[\s\S]*, bio$/));
    expect(calledWith(calls, 'eq')).toEqual([['id', row.id]]);
    expect(calledWith(calls, 'maybeSingle')).toHaveLength(1);
    expect(reader).toMatchObject({ id: row.id, status: 'busy', bio: 'Hello', average_rating: 4.8, server_time: '2026-11-25T12:00:00.25Z' });
  });

  test('no such reader is null; a malformed id is null without asking', async () => {
    const supabase = tables({ data: null, error: null });
    await expect(fetchReader(supabase.client, row.id)).resolves.toBeNull();
    await expect(fetchReader(supabase.client, 'not-a-uuid')).resolves.toBeNull();
    expect(supabase.from).toHaveBeenCalledOnce();
  });

  test('a failed read is an ApiError', async () => {
    const supabase = tables({ data: null, error: { message: 'TypeError: Failed to fetch', code: '' }, status: 0 });
    await expect(fetchReader(supabase.client, row.id)).rejects.toBeInstanceOf(ApiError);
  });
});

describe('fetchReaderDirectorySummary', () => {
  test('counts arrive as bigints (numbers or strings) and leave as numbers', async () => {
    const supabase = fakeSupabase(
      () => ({ data: null, error: null }),
      () => ({ data: { readers: '4', available: 1, busy: '1', away: '0', online: '2', server_time: '2026-11-25T12:00:00Z' }, error: null }),
    );

    await expect(fetchReaderDirectorySummary(supabase.client)).resolves.toEqual({
      readers: 4,
      available: 1,
      busy: 1,
      away: 0,
    });
    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_directory_summary');
  });

  test('a failure is an ApiError', async () => {
    const supabase = fakeSupabase(
      () => ({ data: null, error: null }),
      () => ({ data: null, error: { message: 'JWT expired', code: 'PGRST301' }, status: 401 }),
    );
    await expect(fetchReaderDirectorySummary(supabase.client)).rejects.toMatchObject({ status: 401, message: 'Your session has ended. Sign in again.' });
  });
});
