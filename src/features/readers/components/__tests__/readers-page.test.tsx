import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ReaderDirectorySummary } from '@/features/readers/api/fetch-reader-directory-summary';
import { READERS_PAGE_SIZE, type Reader, type ReaderPageQuery } from '@/features/readers/api/fetch-reader-page';
import { ReadersPage } from '@/features/readers/components/readers-page';
import type { LoadReaders, ReadersSnapshot } from '@/features/readers/hooks/use-reader-directory';
import { SEARCH_TYPING_PAUSE_MS } from '@/features/readers/hooks/use-settled-search';

const serverNow = new Date('2026-11-25T12:00:00Z');

function reader(id: string, name: string, is_online: boolean, specialties: string[] = []): Reader {
  return {
    id,
    display_name: name,
    avatar_url: null,
    specialties,
    average_rating: 4.5,
    review_count: 10,
    is_online,
    last_seen_at: '2026-11-25T11:40:00Z',
    readerLevel: { id: 1, name: 'Adept', color_theme: 'violet', icon: 'moon', base_price_per_minute: 3.49, description: '' },
  };
}

// In directory order, as the API returns them: flagged online first. Orion's flag is stale (the
// five-minute rule says offline), so he comes before Luna but is shown offline.
const selene = reader('1', 'Selene Ashgrove', true, ['Love', 'Astrology']);
const orion = { ...reader('2', 'Orion Vale', false, ['Career', 'Dreams']), flaggedOnline: true };
const luna = reader('3', 'Luna Starweaver', false, ['Love']);

type DirectoryRow = Reader & { flaggedOnline?: boolean };

/** A stand-in for the API: filters and pages `rows` the way the database does. */
function directory(rows: DirectoryRow[], summary: ReaderDirectorySummary = { readers: rows.length, online: rows.filter((r) => r.is_online).length }) {
  return vi.fn<LoadReaders>(async ({ filters, offset = 0, limit }) => {
    const needle = filters.specialty.trim().toLowerCase();
    const matching = rows.filter(
      (row) => (!filters.onlineOnly || row.is_online || row.flaggedOnline) && row.specialties.some((s) => s.toLowerCase().includes(needle)),
    );
    return { readers: matching.slice(offset, offset + limit), summary, serverNow };
  });
}

const snapshot = (readers: Reader[]): ReadersSnapshot => ({ readers, summary: { readers: readers.length, online: readers.filter((r) => r.is_online).length }, serverNow });

function manyReaders(count: number): Reader[] {
  return Array.from({ length: count }, (_, index) => reader(`r${index}`, `Reader ${index}`, false, ['Tarot']));
}

function renderPage(loadReaders: LoadReaders, path = '/readers') {
  const router = createMemoryRouter([{ path: '/readers', element: <ReadersPage loadReaders={loadReaders} refreshIntervalMs={120_000} /> }], {
    initialEntries: [path],
  });
  render(<RouterProvider router={router} />);
  return router;
}

