import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { READERS_PAGE_SIZE, type Reader, type ReaderFilters, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { ReadersPage } from '@/features/readers/components/readers-page';
import type { LoadReaders, ReadersSnapshot } from '@/features/readers/hooks/use-reader-directory';
import { SUMMARY_REFRESH_INTERVAL_MS, type LoadDirectorySummary } from '@/features/readers/hooks/use-reader-directory-summary';
import { SEARCH_TYPING_PAUSE_MS } from '@/hooks/use-settled-search';
import { apiError } from '@/lib/api-error';
import type { PresenceStatus } from '@/lib/presence-status';
import { serverTimeFrom } from '@/lib/server-time';
import { testServerState, WithQueryClient } from '@/testing/query-client';

const SERVER_TIME = '2026-11-25T12:00:00Z';

function reader(id: string, name: string, status: PresenceStatus, specialties: string[] = [], status_message: string | null = null): Reader {
  return {
    id,
    display_name: name,
    avatar_url: null,
    specialties,
    average_rating: 4.5,
    review_count: 10,
    status,
    status_message,
    last_seen_at: '2026-11-25T11:40:00Z',
    server_time: SERVER_TIME,
    next_window_starts_at: null,
    next_window_ends_at: null,
    readerLevel: { id: 1, name: 'Adept', color_theme: 'violet', icon: 'moon', base_price_per_minute: 3.49, description: '' },
  };
}

// In directory order, as the database returns them: available, in a reading, away, offline.
const selene = reader('1', 'Selene Ashgrove', 'available', ['Love', 'Astrology']);
const orion = reader('2', 'Orion Vale', 'busy', ['Career', 'Dreams'], 'With a client until 3pm');
const luna = reader('3', 'Luna Starweaver', 'offline', ['Love']);
const mira = reader('4', 'Mira Thorn', 'offline', ['Runes']);

function summaryOf(rows: readonly Reader[]): ReaderDirectorySummary {
  const count = (status: PresenceStatus) => rows.filter((r) => r.status === status).length;
  return { readers: rows.length, available: count('available'), busy: count('busy'), away: count('away') };
}

/** The directory's counts of `rows`, as reader_directory_summary() answers them. */
const counts = (rows: readonly Reader[]) => vi.fn<LoadDirectorySummary>(() => Promise.resolve(summaryOf(rows)));

/** A stand-in for the API: filters and pages `rows` the way the database does. */
function directory(rows: Reader[]) {
  return vi.fn<LoadReaders>(({ filters, offset = 0, limit }) => {
    const needle = filters.specialty.trim().toLowerCase();
    const matching = rows.filter(
      (row) =>
        (!filters.availableOnly || row.status === 'available') &&
        (!filters.laterToday || (row.status !== 'available' && row.next_window_starts_at !== null)) &&
        row.specialties.some((s) => s.toLowerCase().includes(needle)),
    );
    const readers = matching.slice(offset, offset + limit);
    return Promise.resolve({ readers, serverTime: readers[0] && serverTimeFrom(readers[0].server_time) });
  });
}

const snapshot = (readers: Reader[]): ReadersSnapshot => ({ readers, serverTime: serverTimeFrom(SERVER_TIME) });

// Tests that render pages of cards take seconds on a busy machine: more time than the default.
const MANY_CARDS = { timeout: 20_000 };

function manyReaders(count: number): Reader[] {
  return Array.from({ length: count }, (_, index) => reader(`r${index}`, `Reader ${index}`, 'offline', ['Tarot']));
}

function renderPage(
  loadReaders: LoadReaders,
  { path = '/readers', loadSummary = counts([]), onVideo }: { path?: string; loadSummary?: LoadDirectorySummary; onVideo?: (reader: Reader) => void } = {},
) {
  const server = testServerState();
  const page = <ReadersPage loadReaders={loadReaders} loadSummary={loadSummary} updates={server.updates} onVideo={onVideo} />;
  const router = createMemoryRouter([{ path: '/readers', element: page }], { initialEntries: [path] });
  render(
    <WithQueryClient client={server.queryClient}>
      <RouterProvider router={router} />
    </WithQueryClient>,
  );
  return { router, ...server };
}

const cardNames = () =>
  within(screen.getByRole('list', { name: 'Readers' }))
    .getAllByRole('article')
    .map((card) => within(card).getByRole('heading').textContent);
const card = (name: string) => screen.getByRole('article', { name });
const queries = (load: ReturnType<typeof directory>): ReaderPageQuery[] => load.mock.calls.map(([query]) => query);
const firstPage = (filters: ReaderFilters = { availableOnly: false, specialty: '' }): ReaderPageQuery => ({
  filters: { laterToday: false, ...filters },
  offset: 0,
  limit: READERS_PAGE_SIZE,
});

async function settle() {
  await act(() => vi.advanceTimersByTimeAsync(0));
}

function setUpUser() {
  return userEvent.setup({ advanceTimers: vi.advanceTimersByTime });
}

beforeEach(() => {
  vi.useFakeTimers({ shouldAdvanceTime: true });
});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ReadersPage', () => {
  test('shows skeletons while the first load is out', () => {
    renderPage(() => new Promise(() => {}));

    expect(screen.getByRole('list', { name: 'Loading readers' })).toHaveAttribute('aria-busy', 'true');
    expect(screen.getByRole('status')).toHaveTextContent('Loading readers…');
    expect(screen.queryByRole('list', { name: 'Readers' })).not.toBeInTheDocument();
  });

  test("asks for the first page and shows it in the order given, with the directory's counts", async () => {
    const load = directory([selene, orion, luna, mira]);
    renderPage(load, { loadSummary: counts([selene, orion, luna, mira]) });
    await settle();

    expect(queries(load)).toEqual([firstPage()]);
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale', 'Luna Starweaver', 'Mira Thorn']);
    expect(screen.getByRole('status')).toHaveTextContent('4 readers · 1 available now, 1 in a reading');
    expect(screen.queryByRole('list', { name: 'Loading readers' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more readers' })).not.toBeInTheDocument();
  });

  test('each card shows the status the database sent, in words, with the message and Video only when available', async () => {
    renderPage(directory([selene, orion, luna]));
    await settle();

    expect(within(card('Selene Ashgrove')).getByText('Available')).toBeInTheDocument();
    expect(within(card('Selene Ashgrove')).getByRole('link', { name: 'Video reading with Selene Ashgrove' })).toBeInTheDocument();

    expect(within(card('Orion Vale')).getByText('In a reading')).toBeInTheDocument();
    expect(within(card('Orion Vale')).getByText('“With a client until 3pm”')).toBeInTheDocument();
    expect(within(card('Orion Vale')).getByRole('button', { name: 'Video reading with Orion Vale' })).toHaveAccessibleDescription(
      'Unavailable: Orion Vale is in a reading',
    );

    expect(within(card('Luna Starweaver')).getByText('Offline')).toBeInTheDocument();
    expect(within(card('Luna Starweaver')).getByText('· last seen 20 minutes ago')).toBeInTheDocument();
    expect(within(card('Luna Starweaver')).getByRole('button', { name: 'Video reading with Luna Starweaver' })).toBeDisabled();
  });

  test('for someone who can ask, Video on an available reader asks for a reading with that reader', async () => {
    const onVideo = vi.fn<(reader: Reader) => void>();
    renderPage(directory([selene, orion, luna]), { onVideo });
    await settle();

    expect(within(card('Selene Ashgrove')).queryByRole('link', { name: /video/i })).not.toBeInTheDocument();
    expect(within(card('Orion Vale')).getByRole('button', { name: 'Video reading with Orion Vale' })).toBeDisabled();
    await setUpUser().click(within(card('Selene Ashgrove')).getByRole('button', { name: 'Video reading with Selene Ashgrove' }));
    expect(onVideo).toHaveBeenCalledTimes(1);
    expect(onVideo).toHaveBeenCalledWith(selene);
  });

  test('"last seen" is measured on the server\'s clock, not the browser\'s', async () => {
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    renderPage(directory([luna]));
    await settle();

    expect(within(card('Luna Starweaver')).getByText('· last seen 20 minutes ago')).toBeInTheDocument();
  });

  test('away readers are counted apart from those in a reading', async () => {
    const rows = [selene, { ...orion, status: 'away' as const, status_message: null }, luna];
    renderPage(directory(rows), { loadSummary: counts(rows) });
    await settle();

    expect(screen.getByRole('status')).toHaveTextContent('3 readers · 1 available now, 1 away');
    expect(within(card('Orion Vale')).getByText('Away')).toBeInTheDocument();
  });

  test('says so when there are no readers at all', async () => {
    renderPage(directory([]), { loadSummary: counts([]) });
    await settle();

    expect(screen.getByText('No readers have joined yet. Check back soon.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('0 readers · 0 available now');
    expect(screen.queryByRole('list', { name: 'Readers' })).not.toBeInTheDocument();
  });

  test('a failed first load says why, in words, with a retry that works', async () => {
    const load = vi
      .fn<LoadReaders>()
      .mockRejectedValueOnce(apiError(0, { message: 'TypeError: Failed to fetch' }))
      .mockResolvedValue(snapshot([selene]));
    renderPage(load);
    await settle();

    expect(screen.getByRole('alert')).toHaveTextContent('The readers could not be loaded. The server cannot be reached. Check your connection and try again.');
    await setUpUser().click(screen.getByRole('button', { name: 'Try again' }));
    await settle();

    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(cardNames()).toEqual(['Selene Ashgrove']);
  });

  test('an unexpected failure gets a general message, never the raw error', async () => {
    renderPage(vi.fn<LoadReaders>().mockRejectedValue(new Error('undefined is not a function')));
    await settle();

    expect(screen.getByRole('alert')).toHaveTextContent('The readers could not be loaded. Something went wrong. Please try again.');
    expect(screen.getByRole('alert')).not.toHaveTextContent('undefined is not a function');
  });

  test('a failed refresh keeps the last good list on screen, marked as possibly out of date', async () => {
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot([selene, luna]))
      .mockRejectedValueOnce(apiError(0, { message: 'TimeoutError: The operation was aborted due to timeout' }));
    renderPage(load);
    await settle();
    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(screen.getByRole('alert')).toHaveTextContent('The list could not be refreshed, so it may be out of date');
    expect(screen.getByRole('alert')).toHaveTextContent('The server took too long to answer.');
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Luna Starweaver']);
  });

  test('polling shows a reader who became available, in the new order, without a reload', async () => {
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot([selene, luna]))
      .mockResolvedValue(snapshot([{ ...luna, status: 'available' }, selene]));
    renderPage(load);
    await settle();
    expect(within(card('Luna Starweaver')).getByText('Offline')).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(within(card('Luna Starweaver')).getByText('Available')).toBeInTheDocument();
    expect(within(card('Luna Starweaver')).getByRole('link', { name: 'Video reading with Luna Starweaver' })).toBeInTheDocument();
    expect(cardNames()).toEqual(['Luna Starweaver', 'Selene Ashgrove']);
  });

  test('"Show more readers" appends the next page; polling then rereads every row shown in one request', MANY_CARDS, async () => {
    const everyone = manyReaders(READERS_PAGE_SIZE + 5);
    const load = directory(everyone);
    renderPage(load);
    await settle();
    expect(cardNames()).toHaveLength(READERS_PAGE_SIZE);

    await setUpUser().click(screen.getByRole('button', { name: 'Show more readers' }));
    await settle();

    expect(queries(load).at(-1)).toEqual({ ...firstPage(), offset: READERS_PAGE_SIZE });
    expect(cardNames()).toEqual(everyone.map((r) => r.display_name));
    // The last page was not full: nothing more to show.
    expect(screen.queryByRole('button', { name: 'Show more readers' })).not.toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(queries(load).at(-1)).toEqual({ ...firstPage(), limit: 2 * READERS_PAGE_SIZE });
    expect(load).toHaveBeenCalledTimes(3);
    expect(cardNames()).toHaveLength(everyone.length);
  });

  test('while the next page loads, the button says so and ignores more clicks', MANY_CARDS, async () => {
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot(manyReaders(READERS_PAGE_SIZE)))
      .mockReturnValue(new Promise(() => {}));
    renderPage(load);
    await settle();
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Show more readers' }));
    const loadingMore = screen.getByRole('button', { name: 'Loading more readers…' });
    expect(loadingMore).toHaveAttribute('aria-disabled', 'true');
    await user.click(loadingMore);

    expect(load).toHaveBeenCalledTimes(2);
    expect(cardNames()).toHaveLength(READERS_PAGE_SIZE);
  });

  test('a next page that comes back empty keeps the cards shown, with their "last seen"', MANY_CARDS, async () => {
    renderPage(directory(manyReaders(READERS_PAGE_SIZE)));
    await settle();

    await setUpUser().click(screen.getByRole('button', { name: 'Show more readers' }));
    await settle();

    expect(cardNames()).toHaveLength(READERS_PAGE_SIZE);
    expect(within(card('Reader 0')).getByText('· last seen 20 minutes ago')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more readers' })).not.toBeInTheDocument();
  });

  test('"Available now" asks the server for available readers only and is kept in the address (?available=1)', async () => {
    const load = directory([selene, orion, luna, mira]);
    const { router } = renderPage(load, { loadSummary: counts([selene, orion, luna, mira]) });
    await settle();
    const user = setUpUser();

    await user.click(screen.getByRole('checkbox', { name: 'Available now' }));
    await settle();

    expect(router.state.location.search).toBe('?available=1');
    expect(queries(load).at(-1)).toEqual(firstPage({ availableOnly: true, specialty: '' }));
    // Orion is signed in but in a reading: not available, so not listed.
    expect(cardNames()).toEqual(['Selene Ashgrove']);
    expect(screen.getByRole('status')).toHaveTextContent('Showing 1 matching reader of 4 · 1 available now, 1 in a reading');

    await user.click(screen.getByRole('checkbox', { name: 'Available now' }));
    await settle();
    expect(router.state.location.search).toBe('');
    expect(queries(load).at(-1)).toEqual(firstPage());
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale', 'Luna Starweaver', 'Mira Thorn']);
  });

  test('"Available later today" is kept in the address (?later=1) and sets "Available now" aside, and back', async () => {
    const load = directory([selene, orion, luna, mira]);
    const { router } = renderPage(load, { path: '/readers?available=1', loadSummary: counts([selene, orion, luna, mira]) });
    await settle();
    const user = setUpUser();

    await user.click(screen.getByRole('checkbox', { name: 'Available later today' }));
    await settle();
    expect(router.state.location.search).toBe('?later=1');
    expect(screen.getByRole('checkbox', { name: 'Available now' })).not.toBeChecked();
    expect(queries(load).at(-1)).toEqual(firstPage({ availableOnly: false, specialty: '', laterToday: true }));
    expect(screen.getByText('No readers match these filters later today.')).toBeInTheDocument();

    await user.click(screen.getByRole('checkbox', { name: 'Available now' }));
    await settle();
    expect(router.state.location.search).toBe('?available=1');
    expect(screen.getByRole('checkbox', { name: 'Available later today' })).not.toBeChecked();
  });

  test('the specialty search goes to the server, is kept in the address, and typing waits for a pause', async () => {
    const load = directory([selene, orion, luna, mira]);
    const { router } = renderPage(load, { loadSummary: counts([selene, orion, luna, mira]) });
    await settle();
    const user = setUpUser();

    const requestsBeforeTyping = load.mock.calls.length;
    await user.type(screen.getByRole('combobox', { name: 'Specialty' }), 'LOVE');
    expect(router.state.location.search).toBe('?specialty=LOVE');
    expect(load).toHaveBeenCalledTimes(requestsBeforeTyping);
    // Until the search is answered, the cards on screen belong to the old filters: marked busy.
    expect(screen.getByRole('list', { name: 'Readers' })).toHaveAttribute('aria-busy', 'true');
    await act(() => vi.advanceTimersByTimeAsync(SEARCH_TYPING_PAUSE_MS));
    await settle();

    expect(load).toHaveBeenCalledTimes(requestsBeforeTyping + 1);
    expect(queries(load).at(-1)).toEqual(firstPage({ availableOnly: false, specialty: 'LOVE' }));
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Luna Starweaver']);
    expect(screen.getByRole('list', { name: 'Readers' })).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByRole('status')).toHaveTextContent('Showing 2 matching readers of 4 · 1 available now, 1 in a reading');

    await user.click(screen.getByRole('checkbox', { name: 'Available now' }));
    await settle();
    expect(router.state.location.search).toBe('?available=1&specialty=LOVE');
    expect(queries(load).at(-1)).toEqual(firstPage({ availableOnly: true, specialty: 'LOVE' }));

    const requestsBeforeClearing = load.mock.calls.length;
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await settle();
    expect(router.state.location.search).toBe('');
    // Clearing applies at once, in one request.
    expect(queries(load).slice(requestsBeforeClearing)).toEqual([firstPage()]);
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale', 'Luna Starweaver', 'Mira Thorn']);
    expect(screen.getByRole('status')).toHaveTextContent('4 readers · 1 available now, 1 in a reading');
  });

  test('a new filter starts again from the first page', MANY_CARDS, async () => {
    const everyone = manyReaders(3 * READERS_PAGE_SIZE);
    const load = directory(everyone);
    renderPage(load, { loadSummary: counts(everyone) });
    await settle();
    const user = setUpUser();
    await user.click(screen.getByRole('button', { name: 'Show more readers' }));
    await settle();
    expect(cardNames()).toHaveLength(2 * READERS_PAGE_SIZE);

    await user.type(screen.getByRole('combobox', { name: 'Specialty' }), 'tarot');
    await act(() => vi.advanceTimersByTimeAsync(SEARCH_TYPING_PAUSE_MS));

    expect(queries(load).at(-1)).toEqual(firstPage({ availableOnly: false, specialty: 'tarot' }));
    expect(cardNames()).toHaveLength(READERS_PAGE_SIZE);
    expect(screen.getByRole('status')).toHaveTextContent(`Showing ${READERS_PAGE_SIZE} matching readers of ${3 * READERS_PAGE_SIZE}`);
  });

  test('specialty suggestions come from the readers loaded', async () => {
    renderPage(directory([selene, orion, luna]));
    await settle();

    const suggestions = [...document.querySelectorAll('datalist option')].map((option) => option.getAttribute('value'));
    expect(suggestions).toEqual(['Astrology', 'Career', 'Dreams', 'Love']);
  });

  test('filters from the address apply on arrival (?available=1), and no match offers to clear them', async () => {
    const load = directory([selene, orion, luna, mira]);
    const { router } = renderPage(load, { path: '/readers?available=1&specialty=dreams', loadSummary: counts([selene, orion, luna, mira]) });
    await settle();

    expect(queries(load)).toEqual([firstPage({ availableOnly: true, specialty: 'dreams' })]);
    expect(screen.getByRole('checkbox', { name: 'Available now' })).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Specialty' })).toHaveValue('dreams');
    // Orion reads dreams, but he is in a reading.
    expect(screen.getByText('No readers match these filters right now.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Showing 0 matching readers of 4 · 1 available now, 1 in a reading');

    // The one in the message, after the filter bar's own.
    await setUpUser().click(screen.getAllByRole('button', { name: 'Clear filters' }).at(-1)!);
    await settle();
    expect(router.state.location.search).toBe('');
    expect(screen.getByRole('checkbox', { name: 'Available now' })).not.toBeChecked();
  });
});

describe('ReadersPage, counts', () => {
  const earlier = summaryOf([selene, luna]);
  const later = summaryOf([selene, orion, luna]);

  test('are read on their own and again every minute, while the cards keep their own pace', async () => {
    const load = directory([selene, luna]);
    const loadSummary = vi.fn<LoadDirectorySummary>().mockResolvedValueOnce(earlier).mockResolvedValue(later);
    renderPage(load, { loadSummary });
    await settle();
    expect(loadSummary).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('status')).toHaveTextContent('2 readers · 1 available now');

    await act(() => vi.advanceTimersByTimeAsync(SUMMARY_REFRESH_INTERVAL_MS));

    expect(loadSummary).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('status')).toHaveTextContent('3 readers · 1 available now, 1 in a reading');
    expect(load).toHaveBeenCalledTimes(1);
  });

  test('a new filter rereads the cards, not the counts', async () => {
    const load = directory([selene, orion, luna]);
    const loadSummary = counts([selene, orion, luna]);
    renderPage(load, { loadSummary });
    await settle();

    await setUpUser().click(screen.getByRole('checkbox', { name: 'Available now' }));
    await settle();

    expect(load).toHaveBeenCalledTimes(2);
    expect(loadSummary).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('status')).toHaveTextContent('Showing 1 matching reader of 3 · 1 available now, 1 in a reading');
  });

  test('while they load the cards show, and the line says the page is loading', async () => {
    renderPage(directory([selene]), { loadSummary: () => new Promise(() => {}) });
    await settle();

    expect(cardNames()).toEqual(['Selene Ashgrove']);
    expect(screen.getByRole('status')).toHaveTextContent('Loading readers…');
  });

  test('a failed read leaves the cards shown, with no counts and no alert, until a later minute brings them', async () => {
    const loadSummary = vi
      .fn<LoadDirectorySummary>()
      .mockRejectedValueOnce(apiError(0, { message: 'TypeError: Failed to fetch' }))
      .mockResolvedValue(earlier);
    renderPage(directory([selene, luna]), { loadSummary });
    await settle();

    expect(cardNames()).toEqual(['Selene Ashgrove', 'Luna Starweaver']);
    expect(within(card('Luna Starweaver')).getByText('· last seen 20 minutes ago')).toBeInTheDocument();
    expect(screen.getByRole('status')).toBeEmptyDOMElement();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(SUMMARY_REFRESH_INTERVAL_MS));

    expect(screen.getByRole('status')).toHaveTextContent('2 readers · 1 available now');
  });

  test('a failed refresh keeps the last counts on screen', async () => {
    const loadSummary = vi
      .fn<LoadDirectorySummary>()
      .mockResolvedValueOnce(earlier)
      .mockRejectedValue(apiError(0, { message: 'TypeError: Failed to fetch' }));
    renderPage(directory([selene, luna]), { loadSummary });
    await settle();

    await act(() => vi.advanceTimersByTimeAsync(SUMMARY_REFRESH_INTERVAL_MS));

    expect(loadSummary).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('status')).toHaveTextContent('2 readers · 1 available now');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});

