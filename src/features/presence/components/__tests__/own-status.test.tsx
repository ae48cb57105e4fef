import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { StatusChoice } from '@/features/presence/api/report-presence';
import { OwnStatus } from '@/features/presence/components/own-status';
import type { PresenceState } from '@/features/presence/services/reader-presence';
import { apiError } from '@/lib/api-error';
import { ownPresence } from '@/testing/presence-fixtures';

// The browser's clock is years behind the server's: every time sent must come from the server's.
const BROWSER_NOW = new Date('2020-01-01T00:00:00Z');
const SERVER_AT = new Date('2026-11-25T12:00:00Z');

function state(overrides: Partial<PresenceState> = {}, own: Parameters<typeof ownPresence>[0] = {}): PresenceState {
  return { health: 'ok', own: ownPresence({ serverTime: { at: SERVER_AT, receivedAt: Date.now() }, ...own }), ...overrides };
}

function renderStatus(presence: PresenceState, onChoose = vi.fn<(choice: StatusChoice) => Promise<unknown>>(() => Promise.resolve(undefined))) {
  const view = render(<OwnStatus state={presence} onChoose={onChoose} />);
  return { ...view, onChoose };
}

const statusButton = () => screen.getByRole('button', { name: /^Your status/ });
const form = () => screen.getByRole('form', { name: 'Change your status' });

beforeEach(() => {
  // Only Date: userEvent and React keep real timers.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(BROWSER_NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('OwnStatus: what the reader sees of themselves', () => {
  test('nothing for someone not tracked', () => {
    const { container } = renderStatus({ health: 'idle', own: undefined });
    expect(container).toBeEmptyDOMElement();
  });

  test.each([
    ['available', state(), 'Available'],
    ['busy until they change it', state({}, { status: 'busy', chosenStatus: 'busy' }), 'In a reading'],
    ['away by choice', state({}, { status: 'away', chosenStatus: 'away' }), 'Away'],
    ['away for lack of input', state({}, { status: 'away', chosenStatus: 'available' }), 'Away (no activity)'],
    ['hidden', state({}, { status: 'offline', chosenStatus: 'offline', hidden: true }), 'Hidden: you appear offline'],
    ['reconnecting', state({ health: 'retrying' }), 'Reconnecting…'],
    ['signed out by the server', state({ health: 'stopped', own: undefined }), 'Not shown online: sign in again'],
  ])('%s: "%s"', (_case, presence, text) => {
    renderStatus(presence);
    expect(screen.getByRole('status')).toHaveTextContent(new RegExp(`^${text.replace(/[()]/g, '\\$&')}$`));
    expect(statusButton()).toHaveAccessibleName(expect.stringContaining(`Your status: ${text}`));
  });

  test("a choice that ends says how long it has left, on the server's clock", () => {
    renderStatus(state({}, { status: 'busy', chosenStatus: 'busy', expiresAt: '2026-11-25T13:20:00Z' }));
    expect(screen.getByRole('status')).toHaveTextContent('In a reading for 1 h 20 min more');
  });

  test('the status can be changed while reconnecting, but not after the session ended', () => {
    const { rerender } = renderStatus(state({ health: 'retrying' }));
    expect(statusButton()).toBeEnabled();
    expect(statusButton()).toHaveAccessibleName('Your status: Reconnecting…. Change it');

    rerender(<OwnStatus state={{ health: 'stopped', own: undefined }} onChoose={vi.fn()} />);
    expect(statusButton()).toBeDisabled();
  });

  test('before the first answer it says it is connecting, and offers no choice yet', () => {
    renderStatus({ health: 'ok', own: undefined });
    expect(screen.getByRole('status')).toHaveTextContent('Connecting…');
    expect(statusButton()).toBeDisabled();
  });
});

