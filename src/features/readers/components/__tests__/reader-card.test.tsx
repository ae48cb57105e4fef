import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test, vi } from 'vitest';
import type { Reader } from '@/features/readers/api/fetch-reader-page';
import { ReaderCard } from '@/features/readers/components/reader-card';

const serverNow = new Date('2026-11-25T12:00:00Z');

function makeReader(overrides: Partial<Reader> = {}): Reader {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    display_name: 'Luna Starweaver',
    avatar_url: null,
    specialties: ['Love', 'Career'],
    average_rating: 4.9,
    review_count: 128,
    status: 'available',
    status_message: null,
    last_seen_at: '2026-11-25T11:59:30Z',
    server_time: '2026-11-25T12:00:00Z',
    next_window_starts_at: null,
    next_window_ends_at: null,
    readerLevel: { id: 3, name: 'Master', color_theme: 'amber', icon: 'sun', base_price_per_minute: 5.99, description: '' },
    ...overrides,
  };
}

function renderCard(reader: Reader, onVideo?: () => void) {
  render(
    <MemoryRouter>
      <ReaderCard reader={reader} serverNow={serverNow} onVideo={onVideo} />
    </MemoryRouter>,
  );
  return screen.getByRole('article', { name: reader.display_name });
}

const offlineReader = makeReader({ status: 'offline', last_seen_at: '2026-11-25T11:48:00Z' });

describe('ReaderCard', () => {
  test('an available reader: the status in words on the avatar and the line, no "last seen", and Video', () => {
    const card = renderCard(makeReader());

    expect(within(card).getByRole('img', { name: 'Available' })).toBeInTheDocument();
    expect(within(card).getByText('Available')).toBeInTheDocument();
    expect(within(card).queryByText(/last seen/)).not.toBeInTheDocument();
    const video = within(card).getByRole('link', { name: 'Video reading with Luna Starweaver' });
    expect(video).toHaveAttribute('href', '/readers/11111111-1111-4111-8111-111111111111#video');
    expect(within(card).queryByRole('button', { name: /video/i })).not.toBeInTheDocument();
  });

  test('with onVideo, Video on an available reader asks for the reading', async () => {
    const onVideo = vi.fn();
    const card = renderCard(makeReader(), onVideo);

    expect(within(card).queryByRole('link', { name: /video/i })).not.toBeInTheDocument();
    await userEvent.setup().click(within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' }));
    expect(onVideo).toHaveBeenCalledTimes(1);
  });

  test('with onVideo, Video on a busy reader stays disabled with the reason', () => {
    const card = renderCard(makeReader({ status: 'busy' }), vi.fn());

    const video = within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription('Unavailable: Luna Starweaver is in a reading');
  });

  test('a reader in a reading: their message, and Video disabled with the reason', () => {
    const card = renderCard(makeReader({ status: 'busy', status_message: 'Back at 3pm' }));

    expect(within(card).getByRole('img', { name: 'In a reading' })).toBeInTheDocument();
    expect(within(card).getByText('In a reading')).toBeInTheDocument();
    expect(within(card).getByText('“Back at 3pm”')).toBeInTheDocument();
    const video = within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription('Unavailable: Luna Starweaver is in a reading');
  });

  test('an away reader is told apart from an offline one, in words', () => {
    const card = renderCard(makeReader({ status: 'away' }));

    expect(within(card).getByRole('img', { name: 'Away' })).toBeInTheDocument();
    expect(within(card).queryByText('Offline')).not.toBeInTheDocument();
    expect(within(card).queryByText(/last seen/)).not.toBeInTheDocument();
    expect(within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' })).toHaveAccessibleDescription(
      'Unavailable: Luna Starweaver is away',
    );
  });

  test('an offline reader: when they were last seen, and Video disabled', () => {
    const card = renderCard(offlineReader);

    expect(within(card).getByRole('img', { name: 'Offline' })).toBeInTheDocument();
    expect(within(card).getByText('Offline')).toBeInTheDocument();
    expect(within(card).getByText('· last seen 12 minutes ago')).toBeInTheDocument();
    const video = within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription('Unavailable: Luna Starweaver is offline');
    expect(within(card).queryByRole('link', { name: /video/i })).not.toBeInTheDocument();
  });

  test('offline and away readers show their next window of hours beside the status; available and busy ones do not', () => {
    // In progress on the server's clock (12:00Z): the end is worded in the browser's own zone.
    const hours = { next_window_starts_at: '2026-11-25T11:00:00Z', next_window_ends_at: '2026-11-25T15:00:00Z' };
    for (const status of ['offline', 'away'] as const) {
      const card = renderCard(makeReader({ status, ...hours }));
      expect(within(card).getByTestId('next-window')).toHaveTextContent(/^Usually available now until \d\d:\d\d$/);
      cleanup();
    }
    for (const status of ['available', 'busy'] as const) {
      const card = renderCard(makeReader({ status, ...hours }));
      expect(within(card).queryByTestId('next-window')).not.toBeInTheDocument();
      cleanup();
    }
    const card = renderCard(makeReader({ status: 'offline' }));
    expect(within(card).queryByText(/available now until|Usually available|Next available/)).not.toBeInTheDocument();
  });

  test('shows the level, rating, reviews, price per minute and specialties, and links to the reader', () => {
    const card = renderCard(makeReader());

    expect(within(card).getByText('Master')).toBeInTheDocument();
    expect(card).toHaveTextContent('4.9 out of 5 (128 reviews)');
    expect(within(card).getByText('$5.99/min')).toBeInTheDocument();
    expect(
      within(within(card).getByRole('list', { name: 'Specialties' }))
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Love', 'Career']);
    expect(within(card).getByRole('link', { name: 'Luna Starweaver' })).toHaveAttribute('href', '/readers/11111111-1111-4111-8111-111111111111');
  });

  test('a reader without a level shows no badge and no price rather than a broken one', () => {
    const card = renderCard(makeReader({ readerLevel: null }));

    expect(within(card).queryByText(/\/min/)).not.toBeInTheDocument();
    expect(within(card).queryByText('Master')).not.toBeInTheDocument();
  });

  test('shows initials without a photo and the photo when there is one', () => {
    const withoutPhoto = renderCard(makeReader());
    expect(withoutPhoto).toHaveTextContent('LS');
    expect(withoutPhoto.querySelector('img')).toBeNull();

    const withPhoto = renderCard(
      makeReader({ id: '22222222-2222-4222-8222-222222222222', display_name: 'Orion Vale', avatar_url: 'https://example.com/orion.jpg' }),
    );
    expect(withPhoto.querySelector('img')).toHaveAttribute('src', 'https://example.com/orion.jpg');
  });
});
