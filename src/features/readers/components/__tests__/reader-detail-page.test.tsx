import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import type { ReaderDetail } from '@/features/readers/api/fetch-reader-page';
import { ReaderDetailPage } from '@/features/readers/components/reader-detail-page';
import type { ReaderSnapshot } from '@/features/readers/hooks/use-reader';
import { apiError } from '@/lib/api-error';
import { serverTimeFrom } from '@/lib/server-time';
import { testServerState, WithQueryClient } from '@/testing/query-client';

const luna: ReaderDetail = {
  id: 'luna',
  display_name: 'Luna Starweaver',
  avatar_url: null,
  bio: 'Twenty years with the Thoth deck.',
  specialties: ['Love'],
  average_rating: 4.9,
  review_count: 128,
  status: 'offline',
  status_message: null,
  last_seen_at: '2026-11-25T09:00:00Z',
  server_time: '2026-11-25T12:00:00Z',
  next_window_starts_at: null,
  next_window_ends_at: null,
  readerLevel: { id: 3, name: 'Master', color_theme: 'amber', icon: 'sun', base_price_per_minute: 5.99, description: '' },
};

/** What the route makes of an answer: the reader, and the server's time from the answer itself. */
const answer = (reader: ReaderDetail | null): ReaderSnapshot => ({ reader, serverTime: reader ? serverTimeFrom(reader.server_time) : undefined });

function renderPage(loadReader: (id: string) => Promise<ReaderSnapshot>, refreshIntervalMs = 60_000, onVideo?: (reader: ReaderDetail) => void) {
  const server = testServerState({ refreshIntervalMs });
  render(
    <WithQueryClient client={server.queryClient}>
      <MemoryRouter>
        <ReaderDetailPage readerId="luna" loadReader={loadReader} updates={server.updates} onVideo={onVideo} />
      </MemoryRouter>
    </WithQueryClient>,
  );
  return server;
}

beforeEach(() => {
  vi.useFakeTimers();
  // The browser's clock is a day and a half off; "last seen" must not notice.
  vi.setSystemTime(new Date('2026-11-24T00:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

test('shows the reader, their status and price, and follows them becoming available', async () => {
  const load = vi
    .fn<(id: string) => Promise<ReaderSnapshot>>()
    .mockImplementationOnce(() => Promise.resolve(answer(luna)))
    .mockImplementation(() => Promise.resolve(answer({ ...luna, status: 'available', server_time: '2026-11-25T12:01:00Z' })));
  renderPage(load);
  expect(screen.getByRole('status')).toHaveTextContent('Loading reader…');
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(load).toHaveBeenCalledWith('luna');
  expect(screen.getByRole('heading', { level: 1, name: 'Luna Starweaver' })).toBeInTheDocument();
  expect(screen.getByText('Twenty years with the Thoth deck.')).toBeInTheDocument();
  expect(screen.getByRole('img', { name: 'Offline' })).toBeInTheDocument();
  expect(screen.getByText('· last seen 3 hours ago')).toBeInTheDocument();
  expect(screen.getByText('$5.99/min')).toBeInTheDocument();
  expect(screen.getByText('Luna Starweaver is offline. Video readings open when they are available again; this page updates by itself.')).toBeInTheDocument();

  await act(() => vi.advanceTimersByTimeAsync(60_000));
  expect(screen.getByText('Luna Starweaver is available now for a video reading.')).toBeInTheDocument();
  expect(screen.getByRole('img', { name: 'Available' })).toBeInTheDocument();
  expect(screen.queryByText(/last seen/)).not.toBeInTheDocument();
});

test.each([
  ['busy', 'In a reading', 'Luna Starweaver is in a reading.'],
  ['away', 'Away', 'Luna Starweaver is away.'],
] as const)('a reader who is %s: the words, the message, and why there is no video now', async (status, words, why) => {
  renderPage(() => Promise.resolve(answer({ ...luna, status, status_message: 'Back at 3pm' })));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('img', { name: words })).toBeInTheDocument();
  expect(screen.getByText('“Back at 3pm”')).toBeInTheDocument();
  expect(screen.getByText(new RegExp(`^${why} Video readings open when they are available again`))).toBeInTheDocument();
  expect(screen.queryByText(/last seen/)).not.toBeInTheDocument();
});

const videoSection = () => screen.getByRole('region', { name: 'Video reading' });

test('nobody signed in: the video section offers to sign in, and comes back to this reader after', async () => {
  renderPage(() => Promise.resolve(answer({ ...luna, status: 'available' })));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(within(videoSection()).getByRole('link', { name: 'Sign in to ask Luna Starweaver for a video reading' })).toHaveAttribute(
    'href',
    '/sign-in?next=%2Freaders%2Fluna',
  );
  expect(within(videoSection()).queryByRole('button')).not.toBeInTheDocument();
});

test('signed in: the video section has the Video button, which asks this reader for a reading', async () => {
  const onVideo = vi.fn<(reader: ReaderDetail) => void>();
  renderPage(() => Promise.resolve(answer({ ...luna, status: 'available' })), 60_000, onVideo);
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(within(videoSection()).queryByRole('link', { name: /sign in/i })).not.toBeInTheDocument();
  fireEvent.click(within(videoSection()).getByRole('button', { name: 'Video reading with Luna Starweaver' }));
  expect(onVideo).toHaveBeenCalledTimes(1);
  expect(onVideo).toHaveBeenCalledWith(expect.objectContaining({ id: 'luna', display_name: 'Luna Starweaver' }));
});

test('signed in, with the reader offline: the Video button is disabled and says why', async () => {
  const onVideo = vi.fn<(reader: ReaderDetail) => void>();
  renderPage(() => Promise.resolve(answer(luna)), 60_000, onVideo);
  await act(() => vi.advanceTimersByTimeAsync(0));

  const video = within(videoSection()).getByRole('button', { name: 'Video reading with Luna Starweaver' });
  expect(video).toBeDisabled();
  expect(video).toHaveAccessibleDescription('Unavailable: Luna Starweaver is offline');
  fireEvent.click(video);
  expect(onVideo).not.toHaveBeenCalled();
});

test('"last seen" keeps counting on the server\'s clock between refreshes', async () => {
  renderPage(() => Promise.resolve(answer({ ...luna, last_seen_at: '2026-11-25T11:59:00Z' })), 3_600_000);
  await act(() => vi.advanceTimersByTimeAsync(0));
  expect(screen.getByText('· last seen 1 minute ago')).toBeInTheDocument();

  await act(() => vi.advanceTimersByTimeAsync(60_000));
  expect(screen.getByText('· last seen 2 minutes ago')).toBeInTheDocument();
});

test('an unknown reader gets a not-found page with a way back', async () => {
  renderPage(() => Promise.resolve(answer(null)));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('heading', { level: 1, name: 'Reader not found' })).toBeInTheDocument();
  expect(screen.getByRole('link', { name: 'All readers' })).toHaveAttribute('href', '/readers');
});

test('a failed load says why, in words, and offers a retry', async () => {
  renderPage(() => Promise.reject(apiError(0, { message: 'TypeError: Failed to fetch' })));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('alert')).toHaveTextContent('This reader could not be loaded. The server cannot be reached. Check your connection and try again.');
  expect(screen.getByRole('button', { name: 'Try again' })).toBeEnabled();
});

test('an unexpected failure gets a general message', async () => {
  renderPage(() => Promise.reject(new Error('boom')));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('alert')).toHaveTextContent('This reader could not be loaded. Please try again.');
  expect(screen.getByRole('alert')).not.toHaveTextContent('boom');
});

