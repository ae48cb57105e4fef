import { describe, expect, test } from 'vitest';
import { fetchPresenceStats } from '@/features/presence-stats/api/fetch-presence-stats';
import { nameContainsPattern, READER_SEARCH_LIMIT, searchReaders } from '@/features/presence-stats/api/search-readers';
import { ApiError } from '@/lib/api-error';
import { fakeSupabase, type FakeCalls } from '@/testing/fake-supabase';

const LUNA = '11111111-1111-4111-8111-111111111111';
const calledWith = (calls: FakeCalls, method: string) => calls.filter(([name]) => name === method).map(([, args]) => args);

describe('fetchPresenceStats', () => {
  test("a reader's own: the last 30 days without naming the reader, numbers read as numbers", async () => {
    const supabase = fakeSupabase(
      () => ({ data: null, error: null }),
      () => ({
        data: [
          { day: '2026-11-24', online_minutes: '135.0', sessions: 2, longest_session_minutes: '90.0', peak_hour: 9 },
          { day: 'not a day', online_minutes: 1, sessions: 1, longest_session_minutes: 1, peak_hour: 0 },
        ],
        error: null,
      }),
    );

    const days = await fetchPresenceStats(supabase.client, null);

    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_presence_stats', { days: 30 });
    expect(days).toEqual([{ day: '2026-11-24', onlineMinutes: 135, sessions: 2, longestSessionMinutes: 90, peakHour: 9 }]);
  });

  test('an admin names the reader whose days they read', async () => {
    const supabase = fakeSupabase(() => ({ data: null, error: null }));
    expect(await fetchPresenceStats(supabase.client, LUNA)).toEqual([]);
    expect(supabase.rpc).toHaveBeenCalledExactlyOnceWith('reader_presence_stats', { reader_id: LUNA, days: 30 });
  });

  test('a refusal is an ApiError with the database code', async () => {
    const supabase = fakeSupabase(
      () => ({ data: null, error: null }),
      () => ({ data: null, error: { code: '42501', message: "readers see their own presence statistics; admins see anyone's" }, status: 403 }),
    );
    await expect(fetchPresenceStats(supabase.client, LUNA)).rejects.toMatchObject({ name: 'ApiError', code: '42501', status: 403 } satisfies Partial<ApiError>);
  });
});

describe('searchReaders', () => {
  test('the first 50 listed readers by name, narrowed to names containing the text', async () => {
    const supabase = fakeSupabase(() => ({ data: [{ id: LUNA, display_name: 'Luna Starweaver' }], error: null }));

    expect(await searchReaders(supabase.client, ' luna ')).toEqual([{ id: LUNA, display_name: 'Luna Starweaver' }]);
    await searchReaders(supabase.client, '');

    expect(supabase.from).toHaveBeenCalledWith('reader_cards');
    const [narrowed, all] = supabase.queries.map((query) => query.calls);
    expect(calledWith(narrowed!, 'select')).toEqual([['id, display_name']]);
    expect(calledWith(narrowed!, 'ilike')).toEqual([['display_name', '%luna%']]);
    expect(calledWith(narrowed!, 'order')).toEqual([['display_name']]);
    expect(calledWith(narrowed!, 'limit')).toEqual([[READER_SEARCH_LIMIT]]);
    expect(calledWith(all!, 'ilike')).toEqual([]);
  });

  test('the text is matched literally', () => {
    expect(nameContainsPattern('50%_off\\')).toBe('%50\\%\\_off\\\\%');
    expect(nameContainsPattern('a*b')).toBe('%a_b%');
    expect(nameContainsPattern('   ')).toBeNull();
  });
});
