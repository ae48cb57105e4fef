import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ReadingRoomPage } from '@/features/readings/components/reading-room-page';
import { READING_HEARTBEAT_MS } from '@/features/readings/hooks/use-reading-room';
import { mediaErrorText } from '@/features/readings/services/reading-media';
import { apiError } from '@/lib/api-error';
import { CLIENT_ID, endedReading, fakeReadingsApi, liveReading, READER_ID, READING_ID, reading, readingRow } from '@/testing/reading-fixtures';
import { renderWithReadings } from '@/testing/readings-harness';

const settle = () => act(() => vi.advanceTimersByTimeAsync(0));

/** The room of READING_ID for `userId`, with an API whose heartbeat answers as `answer` says. */
function renderRoom(userId: string, answer: (heartbeat: ReturnType<typeof fakeReadingsApi>['heartbeat']) => void) {
  const api = fakeReadingsApi();
  answer(api.heartbeat);
  return renderWithReadings(<ReadingRoomPage readingId={READING_ID} />, { userId, api, path: `/readings/${READING_ID}` });
}

const record = () => screen.getByTestId('reading-record');

describe('ReadingRoomPage', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2026-11-25T21:02:00Z'));
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  test('says it is opening the room while the reading is read', () => {
    const { api } = renderRoom(CLIENT_ID, () => {});
    expect(screen.getByRole('status')).toHaveTextContent('Opening the reading room…');
    expect(api.heartbeat).toHaveBeenCalledWith(READING_ID);
  });

  test('an ended reading shows its record: who hung up, how long it took and what it cost', async () => {
    const { api, events } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(endedReading({ endedBy: CLIENT_ID })));
    await settle();

    expect(screen.getByRole('heading', { level: 1, name: 'Video reading with Luna Starweaver' })).toBeInTheDocument();
    expect(record()).toHaveTextContent('The reading has ended. You hung up.');
    expect(screen.getByTestId('reading-duration')).toHaveTextContent('1:05');
    expect(screen.getByTestId('reading-amount')).toHaveTextContent('$9.98 at $4.99 per started minute');
    expect(screen.getByRole('link', { name: 'Your readings' })).toHaveAttribute('href', '/profile#readings');
    expect(screen.getByRole('link', { name: 'All readers' })).toHaveAttribute('href', '/readers');
    expect(document.title).toBe('Reading with Luna Starweaver · Arcana Readers');
    // Told to the rest of the tab, too.
    expect(events.getSnapshot()).toEqual(endedReading({ endedBy: CLIENT_ID }));

    // A reading that is over is not read again.
    await act(() => vi.advanceTimersByTimeAsync(READING_HEARTBEAT_MS * 3));
    expect(api.heartbeat).toHaveBeenCalledTimes(1);
  });

  test("the other side's hang-up is told by name, from the reader's side", async () => {
    renderRoom(READER_ID, (heartbeat) => heartbeat.mockResolvedValue(endedReading({ endedBy: CLIENT_ID })));
    await settle();
    expect(screen.getByRole('heading', { level: 1, name: 'Video reading with Ada Moss' })).toBeInTheDocument();
    expect(record()).toHaveTextContent('The reading has ended. Ada Moss hung up.');
  });

  test('a reading the database ended is told so', async () => {
    renderRoom(READER_ID, (heartbeat) => heartbeat.mockResolvedValue(endedReading({ endedBy: null, endReason: 'abandoned' })));
    await settle();
    expect(record()).toHaveTextContent('One side stopped responding for two minutes, so the reading ended by itself.');
  });

  test('a request that never became a reading says what became of it, without an amount', async () => {
    renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(reading({ state: 'declined', expiresAt: null })));
    await settle();
    expect(record()).toHaveTextContent('Luna Starweaver declined your request. No reading took place and nothing is charged.');
    expect(screen.queryByTestId('reading-amount')).not.toBeInTheDocument();
  });

  test.each([
    ['someone else’s reading, or none (P0002)', apiError(404, { message: 'no such reading', code: 'P0002' })],
    ['an address that is no reading id (22P02)', apiError(400, { message: 'invalid input syntax for type uuid: "abc"', code: '22P02' })],
  ])('%s: "There is no reading of yours at this address."', async (_case, error) => {
    renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockRejectedValue(error));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent(/^There is no reading of yours at this address\.$/);
  });

  test('any other failure says the reading could not be loaded, and why', async () => {
    renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockRejectedValue(apiError(0, { message: 'TypeError: Failed to fetch' })));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('This reading could not be loaded. The server cannot be reached. Check your connection and try again.');
  });

  describe('a live reading, in a browser that cannot give a camera or microphone', () => {
    // jsdom has neither getUserMedia nor RTCPeerConnection: the room says so and makes no call; the
    // call itself is covered by reading-call's tests and the end-to-end spec.
    const live = () => liveReading({ amount: 4.99, chargedUntil: '2026-11-25T21:01:20Z', serverTime: '2026-11-25T21:00:30Z' });

    test('shows the time and the cost so far on the server’s clock, and why there is no video', async () => {
      const { openSignalling, api } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();

      expect(screen.getByRole('heading', { level: 1, name: 'Video reading with Luna Starweaver' })).toBeInTheDocument();
      expect(screen.getByTestId('reading-timer')).toHaveTextContent('0:10');
      expect(screen.getByTestId('reading-cost')).toHaveTextContent('$4.99');
      expect(screen.getByRole('alert')).toHaveTextContent(mediaErrorText('unsupported'));
      expect(screen.getByRole('button', { name: 'Mute' })).toBeDisabled();
      expect(screen.getByRole('button', { name: 'Camera off' })).toBeDisabled();
      expect(openSignalling).not.toHaveBeenCalled();
      // The call's ICE servers are the database's, asked for once the reading is live.
      expect(api.iceServers).toHaveBeenCalledWith(READING_ID);
    });

    test('shows the cost the database counts, and asks for it again as soon as the minute it covers has passed', async () => {
      const nextMinute = liveReading({ amount: 9.98, chargedUntil: '2026-11-25T21:02:20Z', serverTime: '2026-11-25T21:01:20.004Z' });
      const opened = Date.now();
      // 50 seconds after the first answer the database's minute is over; before that it answers as before.
      const { api } = renderRoom(CLIENT_ID, (heartbeat) =>
        heartbeat.mockImplementation(() => Promise.resolve(Date.now() - opened < 50_000 ? live() : nextMinute)),
      );
      await settle();
      expect(screen.getByTestId('reading-cost')).toHaveTextContent('$4.99');

      // The heartbeats every 15 seconds change nothing meanwhile.
      await act(() => vi.advanceTimersByTimeAsync(49_500));
      expect(screen.getByTestId('reading-cost')).toHaveTextContent('$4.99');
      const asked = api.heartbeat.mock.calls.length;

      // Not the next heartbeat (at 60 seconds): the minute's end itself.
      await act(() => vi.advanceTimersByTimeAsync(1_000));
      expect(api.heartbeat).toHaveBeenCalledTimes(asked + 1);
      expect(screen.getByTestId('reading-cost')).toHaveTextContent('$9.98');
    });

    test('a blocked camera and microphone are told so, with a retry that asks again', async () => {
      const getUserMedia = vi.fn(() => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')));
      vi.stubGlobal('navigator', { ...navigator, mediaDevices: { getUserMedia } });
      renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();
      expect(screen.getByRole('alert')).toHaveTextContent(mediaErrorText('blocked'));
      const asked = getUserMedia.mock.calls.length;
      expect(asked).toBeGreaterThan(0);
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

      await user.click(screen.getByRole('button', { name: 'Try again' }));
      await settle();
      expect(getUserMedia.mock.calls.length).toBeGreaterThan(asked);
    });

    test('keeps the reading going with a heartbeat every 15 seconds', async () => {
      const { api } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();
      const beats = api.heartbeat.mock.calls.length;
      await act(() => vi.advanceTimersByTimeAsync(READING_HEARTBEAT_MS));
      expect(api.heartbeat.mock.calls.length).toBe(beats + 1);
      await act(() => vi.advanceTimersByTimeAsync(READING_HEARTBEAT_MS));
      expect(api.heartbeat.mock.calls.length).toBe(beats + 2);
    });

    test('Hang up ends the reading as hung up and shows its record', async () => {
      const { api } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();
      api.end.mockResolvedValue(endedReading({ endedBy: CLIENT_ID }));
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

      await user.click(screen.getByRole('button', { name: 'Hang up' }));
      await settle();
      expect(api.end).toHaveBeenCalledWith(READING_ID, 'hung_up');
      expect(record()).toHaveTextContent('The reading has ended. You hung up.');
    });

    test('a hang-up the database refuses says so and can be tried again', async () => {
      const { api } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();
      api.end.mockRejectedValue(apiError(0, { message: 'TypeError: Failed to fetch' }));
      const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

      await user.click(screen.getByRole('button', { name: 'Hang up' }));
      await settle();
      expect(screen.getByText('The server cannot be reached. Check your connection and try again.')).toBeInTheDocument();
      expect(screen.getByRole('button', { name: 'Hang up' })).toBeEnabled();
    });

    test('the end pushed by the other side replaces the call with the record', async () => {
      const { push } = renderRoom(CLIENT_ID, (heartbeat) => heartbeat.mockResolvedValue(live()));
      await settle();
      await push(
        readingRow({
          state: 'ended',
          expires_at: null,
          started_at: '2026-11-25T21:00:20Z',
          ended_at: '2026-11-25T21:01:25Z',
          ended_by: READER_ID,
          end_reason: 'hung_up',
          duration_seconds: 65,
          amount: '9.98',
          server_time: '2026-11-25T21:01:25Z',
        }),
      );
      expect(record()).toHaveTextContent('The reading has ended. Luna Starweaver hung up.');
      expect(screen.queryByRole('button', { name: 'Hang up' })).not.toBeInTheDocument();
    });
  });
});