describe('ReadersPage, live', () => {
  const SELENE_ID = '11111111-1111-4111-8111-111111111111';
  const ORION_ID = '22222222-2222-4222-8222-222222222222';
  const liveSelene = { ...selene, id: SELENE_ID };
  const liveOrion = { ...orion, id: ORION_ID };
  const push = (payload: object) => ({ reader_id: SELENE_ID, status: 'busy', message: null, last_seen_at: '2026-11-25T12:00:00Z', ...payload });
  const liveState = () => screen.getByTestId('live-state');

  async function renderLive(load: LoadReaders = directory([liveSelene, liveOrion]), loadSummary?: LoadDirectorySummary) {
    const page = renderPage(load, { loadSummary });
    await settle();
    act(() => page.realtime.channel.status('SUBSCRIBED'));
    await settle();
    return page;
  }

  test('joins the private reader-presence channel, once', async () => {
    const { realtime } = renderPage(directory([selene]));
    await settle();

    expect(realtime.channels.map((channel) => [channel.name, channel.options])).toEqual([['reader-presence', { config: { private: true } }]]);
  });

  test('a pushed change rewrites the card in place, without a request', async () => {
    const load = directory([liveSelene, liveOrion]);
    const { realtime } = await renderLive(load);
    const requests = load.mock.calls.length;

    act(() => realtime.channel.broadcast('status', push({ status: 'away', message: 'Back at 3pm' })));
    await settle();

    expect(within(card('Selene Ashgrove')).getByText('Away')).toBeInTheDocument();
    expect(within(card('Selene Ashgrove')).getByText('“Back at 3pm”')).toBeInTheDocument();
    expect(within(card('Selene Ashgrove')).getByRole('button', { name: 'Video reading with Selene Ashgrove' })).toBeInTheDocument();
    // In place: the next read puts it in directory order.
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale']);
    expect(load).toHaveBeenCalledTimes(requests);
  });

  test('a pushed "offline" shows when the reader was last seen', async () => {
    const { realtime } = await renderLive();

    act(() => realtime.channel.broadcast('status', push({ status: 'offline', last_seen_at: '2026-11-25T11:55:00Z' })));
    await settle();

    expect(within(card('Selene Ashgrove')).getByText('Offline')).toBeInTheDocument();
    expect(within(card('Selene Ashgrove')).getByText('· last seen 5 minutes ago')).toBeInTheDocument();
  });

  test('pushes do not reread the counts: they are still reread once a minute', async () => {
    const loadSummary = counts([liveSelene, liveOrion]);
    const { realtime } = await renderLive(directory([liveSelene, liveOrion]), loadSummary);
    const reads = loadSummary.mock.calls.length;

    act(() => {
      for (let index = 0; index < 100; index += 1) realtime.channel.broadcast('status', push({ status: index % 2 === 0 ? 'away' : 'available' }));
    });
    await settle();
    expect(loadSummary).toHaveBeenCalledTimes(reads);

    await act(() => vi.advanceTimersByTimeAsync(SUMMARY_REFRESH_INTERVAL_MS));
    expect(loadSummary).toHaveBeenCalledTimes(reads + 1);
  });

  test('malformed pushes and other events change nothing', async () => {
    const { realtime } = await renderLive();

    act(() => {
      realtime.channel.broadcast('status', push({ status: 'asleep' }));
      realtime.channel.broadcast('status', push({ message: 'x'.repeat(1_000_000) }));
      realtime.channel.broadcast('status', { ...push({}), reader_id: '1' });
      realtime.channel.broadcast('other', push({}));
    });
    await settle();

    expect(within(card('Selene Ashgrove')).getByText('Available')).toBeInTheDocument();
  });

  test("a push that arrives while a read is out is not undone by that read's older answer", async () => {
    let answerRead: (snapshot: ReadersSnapshot) => void = () => {};
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot([liveSelene, liveOrion]))
      .mockImplementation(() => new Promise((resolve) => (answerRead = resolve)));
    const { realtime } = renderPage(load);
    await settle();
    // Subscribing rereads the list; the read is still out when the push comes.
    act(() => realtime.channel.status('SUBSCRIBED'));
    await settle();
    act(() => realtime.channel.broadcast('status', push({ status: 'busy', message: 'With a client' })));

    await act(() => {
      answerRead(snapshot([liveSelene, liveOrion]));
      return Promise.resolve();
    });
    await settle();

    expect(within(card('Selene Ashgrove')).getByText('In a reading')).toBeInTheDocument();
    expect(within(card('Selene Ashgrove')).getByText('“With a client”')).toBeInTheDocument();
  });

  test('says "Live" while subscribed, and how often the list updates otherwise', async () => {
    const { realtime } = renderPage(directory([selene]));
    await settle();
    expect(liveState()).toHaveTextContent(/^Updating every 2 min$/);

    act(() => realtime.channel.status('SUBSCRIBED'));
    expect(liveState()).toHaveTextContent(/^Live$/);

    for (const status of ['CHANNEL_ERROR', 'TIMED_OUT', 'CLOSED'] as const) {
      act(() => realtime.channel.status(status));
      expect(liveState()).toHaveTextContent(/^Updating every 2 min$/);
      act(() => realtime.channel.status('SUBSCRIBED'));
      expect(liveState()).toHaveTextContent(/^Live$/);
    }
  });

  test('while live the poll slows to the safety net; when the channel drops it polls at the usual interval', async () => {
    const load = directory([liveSelene]);
    const { realtime } = await renderLive(load);
    const requests = load.mock.calls.length;

    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(load).toHaveBeenCalledTimes(requests);
    await act(() => vi.advanceTimersByTimeAsync(600_000 - 120_000));
    expect(load).toHaveBeenCalledTimes(requests + 1);

    act(() => realtime.channel.status('CHANNEL_ERROR'));
    await act(() => vi.advanceTimersByTimeAsync(120_000));
    expect(load).toHaveBeenCalledTimes(requests + 2);
  });

  test('subscribing again after a drop rereads the list at once: pushes sent meanwhile were lost', async () => {
    const load = vi
      .fn<LoadReaders>()
      .mockResolvedValueOnce(snapshot([liveSelene]))
      .mockResolvedValueOnce(snapshot([liveSelene]))
      .mockResolvedValue(snapshot([{ ...liveSelene, status: 'busy' }]));
    const { realtime } = await renderLive(load);
    expect(load).toHaveBeenCalledTimes(2);

    act(() => realtime.channel.status('CHANNEL_ERROR'));
    await settle();
    expect(load).toHaveBeenCalledTimes(2);
    act(() => realtime.channel.status('SUBSCRIBED'));
    await settle();

    expect(load).toHaveBeenCalledTimes(3);
    expect(within(card('Selene Ashgrove')).getByText('In a reading')).toBeInTheDocument();
  });

  test('leaving the page removes the channel', async () => {
    const { realtime } = await renderLive();

    cleanup();
    await settle();

    expect(realtime.removeChannel).toHaveBeenCalledWith(realtime.channel);
  });
});
