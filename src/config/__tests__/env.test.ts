import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { EnvError } from '@/config/parse-env';

// Each test loads a fresh copy of the module, since `env` is read once when it loads.
beforeEach(() => {
  vi.resetModules();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('env', () => {
  test('is parsed from import.meta.env', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', 'https://example.supabase.co');
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', 'anon-key');
    vi.stubEnv('VITE_ENABLE_PRESENCE', '0');
    vi.stubEnv('VITE_READERS_REFRESH_INTERVAL_MS', '');
    vi.stubEnv('VITE_PRESENCE_UPDATE_INTERVAL_MS', '5000');

    const { env } = await import('@/config/env');

    expect(env).toEqual({
      supabaseUrl: 'https://example.supabase.co',
      supabaseAnonKey: 'anon-key',
      enablePresence: false,
      readersRefreshIntervalMs: 120_000,
      readersLiveRefreshIntervalMs: 600_000,
      presenceUpdateIntervalMs: 5000,
      notificationsPollIntervalMs: 30_000,
      opsRefreshIntervalMs: 30_000,
    });
  });

  test('refuses to load without the Supabase settings', async () => {
    vi.stubEnv('VITE_SUPABASE_URL', undefined);
    vi.stubEnv('VITE_SUPABASE_ANON_KEY', '');

    const loading = import('@/config/env');

    await expect(loading).rejects.toThrow(/VITE_SUPABASE_URL is missing; VITE_SUPABASE_ANON_KEY is missing/);
    // resetModules gives a fresh EnvError class too, so compare by name rather than instanceof.
    await expect(loading).rejects.toHaveProperty('name', EnvError.name);
  });
});