describe('OwnStatus: choosing a status', () => {
  test('opens on the current choice and message', async () => {
    renderStatus(state({}, { status: 'away', chosenStatus: 'away', statusMessage: 'Back at 3pm' }));
    await userEvent.click(statusButton());

    expect(statusButton()).toHaveAttribute('aria-expanded', 'true');
    expect(within(form()).getByRole('radio', { name: /^Away/ })).toBeChecked();
    expect(within(form()).getByRole('textbox', { name: /Message/ })).toHaveValue('Back at 3pm');
    expect(
      within(form())
        .getAllByRole('radio')
        .map((radio) => radio.getAttribute('value')),
    ).toEqual(['available', 'busy', 'away', 'offline']);
    expect(within(form()).getByRole('radio', { name: /^Appear offline/ })).toBeInTheDocument();
  });

  test("Busy with a message for 1 hour: ends one hour after the server's now, whatever the browser's clock", async () => {
    const { onChoose } = renderStatus(state({}, { serverTime: { at: SERVER_AT, receivedAt: Date.now() - 5_000 } }));
    const user = userEvent.setup();
    await user.click(statusButton());

    await user.click(within(form()).getByRole('radio', { name: /^Busy/ }));
    await user.type(within(form()).getByRole('textbox', { name: /Message/ }), 'With a client');
    await user.selectOptions(within(form()).getByRole('combobox', { name: 'For' }), '1 hour');
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    // The answer came 5 s ago at 12:00:00 on the server's clock: now is 12:00:05 there.
    expect(onChoose).toHaveBeenCalledExactlyOnceWith({ status: 'busy', message: 'With a client', expiresAt: '2026-11-25T13:00:05.000Z' });
    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();
    expect(statusButton()).toHaveAttribute('aria-expanded', 'false');
  });

  test('"Until I change it" sends no end time', async () => {
    const { onChoose } = renderStatus(state());
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('radio', { name: /^Away/ }));
    expect(within(form()).getByRole('combobox', { name: 'For' })).toHaveDisplayValue('Until I change it');
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    expect(onChoose).toHaveBeenCalledWith({ status: 'away', message: '', expiresAt: null });
  });

  test('Available has no duration and sends no end time', async () => {
    const { onChoose } = renderStatus(state({}, { status: 'busy', chosenStatus: 'busy' }));
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('radio', { name: /^Available/ }));

    expect(within(form()).queryByRole('combobox', { name: 'For' })).not.toBeInTheDocument();
    await user.click(within(form()).getByRole('button', { name: 'Save' }));
    expect(onChoose).toHaveBeenCalledWith({ status: 'available', message: '', expiresAt: null });
  });

  test('Appear offline is sent as the offline choice', async () => {
    const { onChoose } = renderStatus(state());
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('radio', { name: /^Appear offline/ }));
    await user.click(within(form()).getByRole('button', { name: 'Save' }));
    expect(onChoose).toHaveBeenCalledWith({ status: 'offline', message: '', expiresAt: null });
  });

  test("the message field stops at the database's 80 characters", async () => {
    renderStatus(state());
    await userEvent.click(statusButton());
    expect(within(form()).getByRole('textbox', { name: /Message/ })).toHaveAttribute('maxLength', '80');
  });

  test("a message over the database's limit (23514) says what to fix, and keeps the form open", async () => {
    const refusal = apiError(400, { message: 'value for domain status_message violates check constraint "reader_status_message_length"', code: '23514' });
    const { onChoose } = renderStatus(
      state(),
      vi.fn(async () => Promise.reject(refusal)),
    );
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.type(within(form()).getByRole('textbox', { name: /Message/ }), 'Too long for the database');
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    expect(onChoose).toHaveBeenCalledOnce();
    expect(await within(form()).findByRole('alert')).toHaveTextContent('Your status was not changed. Keep the message to 80 characters.');
    expect(within(form()).getByRole('textbox', { name: /Message/ })).toHaveValue('Too long for the database');
    expect(within(form()).getByRole('button', { name: 'Save' })).toBeEnabled();
  });

  test('a message the database finds not plain says so', async () => {
    const refusal = apiError(400, { message: 'value for domain status_message violates check constraint "reader_status_message_plain"', code: '23514' });
    renderStatus(
      state(),
      vi.fn(async () => Promise.reject(refusal)),
    );
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    expect(await within(form()).findByRole('alert')).toHaveTextContent('Your status was not changed. Use plain text on one line.');
  });

  test("other refusals are told in the ApiError's own words", async () => {
    const refusal = apiError(400, { message: 'too many status changes in the last minute: try again shortly', code: '54000' });
    renderStatus(
      state(),
      vi.fn(async () => Promise.reject(refusal)),
    );
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    expect(await within(form()).findByRole('alert')).toHaveTextContent(
      'Your status was not changed. Too many status changes in the last minute: try again shortly.',
    );
  });

  test('an unexpected failure gets a general message', async () => {
    renderStatus(
      state(),
      vi.fn(async () => Promise.reject(new Error('boom'))),
    );
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    const alert = await within(form()).findByRole('alert');
    expect(alert).toHaveTextContent('Your status was not changed. Please try again.');
    expect(alert).not.toHaveTextContent('boom');
  });

  test('while saving, the button says so and cannot be pressed again', async () => {
    let finish: () => void = () => {};
    const { onChoose } = renderStatus(
      state(),
      vi.fn(() => new Promise<void>((resolve) => (finish = resolve))),
    );
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('button', { name: 'Save' }));

    expect(within(form()).getByRole('button', { name: 'Saving…' })).toBeDisabled();
    await user.click(within(form()).getByRole('button', { name: 'Saving…' }));
    expect(onChoose).toHaveBeenCalledOnce();
    await act(() => {
      finish();
      return Promise.resolve();
    });
    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();
  });

  test('Escape closes the form without choosing', async () => {
    const { onChoose } = renderStatus(state());
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('radio', { name: /^Busy/ }));

    await user.keyboard('{Escape}');

    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();
    expect(statusButton()).toHaveAttribute('aria-expanded', 'false');
    expect(onChoose).not.toHaveBeenCalled();
  });

  test('Cancel closes the form without choosing, and the button toggles it too', async () => {
    const { onChoose } = renderStatus(state());
    const user = userEvent.setup();
    await user.click(statusButton());
    await user.click(within(form()).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();

    await user.click(statusButton());
    expect(form()).toBeInTheDocument();
    await user.click(statusButton());
    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();
    expect(onChoose).not.toHaveBeenCalled();
  });
});
