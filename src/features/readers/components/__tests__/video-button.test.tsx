import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test } from 'vitest';
import { VideoButton } from '@/features/readers/components/video-button';
import type { PresenceStatus } from '@/lib/presence-status';

const id = '11111111-1111-4111-8111-111111111111';

function renderButton(status: PresenceStatus) {
  render(
    <MemoryRouter>
      <VideoButton readerId={id} readerName="Selene Ashgrove" status={status} />
    </MemoryRouter>,
  );
}

describe('VideoButton', () => {
  test("available: a link to the reader's video reading", () => {
    renderButton('available');

    const video = screen.getByRole('link', { name: 'Video reading with Selene Ashgrove' });
    expect(video).toHaveAttribute('href', `/readers/${id}#video`);
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.queryByText(/Unavailable/)).not.toBeInTheDocument();
  });

  test.each([
    ['busy', 'Unavailable: Selene Ashgrove is in a reading'],
    ['away', 'Unavailable: Selene Ashgrove is away'],
    ['offline', 'Unavailable: Selene Ashgrove is offline'],
  ] as const)('%s: a disabled button that says why ("%s")', (status, reason) => {
    renderButton(status);

    const video = screen.getByRole('button', { name: 'Video reading with Selene Ashgrove' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription(reason);
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
  });
});
