import { act, render } from '@testing-library/react';
import { afterEach, expect, test, vi } from 'vitest';

const startTracking = vi.fn();
vi.mock('@/features/presence/services/reader-presence', () => ({
  createReaderPresenceService: () => ({
    startTracking,
    stopTracking: vi.fn(async () => {}),
    state: { health: 'idle', own: undefined },
    subscribe: () => () => {},
  }),
}));

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

test('with VITE_ENABLE_PRESENCE=false a signed-in reader is not tracked', async () => {
  vi.stubEnv('VITE_ENABLE_PRESENCE', 'false');
  vi.resetModules();
  const { usePresenceTracking } = await import('@/app/presence');
  const { useAuthStore } = await import('@/features/auth/stores/auth-store');
  function Tracker() {
    usePresenceTracking();
    return null;
  }

  render(<Tracker />);
  const profile = { id: 'luna', display_name: 'Luna', avatar_url: null, bio: '', specialties: [], is_reader: true };
  act(() => useAuthStore.setState({ status: 'signed-in', user: { id: 'luna', email: 'luna@demo.test' }, profile }));

  expect(startTracking).not.toHaveBeenCalled();
});
