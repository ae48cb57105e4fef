import { act, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { StrictMode } from 'react';
import { MemoryRouter } from 'react-router-dom';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Profile } from '@/features/auth/api/profile';
import { useAuthStore } from '@/features/auth/stores/auth-store';
import type { OwnPresence, StatusChoice } from '@/features/presence/api/report-presence';
import type { PresenceState } from '@/features/presence/services/reader-presence';
import { apiError } from '@/lib/api-error';
import { ownPresence } from '@/testing/presence-fixtures';

const presence = vi.hoisted(() => {
  const listeners = new Set<() => void>();
  const idle: PresenceState = { health: 'idle', own: undefined };
  return {
    startTracking: vi.fn(),
    stopTracking: vi.fn(async () => {}),
    setStatus: vi.fn<(choice: StatusChoice) => Promise<OwnPresence>>(),
    isTracking: false,
    state: idle,
    listeners,
    subscribe: vi.fn((listener: () => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }),
    /** What the service does when its state changes. */
    change(state: PresenceState) {
      presence.state = state;
      for (const listener of listeners) listener();
    },
  };
});

vi.mock('@/features/presence/services/reader-presence', () => ({ createReaderPresenceService: () => presence }));

const { chooseStatus, getReaderPresenceService, signOut, usePresenceState, usePresenceTracking } = await import('@/app/presence');
const { AccountMenu } = await import('@/app/layout/account-menu');

const initialState = useAuthStore.getState();
const reader: Profile = { id: 'luna', display_name: 'Luna', avatar_url: null, bio: '', specialties: [], is_reader: true };
const client: Profile = { ...reader, id: 'casey', is_reader: false };

function signedInAs(profile: Profile) {
  act(() => useAuthStore.setState({ status: 'signed-in', user: { id: profile.id, email: `${profile.id}@demo.test` }, profile }));
}

function Tracker() {
  usePresenceTracking();
  return null;
}

beforeEach(() => {
  presence.startTracking.mockImplementation(() => {
    presence.isTracking = true;
  });
  presence.stopTracking.mockImplementation(() => {
    presence.isTracking = false;
    return Promise.resolve();
  });
});

afterEach(() => {
  useAuthStore.setState(initialState, true);
  vi.clearAllMocks();
  presence.isTracking = false;
  presence.state = { health: 'idle', own: undefined };
  presence.listeners.clear();
});

