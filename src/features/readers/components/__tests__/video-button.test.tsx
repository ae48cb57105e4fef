import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router-dom';
import { describe, expect, test, vi } from 'vitest';
import { VideoButton } from '@/features/readers/components/video-button';
import type { PresenceStatus } from '@/lib/presence-status';

const id = '11111111-1111-4111-8111-111111111111';

function renderButton(status: PresenceStatus, onRequest?: () => void) {
  render(
    <MemoryRouter>
      <VideoButton readerId={id} readerName="Selene Ashgrove" status={status} onRequest={onRequest} />
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

  test('available, for someone who can ask: a button that asks for the reading, not a link', async () => {
    const onRequest = vi.fn();
    renderButton('available', onRequest);

    const video = screen.getByRole('button', { name: 'Video reading with Selene Ashgrove' });
    expect(video).toBeEnabled();
    expect(screen.queryByRole('link')).not.toBeInTheDocument();
    await userEvent.setup().click(video);
    expect(onRequest).toHaveBeenCalledTimes(1);
  });

  test.each([
    ['busy', 'Unavailable: Selene Ashgrove is in a reading'],
    ['away', 'Unavailable: Selene Ashgrove is away'],
    ['offline', 'Unavailable: Selene Ashgrove is offline'],
  ] as const)('%s, for someone who can ask: still disabled, saying why, and asks for nothing', async (status, reason) => {
    const onRequest = vi.fn();
    renderButton(status, onRequest);

    const video = screen.getByRole('button', { name: 'Video reading with Selene Ashgrove' });
    expect(video).toBeDisabled();
    expect(video).toHaveAccessibleDescription(reason);
    await userEvent.setup().click(video);
    expect(onRequest).not.toHaveBeenCalled();
  });
});
