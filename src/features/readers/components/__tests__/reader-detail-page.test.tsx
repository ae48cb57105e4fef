import { act, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { ReaderDetail } from '@/features/readers/api/fetch-reader-page';
import { ReaderDetailPage, type ReaderSnapshot } from '@/features/readers/components/reader-detail-page';

const serverNow = new Date('2026-11-25T12:00:00Z');
const luna: ReaderDetail = {
  id: 'luna',
  display_name: 'Luna Starweaver',
  avatar_url: null,
  bio: 'Twenty years with the Thoth deck.',
  specialties: ['Love'],
  average_rating: 4.9,
  review_count: 128,
  is_online: false,
  last_seen_at: '2026-11-25T09:00:00Z',
  readerLevel: { id: 3, name: 'Master', color_theme: 'amber', icon: 'sun', base_price_per_minute: 5.99, description: '' },
};

function renderPage(loadReader: (id: string) => Promise<ReaderSnapshot>) {
  render(
    <MemoryRouter>
      <ReaderDetailPage readerId="luna" loadReader={loadReader} refreshIntervalMs={60_000} />
    </MemoryRouter>,
  );
}

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

test('shows the reader, their status and price, and follows them coming online', async () => {
  const load = vi
    .fn<(id: string) => Promise<ReaderSnapshot>>()
    .mockResolvedValueOnce({ reader: luna, serverNow })
    .mockResolvedValue({ reader: { ...luna, is_online: true }, serverNow });
  renderPage(load);
  expect(screen.getByRole('status')).toHaveTextContent('Loading reader…');
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(load).toHaveBeenCalledWith('luna');
  expect(screen.getByRole('heading', { level: 1, name: 'Luna Starweaver' })).toBeInTheDocument();
  expect(screen.getByText('Twenty years with the Thoth deck.')).toBeInTheDocument();
  expect(screen.getByText('· last seen 3 hours ago')).toBeInTheDocument();
  expect(screen.getByText('$5.99/min')).toBeInTheDocument();
  expect(screen.getByText(/is offline\. Video readings open when they come back online/)).toBeInTheDocument();

  await act(() => vi.advanceTimersByTimeAsync(60_000));
  expect(screen.getByText('Luna Starweaver is online now and available for a video reading.')).toBeInTheDocument();
  expect(screen.getByRole('img', { name: 'Online' })).toBeInTheDocument();
});

test('an unknown reader gets a not-found page with a way back', async () => {
  renderPage(async () => ({ reader: null, serverNow }));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('heading', { level: 1, name: 'Reader not found' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'All readers' })).toHaveAttribute('href', '/readers');
});

test('a failed load offers a retry', async () => {
  renderPage(() => Promise.reject(new Error('down')));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('alert')).toHaveTextContent('This reader could not be loaded.');
  expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
});
