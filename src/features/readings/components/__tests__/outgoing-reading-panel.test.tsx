import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Reading } from '@/features/readings/api/readings-api';
import { OutgoingReadingPanel } from '@/features/readings/components/outgoing-reading-panel';
import { useRequestReading } from '@/features/readings/hooks/use-request-reading';
import { useOutgoingRequestStore } from '@/features/readings/stores/outgoing-request-store';
import { requestOutcomeText } from '@/features/readings/utils/reading-outcome';
import { apiError } from '@/lib/api-error';
import { CLIENT_ID, endedReading, liveReading, OTHER_READING_ID, READER_ID, READING_ID, reading, readingRow } from '@/testing/reading-fixtures';
import { renderWithReadings } from '@/testing/readings-harness';

const settle = () => act(() => vi.advanceTimersByTimeAsync(0));
const setUpUser = () => userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

/** The Video button as the app wires it: asks Luna through useRequestReading. */
function AskLuna() {
  const request = useRequestReading();
  return (
    <button type="button" onClick={() => request({ id: READER_ID, name: 'Luna Starweaver' })}>
      Ask Luna
    </button>
  );
}

async function renderPanel({ userId = CLIENT_ID, path = '/readers' }: { userId?: string; path?: string } = {}) {
  const harness = renderWithReadings(
    <>
      <AskLuna />
      <OutgoingReadingPanel />
    </>,
    { userId, path },
  );
  await settle();
  return harness;
}

const region = () => screen.getByRole('region', { name: 'Your reading request' });
const path = () => screen.getByTestId('current-path').textContent;

function deferred<T>() {
  let resolve: (value: T) => void = () => {};
  let reject: (reason: unknown) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('OutgoingReadingPanel', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    vi.setSystemTime(new Date('2026-11-25T21:00:00Z'));
    useOutgoingRequestStore.setState({ readerName: null, sending: false, error: null });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  test('lives in a polite live region that is there before anything is said', async () => {
    await renderPanel();
    expect(region()).toHaveAttribute('aria-live', 'polite');
    expect(region()).toBeEmptyDOMElement();
  });

  test('while the request is sent: "Asking … for a video reading…"; once the database has it: "Calling …" with the price', async () => {
    const { api, events } = await renderPanel();
    const sent = deferred<Reading>();
    api.request.mockReturnValue(sent.promise);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Ask Luna' }));
    expect(api.request).toHaveBeenCalledWith(READER_ID);
    expect(within(region()).getByRole('status')).toHaveTextContent('Asking Luna Starweaver for a video reading…');

    sent.resolve(reading());
    await settle();
    expect(events.getSnapshot()).toEqual(reading());
    expect(within(region()).getByRole('status')).toHaveTextContent('Calling Luna Starweaver… ($4.99/min)');
    expect(screen.getByRole('button', { name: 'Cancel request' })).toBeEnabled();
  });

  test("a refused request shows the database's words, and Close clears them", async () => {
    const { api } = await renderPanel();
    api.request.mockRejectedValue(apiError(409, { message: 'Luna Starweaver is in another reading', code: 'PT409' }));
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Ask Luna' }));
    await settle();
    expect(within(region()).getByRole('status')).toHaveTextContent('Luna Starweaver is in another reading.');

    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(region()).toBeEmptyDOMElement();
  });

  test('a request that fails unexpectedly gets a general message', async () => {
    const { api } = await renderPanel();
    api.request.mockRejectedValue(new Error('boom'));
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Ask Luna' }));
    await settle();
    expect(region()).toHaveTextContent('Your request could not be sent. Please try again.');
    expect(region()).not.toHaveTextContent('boom');
  });

  test('a request ringing for the signed-in client: "Calling …", and Cancel cancels it', async () => {
    const { api, follow } = await renderPanel();
    await follow(reading());
    expect(region()).toHaveTextContent('Calling Luna Starweaver… ($4.99/min)');
    const cancelled = reading({ state: 'cancelled', expiresAt: null, serverTime: '2026-11-25T21:00:09Z' });
    api.cancel.mockResolvedValue(cancelled);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Cancel request' }));
    await settle();
    expect(api.cancel).toHaveBeenCalledTimes(1);
    expect(api.cancel).toHaveBeenCalledWith(READING_ID);
    expect(region()).toHaveTextContent('You cancelled your request.');
  });

  test('a cancel that fails says so and can be tried again', async () => {
    const { api, follow } = await renderPanel();
    await follow(reading());
    const cancel = deferred<Reading>();
    api.cancel.mockReturnValue(cancel.promise);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Cancel request' }));
    expect(screen.getByRole('button', { name: 'Cancel request' })).toBeDisabled();
    cancel.reject(apiError(0, { message: 'TypeError: Failed to fetch' }));
    await settle();
    expect(region()).toHaveTextContent('The server cannot be reached. Check your connection and try again.');
    expect(screen.getByRole('button', { name: 'Cancel request' })).toBeEnabled();
  });

  test.each([
    ['declined', 'Luna Starweaver declined your request. No reading took place and nothing is charged.'],
    ['expired', 'Luna Starweaver did not answer within a minute. No reading took place and nothing is charged.'],
    ['cancelled', 'You cancelled your request.'],
  ] as const)('a request that was %s says so, and Close dismisses it', async (state, text) => {
    const { events, follow, push } = await renderPanel();
    await follow(reading());
    await push(readingRow({ state, expires_at: null, server_time: '2026-11-25T21:00:30Z' }));
    expect(text).toBe(requestOutcomeText(reading({ state })));
    expect(within(region()).getByRole('status')).toHaveTextContent(text);
    const user = setUpUser();

    await user.click(screen.getByRole('button', { name: 'Close' }));
    expect(events.getSnapshot()).toBeNull();
    expect(region()).toBeEmptyDOMElement();
  });

  test("a reading that goes live opens its room once; leaving the room later is the client's choice", async () => {
    const { follow, router } = await renderPanel();
    await follow(reading());
    await follow(liveReading());
    expect(path()).toBe(`/readings/${READING_ID}`);
    expect(region()).toBeEmptyDOMElement();

    await act(() => router.navigate('/readers'));
    await follow(liveReading({ serverTime: '2026-11-25T21:00:40Z' }));
    expect(path()).toBe('/readers');
  });

  test('an ended reading says nothing here (the room tells it)', async () => {
    const { follow } = await renderPanel();
    await follow(endedReading());
    expect(region()).toBeEmptyDOMElement();
  });

  test("nothing for the reader's side of a request, and no room opened for them from here", async () => {
    const { events, follow } = await renderPanel({ userId: READER_ID });
    await follow(reading({ id: OTHER_READING_ID, state: 'declined', expiresAt: null }));
    expect(events.getSnapshot()?.state).toBe('declined');
    expect(region()).toBeEmptyDOMElement();
    await follow(reading());
    expect(region()).toBeEmptyDOMElement();
    await follow(liveReading());
    expect(events.getSnapshot()?.state).toBe('live');
    expect(path()).toBe('/readers');
  });
});
