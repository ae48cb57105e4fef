import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createMemoryRouter, RouterProvider } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-all-readers';
import { ReadersPage, type ReadersSnapshot } from '@/features/readers/components/readers-page';

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

// Best rated first, as the API returns them.
const luna = reader('1', 'Luna Starweaver', false, ['Love']);
const orion = reader('2', 'Orion Vale', true, ['Career', 'Dreams']);
const selene = reader('3', 'Selene Ashgrove', true, ['Love', 'Astrology']);

const snapshot = (readers: Reader[]): ReadersSnapshot => ({ readers, serverNow });

function renderPage(loadReaders: () => Promise<ReadersSnapshot>, path = '/readers') {
  const router = createMemoryRouter([{ path: '/readers', element: <ReadersPage loadReaders={loadReaders} refreshIntervalMs={120_000} /> }], {
    initialEntries: [path],
  });
  render(<RouterProvider router={router} />);
  return router;
}

const cardNames = () => within(screen.getByRole('list', { name: 'Readers' })).getAllByRole('article').map((card) => within(card).getByRole('heading').textContent);

async function settle() {
  await act(() => vi.advanceTimersByTimeAsync(0));
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

  test('shows the cards, online readers first, with a summary', async () => {
    renderPage(async () => snapshot([luna, orion, selene]));
    await settle();

    expect(cardNames()).toEqual(['Orion Vale', 'Selene Ashgrove', 'Luna Starweaver']);
    expect(screen.getByRole('status')).toHaveTextContent('3 readers · 2 online now');
    expect(screen.queryByRole('list', { name: 'Loading readers' })).not.toBeInTheDocument();
  });

  test('says so when there are no readers at all', async () => {
    renderPage(async () => snapshot([]));
    await settle();

    expect(screen.getByText('No readers have joined yet. Check back soon.')).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Readers' })).not.toBeInTheDocument();
  });

  test('a failed first load shows an error with a retry that works', async () => {
    const load = vi.fn<() => Promise<ReadersSnapshot>>().mockRejectedValueOnce(new Error('down')).mockResolvedValue(snapshot([orion]));
    renderPage(load);
    await settle();

    expect(screen.getByRole('alert')).toHaveTextContent('The readers could not be loaded.');
    await userEvent.setup({ advanceTimers: vi.advanceTimersByTime }).click(screen.getByRole('button', { name: 'Try again' }));
    await settle();

    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(cardNames()).toEqual(['Orion Vale']);
  });

  test('a failed refresh keeps the last good list on screen, marked as possibly out of date', async () => {
    const load = vi.fn<() => Promise<ReadersSnapshot>>().mockResolvedValueOnce(snapshot([luna, orion])).mockRejectedValueOnce(new Error('down'));
    renderPage(load);
    await settle();
    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(screen.getByRole('alert')).toHaveTextContent('The list could not be refreshed, so it may be out of date');
    expect(cardNames()).toEqual(['Orion Vale', 'Luna Starweaver']);
  });

  test('polling shows a reader who came online, without a reload', async () => {
    const load = vi.fn<() => Promise<ReadersSnapshot>>().mockResolvedValueOnce(snapshot([luna, orion])).mockResolvedValue(snapshot([{ ...luna, is_online: true }, orion]));
    renderPage(load);
    await settle();
    const lunaCard = () => screen.getByRole('article', { name: 'Luna Starweaver' });
    expect(within(lunaCard()).getByText('Offline')).toBeInTheDocument();

    await act(() => vi.advanceTimersByTimeAsync(120_000));

    expect(within(lunaCard()).getByText('Online')).toBeInTheDocument();
    expect(within(lunaCard()).getByRole('link', { name: 'Video reading with Luna Starweaver' })).toBeInTheDocument();
    expect(cardNames()).toEqual(['Luna Starweaver', 'Orion Vale']);
  });

  test('"Online now" and the specialty search filter the list and are kept in the address', async () => {
    const router = renderPage(async () => snapshot([luna, orion, selene]));
    await settle();
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

    await user.click(screen.getByRole('checkbox', { name: 'Online now' }));
    expect(cardNames()).toEqual(['Orion Vale', 'Selene Ashgrove']);

    await user.type(screen.getByRole('combobox', { name: 'Specialty' }), 'love');
    expect(cardNames()).toEqual(['Selene Ashgrove']);
    expect(screen.getByRole('status')).toHaveTextContent('Showing 1 of 3 readers · 2 online now');
    expect(router.state.location.search).toBe('?online=1&specialty=love');

    await user.click(screen.getAllByRole('button', { name: 'Clear filters' })[0]!);
    expect(cardNames()).toEqual(['Orion Vale', 'Selene Ashgrove', 'Luna Starweaver']);
    expect(router.state.location.search).toBe('');
  });

  test('filters from the address apply on arrival, and no match offers to clear them', async () => {
    renderPage(async () => snapshot([luna, orion]), '/readers?online=1&specialty=astrology');
    await settle();

    expect(screen.getByRole('checkbox', { name: 'Online now' })).toBeChecked();
    expect(screen.getByRole('combobox', { name: 'Specialty' })).toHaveValue('astrology');
    expect(screen.getByText('No readers match these filters right now.')).toBeInTheDocument();
  });
});