test('a failed refresh keeps the reader on screen and says the status may be out of date', async () => {
  const load = vi
    .fn<(id: string) => Promise<ReaderSnapshot>>()
    .mockImplementationOnce(() => Promise.resolve(answer({ ...luna, status: 'available' })))
    .mockRejectedValue(apiError(503, { message: 'Service Unavailable' }));
  renderPage(load);
  await act(() => vi.advanceTimersByTimeAsync(0));
  await act(() => vi.advanceTimersByTimeAsync(60_000));

  expect(screen.getByRole('alert')).toHaveTextContent('the status shown may be out of date');
  expect(screen.getByRole('heading', { level: 1, name: 'Luna Starweaver' })).toBeInTheDocument();
});

test('a pushed change shows at once, with the live indicator; without the channel the page says how often it updates', async () => {
  const id = '11111111-1111-4111-8111-111111111111';
  const load = vi.fn((_id: string) => Promise.resolve(answer({ ...luna, id, status: 'available' })));
  const { realtime } = renderPage(load);
  await act(() => vi.advanceTimersByTimeAsync(0));
  expect(screen.getByTestId('live-state')).toHaveTextContent(/^Updating every 1 min$/);

  act(() => realtime.channel.status('SUBSCRIBED'));
  await act(() => vi.advanceTimersByTimeAsync(0));
  expect(screen.getByTestId('live-state')).toHaveTextContent(/^Live$/);
  act(() => realtime.channel.broadcast('status', { reader_id: id, status: 'busy', message: 'Back at 3pm', last_seen_at: luna.last_seen_at }));
  await act(() => vi.advanceTimersByTimeAsync(0));

  expect(screen.getByRole('img', { name: 'In a reading' })).toBeInTheDocument();
  expect(screen.getByText('“Back at 3pm”')).toBeInTheDocument();
  expect(screen.getByText(/^Luna Starweaver is in a reading\./)).toBeInTheDocument();
  // The first load and the reread on subscribing; the push itself asked for nothing.
  expect(load).toHaveBeenCalledTimes(2);
});