describe('usePresenceTracking', () => {
  test('tracks a signed-in reader and stops when they sign out', async () => {
    render(<Tracker />);
    expect(presence.startTracking).not.toHaveBeenCalled();

    signedInAs(reader);
    expect(presence.startTracking).toHaveBeenCalledOnce();

    act(() => useAuthStore.setState({ status: 'signed-out', user: null, profile: null }));
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(presence.stopTracking).toHaveBeenCalledOnce();
  });

  test('a remount (React StrictMode) does not send the reader offline and online again', async () => {
    signedInAs(reader);
    render(
      <StrictMode>
        <Tracker />
      </StrictMode>,
    );
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(presence.stopTracking).not.toHaveBeenCalled();
    expect(presence.isTracking).toBe(true);
  });

  test('never tracks a client', () => {
    render(<Tracker />);
    signedInAs(client);
    expect(presence.startTracking).not.toHaveBeenCalled();
  });

  test('does not track before the profile says the user is a reader', () => {
    render(<Tracker />);
    act(() => useAuthStore.setState({ status: 'signed-in', user: { id: 'luna', email: 'luna@demo.test' }, profile: null }));
    expect(presence.startTracking).not.toHaveBeenCalled();
  });

  test('stops when the app unmounts', async () => {
    signedInAs(reader);
    const { unmount } = render(<Tracker />);
    unmount();
    await act(() => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(presence.stopTracking).toHaveBeenCalledOnce();
  });
});

describe('signOut', () => {
  beforeEach(() => {
    getReaderPresenceService();
  });

  test('marks a tracked reader offline before the session is dropped', async () => {
    const order: string[] = [];
    presence.isTracking = true;
    presence.stopTracking.mockImplementation(() => {
      order.push('offline');
      return Promise.resolve();
    });
    useAuthStore.setState({
      signOut: vi.fn(() => {
        order.push('sign-out');
        return Promise.resolve();
      }),
    });

    await signOut();
    expect(order).toEqual(['offline', 'sign-out']);
  });

  test('a sign-out that fails leaves the reader signed in and online again', async () => {
    signedInAs(reader);
    presence.isTracking = true;
    useAuthStore.setState({ signOut: vi.fn(async () => Promise.reject(new Error('offline'))) });

    await expect(signOut()).rejects.toThrow('offline');
    expect(presence.stopTracking).toHaveBeenCalledOnce();
    expect(presence.startTracking).toHaveBeenCalledOnce();
  });

  test('a going-offline call that hangs does not keep anyone from signing out', async () => {
    vi.useFakeTimers();
    presence.isTracking = true;
    presence.stopTracking.mockImplementation(() => new Promise(() => {}));
    const storeSignOut = vi.fn(async () => {});
    useAuthStore.setState({ signOut: storeSignOut });

    const done = signOut();
    await vi.advanceTimersByTimeAsync(3_000);
    await done;
    expect(storeSignOut).toHaveBeenCalledOnce();
    vi.useRealTimers();
  });
});

describe('usePresenceState', () => {
  const tracked: PresenceState = { health: 'ok', own: ownPresence({ status: 'busy', chosenStatus: 'busy' }) };

  test('idle for anyone but a signed-in reader, whatever the service holds', () => {
    presence.state = tracked;
    const { result } = renderHook(() => usePresenceState());
    expect(result.current).toEqual({ health: 'idle', own: undefined });

    signedInAs(client);
    expect(result.current).toEqual({ health: 'idle', own: undefined });
    expect(presence.subscribe).not.toHaveBeenCalled();
  });

  test("a reader gets the service's state, and each change of it", () => {
    signedInAs(reader);
    const { result } = renderHook(() => usePresenceState());
    expect(result.current).toEqual({ health: 'idle', own: undefined });

    act(() => presence.change(tracked));
    expect(result.current).toBe(tracked);
    act(() => presence.change({ health: 'retrying', own: tracked.own }));
    expect(result.current.health).toBe('retrying');
  });
});

describe('chooseStatus', () => {
  test('goes to the presence service, and its refusal reaches the caller', async () => {
    const own = ownPresence({ status: 'away', chosenStatus: 'away' });
    presence.setStatus.mockResolvedValueOnce(own);
    const away: StatusChoice = { status: 'away', message: 'Back at 3pm', expiresAt: null };
    await expect(chooseStatus(away)).resolves.toBe(own);
    expect(presence.setStatus).toHaveBeenCalledWith(away);

    const refusal = apiError(400, { message: 'too many status changes in the last minute: try again shortly', code: '54000' });
    presence.setStatus.mockRejectedValueOnce(refusal);
    await expect(chooseStatus(away)).rejects.toBe(refusal);
  });
});

describe('the header', () => {
  function renderMenu() {
    render(
      <MemoryRouter>
        <ul>
          <AccountMenu />
        </ul>
      </MemoryRouter>,
    );
  }

  test('shows a reader their own status, and the choice they make goes to the service', async () => {
    signedInAs(reader);
    presence.state = { health: 'ok', own: ownPresence() };
    presence.setStatus.mockImplementation((choice) => {
      const own = ownPresence({ status: choice.status, chosenStatus: choice.status });
      presence.change({ health: 'ok', own });
      return Promise.resolve(own);
    });
    renderMenu();
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Your status: Available. Change it' }));
    const form = screen.getByRole('form', { name: 'Change your status' });
    await user.click(within(form).getByRole('radio', { name: /^Busy/ }));
    await user.click(within(form).getByRole('button', { name: 'Save' }));

    expect(presence.setStatus).toHaveBeenCalledWith({ status: 'busy', message: '', expiresAt: null });
    expect(screen.getByRole('button', { name: 'Your status: In a reading. Change it' })).toBeInTheDocument();
    expect(screen.queryByRole('form', { name: 'Change your status' })).not.toBeInTheDocument();
  });

  test('a client has no status in the header', () => {
    signedInAs(client);
    renderMenu();
    expect(screen.getByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Your status/ })).not.toBeInTheDocument();
  });
});
