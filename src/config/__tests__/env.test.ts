import { describe, expect, test } from 'vitest';
import { EnvError, parseEnv } from '../env';

const valid = { VITE_SUPABASE_URL: 'http://127.0.0.1:54321', VITE_SUPABASE_ANON_KEY: 'anon-key' };

describe('parseEnv', () => {
  test('reads the Supabase settings and applies the documented defaults', () => {
    expect(parseEnv(valid)).toEqual({
      supabaseUrl: 'http://127.0.0.1:54321',
      supabaseAnonKey: 'anon-key',
      enablePresence: true,
      readersRefreshIntervalMs: 120_000,
      presenceUpdateIntervalMs: 60_000,
    });
  });

  test('names every missing variable at once', () => {
    expect(() => parseEnv({})).toThrow(EnvError);
    try {
      parseEnv({});
    } catch (error) {
      expect((error as EnvError).problems).toEqual(['VITE_SUPABASE_URL is missing', 'VITE_SUPABASE_ANON_KEY is missing']);
    }
  });

  test('refuses a URL that is not http(s) and intervals that are not positive integers', () => {
    expect(() => parseEnv({ ...valid, VITE_SUPABASE_URL: 'localhost:54321' })).toThrow(/VITE_SUPABASE_URL must be an http\(s\) URL/);
    expect(() => parseEnv({ ...valid, VITE_READERS_REFRESH_INTERVAL_MS: '-5' })).toThrow(/VITE_READERS_REFRESH_INTERVAL_MS/);
    expect(() => parseEnv({ ...valid, VITE_PRESENCE_UPDATE_INTERVAL_MS: '1.5' })).toThrow(/VITE_PRESENCE_UPDATE_INTERVAL_MS/);
  });

  test('turns presence off only when asked to', () => {
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: 'false' }).enablePresence).toBe(false);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: '0' }).enablePresence).toBe(false);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: 'true' }).enablePresence).toBe(true);
  });

  test('reads shortened intervals (used by the browser tests)', () => {
    const env = parseEnv({ ...valid, VITE_READERS_REFRESH_INTERVAL_MS: '2000', VITE_PRESENCE_UPDATE_INTERVAL_MS: '1000' });
    expect(env.readersRefreshIntervalMs).toBe(2000);
    expect(env.presenceUpdateIntervalMs).toBe(1000);
  });
});