const cardNames = () => within(screen.getByRole('list', { name: 'Readers' })).getAllByRole('article').map((card) => within(card).getByRole('heading').textContent);
const queries = (load: ReturnType<typeof directory>): ReaderPageQuery[] => load.mock.calls.map(([query]) => query);
const firstPage = (filters = { onlineOnly: false, specialty: '' }): ReaderPageQuery => ({ filters, offset: 0, limit: READERS_PAGE_SIZE });

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

  test('asks for the first page and shows it in the order given, with the directory\'s counts', async () => {
    const load = directory([selene, orion, luna], { readers: 100_000, online: 10_000 });
    renderPage(load);
    await settle();

    expect(queries(load)).toEqual([firstPage()]);
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale', 'Luna Starweaver']);
    expect(within(screen.getByRole('article', { name: 'Orion Vale' })).getByText('Offline')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('100,000 readers · 10,000 online now');
    expect(screen.queryByRole('list', { name: 'Loading readers' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Show more readers' })).not.toBeInTheDocument();
  });

  test('says so when there are no readers at all', async () => {
    renderPage(directory([]));
    await settle();

    expect(screen.getByText('No readers have joined yet. Check back soon.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('0 readers · 0 online now');
    expect(screen.queryByRole('list', { name: 'Readers' })).not.toBeInTheDocument();
  });

  test('a failed first load shows an error with a retry that works', async () => {
    const load = vi.fn<LoadReaders>().mockRejectedValueOnce(new Error('down')).mockResolvedValue(snapshot([selene]));
    renderPage(load);
    await settle();

    expect(screen.getByRole('alert')).toHaveTextContent('The readers could not be loaded.');
    await setUpUser().click(screen.getByRole('button', { name: 'Try again' }));
    await settle();

    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(cardNames()).toEqual(['Selene Ashgrove']);
  });

  test('a failed refresh keeps the last good list on screen, marked as possibly out of date', async () => {
    const load = vi.fn<LoadReaders>().mockResolvedValueOnce(snapshot([selene, luna])).mockRejectedValueOnce(new Error('down'));
    renderPage(load);
    await settle();
    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(screen.getByRole('alert')).toHaveTextContent('The list could not be refreshed, so it may be out of date');
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Luna Starweaver']);
  });

  test('polling shows a reader who came online, in the new order, without a reload', async () => {
    const load = vi.fn<LoadReaders>().mockResolvedValueOnce(snapshot([selene, luna])).mockResolvedValue(snapshot([{ ...luna, is_online: true }, selene]));
    renderPage(load);
    await settle();
    const lunaCard = () => screen.getByRole('article', { name: 'Luna Starweaver' });
    expect(within(lunaCard()).getByText('Offline')).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(within(lunaCard()).getByText('Online')).toBeInTheDocument();
    expect(within(lunaCard()).getByRole('link', { name: 'Video reading with Luna Starweaver' })).toBeInTheDocument();
    expect(cardNames()).toEqual(['Luna Starweaver', 'Selene Ashgrove']);
    expect(screen.getByRole('status')).toHaveTextContent('2 readers · 2 online now');
  });

  test('"Show more readers" appends the next page; polling then rereads every row shown in one request', async () => {
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

  test('while the next page loads, the button says so and ignores more clicks', async () => {
    const load = vi.fn<LoadReaders>().mockResolvedValueOnce(snapshot(manyReaders(READERS_PAGE_SIZE))).mockReturnValue(new Promise(() => {}));
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

  test('"Online now" and the specialty search go to the server, are kept in the address, and typing waits for a pause', async () => {
    const load = directory([selene, orion, luna]);
    const router = renderPage(load);
    await settle();
    const user = setUpUser();

    await user.click(screen.getByRole('checkbox', { name: 'Online now' }));
    await settle();
    expect(queries(load).at(-1)).toEqual(firstPage({ onlineOnly: true, specialty: '' }));
    // Orion is flagged online, but the five-minute rule says he is not: hidden.
    expect(cardNames()).toEqual(['Selene Ashgrove']);

    await user.click(screen.getByRole('checkbox', { name: 'Online now' }));
    await settle();
    const requestsBeforeTyping = load.mock.calls.length;
    await user.type(screen.getByRole('combobox', { name: 'Specialty' }), 'LOVE');
    expect(router.state.location.search).toBe('?specialty=LOVE');
    expect(load).toHaveBeenCalledTimes(requestsBeforeTyping);
    // Until the search is answered, the cards on screen belong to the old filters: marked busy.
    expect(screen.getByRole('list', { name: 'Readers' })).toHaveAttribute('aria-busy', 'true');
    await act(() => vi.advanceTimersByTimeAsync(SEARCH_TYPING_PAUSE_MS));

    expect(load).toHaveBeenCalledTimes(requestsBeforeTyping + 1);
    expect(queries(load).at(-1)).toEqual(firstPage({ onlineOnly: false, specialty: 'LOVE' }));
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Luna Starweaver']);
    expect(screen.getByRole('list', { name: 'Readers' })).toHaveAttribute('aria-busy', 'false');
    expect(screen.getByRole('status')).toHaveTextContent('Showing 2 matching readers of 3 · 1 online now');

    const requestsBeforeClearing = load.mock.calls.length;
    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    await settle();
    expect(router.state.location.search).toBe('');
    // Clearing applies at once, in one request.
    expect(queries(load).slice(requestsBeforeClearing)).toEqual([firstPage()]);
    expect(cardNames()).toEqual(['Selene Ashgrove', 'Orion Vale', 'Luna Starweaver']);
    expect(screen.getByRole('status')).toHaveTextContent('3 readers · 1 online now');
  });

  test('a new filter starts again from the first page', async () => {
    const load = directory(manyReaders(3 * READERS_PAGE_SIZE));
    renderPage(load);
    await settle();
    const user = setUpUser();
    await user.click(screen.getByRole('button', { name: 'Show more readers' }));
    await settle();
    expect(cardNames()).toHaveLength(2 * READERS_PAGE_SIZE);

    await user.type(screen.getByRole('combobox', { name: 'Specialty' }), 'tarot');
    await act(() => vi.advanceTimersByTimeAsync(SEARCH_TYPING_PAUSE_MS));

    expect(queries(load).at(-1)).toEqual(firstPage({ onlineOnly: false, specialty: 'tarot' }));
    expect(cardNames()).toHaveLength(READERS_PAGE_SIZE);
    expect(screen.getByRole('status')).toHaveTextContent(`Showing ${READERS_PAGE_SIZE} matching readers of ${3 * READERS_PAGE_SIZE}`);
  });

  test('specialty suggestions come from the readers loaded', async () => {
    renderPage(directory([selene, orion, luna]));
    await settle();

    const suggestions = [...document.querySelectorAll('datalist option')].map((option) => option.getAttribute('value'));
    expect(suggestions).toEqual(['Astrology', 'Career', 'Dreams', 'Love']);
  });

  test('filters from the address apply on arrival, and no match offers to clear them', async () => {
    const load = directory([selene, orion, luna]);
    renderPage(load, '/readers?online=1&specialty=dreams');
    await settle();

    expect(queries(load)).toEqual([firstPage({ onlineOnly: true, specialty: 'dreams' })]);
    expect(screen.getByRole('checkbox', { name: 'Online now' })).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Specialty' })).toHaveValue('dreams');
    expect(screen.getByText('No readers match these filters right now.')).toBeInTheDocument();
    expect(screen.getByRole('status')).toHaveTextContent('Showing 0 matching readers of 3 · 1 online now');
  });
});
