import { act, render } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { Profile } from '@/features/auth/api/profile';
import { useAuthStore } from '@/features/auth/stores/auth-store';

const presence = vi.hoisted(() => ({
  startTracking: vi.fn(),
  stopTracking: vi.fn(async () => {}),
  isTracking: false,
  health: 'idle',
  subscribe: vi.fn(() => () => {}),
}));

vi.mock('@/features/presence/services/reader-presence', () => ({ createReaderPresenceService: () => presence }));

const { getReaderPresenceService, signOut, usePresenceTracking } = await import('@/app/presence');

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
  presence.stopTracking.mockImplementation(async () => {
    presence.isTracking = false;
  });
});

afterEach(() => {
  useAuthStore.setState(initialState, true);
  vi.clearAllMocks();
  presence.isTracking = false;
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
    presence.stopTracking.mockImplementation(async () => {
      order.push('offline');
    });
    useAuthStore.setState({ signOut: vi.fn(async () => void order.push('sign-out')) });

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
