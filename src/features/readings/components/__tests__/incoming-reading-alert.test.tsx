import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Reading } from '@/features/readings/api/readings-api';
import { IncomingReadingAlert } from '@/features/readings/components/incoming-reading-alert';
import { apiError } from '@/lib/api-error';
import { CLIENT_ID, liveReading, READER_ID, READING_ID, reading } from '@/testing/reading-fixtures';
import { renderWithReadings } from '@/testing/readings-harness';

const SOUND_KEY = 'arcana.reading-ring-sound';
const settle = () => act(() => vi.advanceTimersByTimeAsync(0));
const setUpUser = () => userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

async function renderAlert({ userId = READER_ID, path = '/readers', followed = reading() }: { userId?: string; path?: string; followed?: Reading } = {}) {
  const harness = renderWithReadings(<IncomingReadingAlert />, { userId, path });
  await settle();
  await harness.follow(followed);
  return harness;
}

const alert = () => screen.getByRole('alertdialog', { name: 'Ada Moss asks for a video reading' });

/** A promise the test settles by hand. */
function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (reason: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A Web Audio stand-in that counts the contexts made and closed. */
function fakeAudio() {
  const made: { closed: boolean }[] = [];
  const node = () => ({ connect: (next: unknown) => next, start: vi.fn(), stop: vi.fn(), frequency: { value: 0 } });
  class FakeAudioContext {
    closed = false;
    currentTime = 0;
    destination = {};
    constructor() {
      made.push(this);
    }
    createOscillator = node;
    createGain = () => ({ ...node(), gain: { setValueAtTime: vi.fn(), exponentialRampToValueAtTime: vi.fn() } });
    close() {
      this.closed = true;
      return Promise.resolve();
    }
  }
  vi.stubGlobal('AudioContext', FakeAudioContext);
  return made;
}

describe('IncomingReadingAlert', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2026-11-25T21:00:00Z'));
    localStorage.clear();
  });

  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  test("a request ringing for the signed-in reader: who asks, the price, and the seconds left on the server's clock", async () => {
    // Time moves only as the test says; the browser's clock is an hour off, which the countdown must not notice.
    vi.useRealTimers();
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-11-25T22:00:00Z'));
    await renderAlert();

    expect(alert()).toHaveAccessibleDescription('At $4.99 per minute. The request expires in 60 s.');
    expect(screen.getByRole('button', { name: 'Accept' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Decline' })).toBeEnabled();

    await act(() => vi.advanceTimersByTimeAsync(5_000));
    expect(alert()).toHaveAccessibleDescription('At $4.99 per minute. The request expires in 55 s.');

    await act(() => vi.advanceTimersByTimeAsync(60_000));
    expect(alert()).toHaveAccessibleDescription('At $4.99 per minute. The request is expiring.');
  });

  test('Accept answers yes and opens the reading room', async () => {
    const { api, events } = await renderAlert();
    const live = liveReading();
    api.answer.mockResolvedValue(live);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Accept' }));
    await settle();

    expect(api.answer).toHaveBeenCalledTimes(1);
    expect(api.answer).toHaveBeenCalledWith(READING_ID, true);
    expect(events.getSnapshot()).toBe(live);
    expect(screen.getByTestId('current-path')).toHaveTextContent(`/readings/${READING_ID}`);
    // In the room, nothing more to say here.
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'Return to the reading room' })).not.toBeInTheDocument();
  });

  test('Decline answers no, stays where the reader is, and the alert goes', async () => {
    const { api } = await renderAlert();
    api.answer.mockResolvedValue(reading({ state: 'declined', expiresAt: null, serverTime: '2026-11-25T21:00:05Z' }));
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Decline' }));
    await settle();

    expect(api.answer).toHaveBeenCalledWith(READING_ID, false);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.getByTestId('current-path')).toHaveTextContent('/readers');
  });

  test('while the answer is out both buttons are disabled; a refusal shows its words and enables them again', async () => {
    const { api } = await renderAlert();
    const answer = deferred<Reading>();
    api.answer.mockReturnValue(answer.promise);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Accept' }));
    expect(screen.getByRole('button', { name: 'Accept' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Decline' })).toBeDisabled();

    answer.reject(apiError(409, { message: 'the client cancelled this request', code: 'PT409' }));
    await settle();

    expect(alert()).toHaveTextContent('The client cancelled this request.');
    expect(screen.getByRole('button', { name: 'Accept' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Decline' })).toBeEnabled();
    expect(screen.getByTestId('current-path')).toHaveTextContent('/readers');
  });

  test('an unexpected failure gets a general message', async () => {
    const { api } = await renderAlert();
    api.answer.mockRejectedValue(new Error('boom'));
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Decline' }));
    await settle();

    expect(alert()).toHaveTextContent('Your answer could not be sent. Please try again.');
    expect(alert()).not.toHaveTextContent('boom');
  });

  test('"Ring aloud" is off by default, and the choice is kept in this browser', async () => {
    const made = fakeAudio();
    await renderAlert();
    const toggle = screen.getByRole('button', { name: 'Ring aloud' });
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(made).toHaveLength(0);
    const user = setUpUser();

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(localStorage.getItem(SOUND_KEY)).toBe('on');
    expect(made).toHaveLength(1);
    expect(made[0]?.closed).toBe(false);

    await user.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    expect(localStorage.getItem(SOUND_KEY)).toBe('off');
    expect(made[0]?.closed).toBe(true);
  });

  test('a reader who turned the sound on hears the next request at once, until it stops ringing', async () => {
    const made = fakeAudio();
    localStorage.setItem(SOUND_KEY, 'on');
    const { follow } = await renderAlert();
    expect(screen.getByRole('button', { name: 'Ring aloud' })).toHaveAttribute('aria-pressed', 'true');
    expect(made).toHaveLength(1);

    await follow(reading({ state: 'expired', expiresAt: null, serverTime: '2026-11-25T21:01:00Z' }));
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(made[0]?.closed).toBe(true);
  });

  test("nothing shows for the client's own request", async () => {
    await renderAlert({ userId: CLIENT_ID });
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  test.each([
    ['declined', reading({ state: 'declined', expiresAt: null })],
    ['expired', reading({ state: 'expired', expiresAt: null })],
    ['cancelled', reading({ state: 'cancelled', expiresAt: null })],
    ['ended', reading({ state: 'ended', expiresAt: null, endReason: 'hung_up', endedBy: CLIENT_ID })],
  ])('nothing shows for a reading that is %s', async (_state, followed) => {
    await renderAlert({ followed });
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  test.each([
    ['the reader', READER_ID, 'Your reading with Ada Moss is live.'],
    ['the client', CLIENT_ID, 'Your reading with Luna Starweaver is live.'],
  ])('a live reading away from its room offers %s the way back', async (_who, userId, text) => {
    await renderAlert({ userId, followed: liveReading() });
    expect(screen.getByRole('status')).toHaveTextContent(text);
    expect(screen.getByRole('link', { name: 'Return to the reading room' })).toHaveAttribute('href', `/readings/${READING_ID}`);
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });

  test('in the reading room itself there is no way back to offer', async () => {
    await renderAlert({ followed: liveReading(), path: `/readings/${READING_ID}` });
    expect(screen.queryByRole('link', { name: 'Return to the reading room' })).not.toBeInTheDocument();
  });

  test('nobody signed in: nothing shows', async () => {
    const harness = renderWithReadings(<IncomingReadingAlert />, { userId: undefined });
    await settle();
    // Even if the service holds a reading (it does not adopt any before start).
    await harness.follow(reading());
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument();
  });
});
