import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { HISTORY_PAGE_SIZE, ReadingHistory } from '@/features/readings/components/reading-history';
import { apiError } from '@/lib/api-error';
import { CLIENT_ID, endedReading, fakeReadingsApi, OTHER_READING_ID, READER_ID, STRANGER_ID } from '@/testing/reading-fixtures';
import { renderWithReadings } from '@/testing/readings-harness';

const settle = () => act(() => vi.advanceTimersByTimeAsync(0));

// The signed-in user took a reading from Luna (their reader) and gave one to Orion (their client).
const asClient = endedReading({ endedBy: CLIENT_ID });
const asReader = endedReading({
  id: OTHER_READING_ID,
  clientId: STRANGER_ID,
  clientName: 'Orion Vale',
  readerId: CLIENT_ID,
  readerName: 'Ada Moss',
  endedBy: STRANGER_ID,
  endReason: 'connection_lost',
  durationSeconds: 3723,
  amount: 314.37,
  pricePerMinute: 5.09,
});

/** The history for `userId`, with an API whose history() answers as `answer` says. */
function renderHistory(userId: string | undefined, answer: (history: ReturnType<typeof fakeReadingsApi>['history']) => void) {
  const api = fakeReadingsApi();
  answer(api.history);
  return renderWithReadings(<ReadingHistory />, { userId, api });
}

const rows = () => screen.getAllByTestId('reading-history-row');
const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((cell) => cell.textContent);

describe('ReadingHistory', () => {
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  test("lists the user's readings, newest first: with whom, how long, what it cost and how it ended", async () => {
    const harness = renderHistory(CLIENT_ID, (history) => history.mockResolvedValue([asClient, asReader]));
    await settle();

    expect(harness.api.history).toHaveBeenCalledWith(HISTORY_PAGE_SIZE);
    expect(screen.getByRole('heading', { name: 'Your readings' })).toBeInTheDocument();
    expect(screen.getAllByRole('columnheader').map((header) => header.textContent)).toEqual(['Started', 'With', 'Duration', 'Amount', 'How it ended']);
    expect(rows()).toHaveLength(2);
    const [first, second] = rows();
    expect(cells(first!).slice(1)).toEqual(['Luna Starweaver (your reader)', '1:05', '$9.98', 'You hung up.']);
    expect(cells(first!)[0]).toMatch(/2026/);
    expect(cells(second!).slice(1)).toEqual(['Orion Vale (your client)', '1:02:03', '$314.37', 'Orion Vale lost the connection to you.']);
  });

  test('a reader sees their client by name', async () => {
    renderHistory(READER_ID, (history) => history.mockResolvedValue([endedReading({ endedBy: CLIENT_ID })]));
    await settle();
    expect(cells(rows()[0]!).slice(1)).toEqual(['Ada Moss (your client)', '1:05', '$9.98', 'Ada Moss hung up.']);
  });

  test('says so while loading, and when there are no readings yet', async () => {
    let answer: (value: never[]) => void = () => {};
    renderHistory(CLIENT_ID, (history) => history.mockImplementation(() => new Promise((resolve) => (answer = resolve))));
    await settle();
    expect(screen.getByRole('status')).toHaveTextContent('Loading your readings…');

    answer([]);
    await settle();
    expect(screen.getByText('No readings yet. Readings you give or take appear here once they end.')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  test('a failed load says why and offers a retry that loads the list', async () => {
    const harness = renderHistory(CLIENT_ID, (history) =>
      history.mockRejectedValueOnce(apiError(0, { message: 'TypeError: Failed to fetch' })).mockResolvedValue([asClient]),
    );
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Your readings could not be loaded. The server cannot be reached. Check your connection and try again.',
    );
    const user = userEvent.setup({ advanceTimers: vi.advanceTimersByTime });

    await user.click(screen.getByRole('button', { name: 'Try again' }));
    await settle();
    expect(harness.api.history).toHaveBeenCalledTimes(2);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(rows()).toHaveLength(1);
  });

  test('nobody signed in: nothing is asked for', async () => {
    const harness = renderHistory(undefined, (history) => history.mockResolvedValue([asClient]));
    await settle();
    expect(harness.api.history).not.toHaveBeenCalled();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
