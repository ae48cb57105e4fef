import { render, screen, within } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test } from 'vitest';
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
    is_online: true,
    last_seen_at: '2026-11-25T11:59:30Z',
    readerLevel: { id: 3, name: 'Master', color_theme: 'amber', icon: 'sun', base_price_per_minute: 5.99, description: '' },
    ...overrides,
  };
}

function renderCard(reader: Reader) {
  render(
    <MemoryRouter>
      <ReaderCard reader={reader} serverNow={serverNow} />
    </MemoryRouter>,
  );
  return screen.getByRole('article', { name: reader.display_name });
}

const offlineReader = makeReader({ is_online: false, last_seen_at: '2026-11-25T11:48:00Z' });

describe('ReaderCard', () => {
  test('should show online indicator for online readers', () => {
    const card = renderCard(makeReader());

    expect(within(card).getByRole('img', { name: 'Online' })).toBeInTheDocument();
    expect(within(card).getByText('Online')).toBeInTheDocument();
    expect(within(card).queryByText(/last seen/)).not.toBeInTheDocument();
  });

  test('should show offline indicator for offline readers', () => {
    const card = renderCard(offlineReader);

    expect(within(card).getByRole('img', { name: 'Offline' })).toBeInTheDocument();
    expect(within(card).getByText('Offline')).toBeInTheDocument();
    expect(within(card).getByText('· last seen 12 minutes ago')).toBeInTheDocument();
  });

  test('should enable video button for online readers', () => {
    const card = renderCard(makeReader());

    const video = within(card).getByRole('link', { name: 'Video reading with Luna Starweaver' });
    expect(video).toHaveAttribute('href', '/readers/11111111-1111-4111-8111-111111111111#video');
    expect(within(card).queryByRole('button', { name: /video/i })).not.toBeInTheDocument();
  });

  test('should disable video button for offline readers', () => {
    const card = renderCard(offlineReader);

    const video = within(card).getByRole('button', { name: 'Video reading with Luna Starweaver' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription('Unavailable while Luna Starweaver is offline');
    expect(within(card).queryByRole('link', { name: /video/i })).not.toBeInTheDocument();
  });

  test('shows the level, rating, reviews, price per minute and specialties, and links to the reader', () => {
    const card = renderCard(makeReader());

    expect(within(card).getByText('Master')).toBeInTheDocument();
    expect(card).toHaveTextContent('4.9 out of 5 (128 reviews)');
    expect(within(card).getByText('$5.99/min')).toBeInTheDocument();
    expect(within(within(card).getByRole('list', { name: 'Specialties' })).getAllByRole('listitem').map((li) => li.textContent)).toEqual(['Love', 'Career']);
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

    const withPhoto = renderCard(makeReader({ id: '22222222-2222-4222-8222-222222222222', display_name: 'Orion Vale', avatar_url: 'https://example.com/orion.jpg' }));
    expect(withPhoto.querySelector('img')).toHaveAttribute('src', 'https://example.com/orion.jpg');
  });
});
