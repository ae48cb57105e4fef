import { describe, expect, test } from 'vitest';
import { EnvError, parseEnv } from '@/config/parse-env';

const valid = { VITE_SUPABASE_URL: 'http://127.0.0.1:54321', VITE_SUPABASE_ANON_KEY: 'anon-key' };

function problemsOf(raw: Record<string, string | undefined>): string[] {
  try {
    parseEnv(raw);
  } catch (error) {
    if (error instanceof EnvError) return error.problems;
    throw error;
  }
  throw new Error('parseEnv accepted the configuration');
}

describe('parseEnv', () => {
  test('reads the Supabase settings and applies the documented defaults', () => {
    expect(parseEnv(valid)).toEqual({
      supabaseUrl: 'http://127.0.0.1:54321',
      supabaseAnonKey: 'anon-key',
      enablePresence: true,
      readersRefreshIntervalMs: 120_000,
      readersLiveRefreshIntervalMs: 600_000,
      presenceUpdateIntervalMs: 60_000,
      notificationsPollIntervalMs: 30_000,
      opsRefreshIntervalMs: 30_000,
    });
  });

  test('reads the ops dashboard refresh interval', () => {
    expect(parseEnv({ ...valid, VITE_OPS_REFRESH_INTERVAL_MS: '2000' }).opsRefreshIntervalMs).toBe(2_000);
  });

  test('accepts https URLs and the rest of import.meta.env (booleans such as DEV)', () => {
    const env = parseEnv({ ...valid, VITE_SUPABASE_URL: 'https://abc.supabase.co', DEV: true, MODE: 'development' });
    expect(env.supabaseUrl).toBe('https://abc.supabase.co');
  });

  test('names every missing variable in one error', () => {
    expect(() => parseEnv({})).toThrow(EnvError);
    expect(() => parseEnv({})).toThrow(/VITE_SUPABASE_URL is missing; VITE_SUPABASE_ANON_KEY is missing/);
    expect(problemsOf({})).toEqual(['VITE_SUPABASE_URL is missing', 'VITE_SUPABASE_ANON_KEY is missing']);
  });

  test('treats empty and blank values as missing', () => {
    expect(problemsOf({ VITE_SUPABASE_URL: '', VITE_SUPABASE_ANON_KEY: '   ' })).toEqual(['VITE_SUPABASE_URL is missing', 'VITE_SUPABASE_ANON_KEY is missing']);
  });

  test('refuses URLs that are not http(s)', () => {
    for (const url of ['localhost:54321', '127.0.0.1:54321', 'ftp://example.com', 'not a url']) {
      expect(problemsOf({ ...valid, VITE_SUPABASE_URL: url })).toEqual([expect.stringMatching(/^VITE_SUPABASE_URL must be an http\(s\) URL/)]);
    }
  });

  test('refuses intervals that are not whole numbers above 0', () => {
    for (const interval of ['0', '-5', '1.5', 'soon', '1e3', '0x10']) {
      expect(problemsOf({ ...valid, VITE_READERS_REFRESH_INTERVAL_MS: interval })).toEqual([
        expect.stringMatching(/^VITE_READERS_REFRESH_INTERVAL_MS must be a whole number/),
      ]);
    }
  });

  test('reports every invalid variable together', () => {
    const problems = problemsOf({
      VITE_SUPABASE_URL: 'localhost',
      VITE_ENABLE_PRESENCE: 'flase',
      VITE_READERS_REFRESH_INTERVAL_MS: '-1',
      VITE_READERS_LIVE_REFRESH_INTERVAL_MS: 'never',
      VITE_PRESENCE_UPDATE_INTERVAL_MS: '1.5',
      VITE_OPS_REFRESH_INTERVAL_MS: '0',
    });
    expect(problems.map((problem) => problem.split(' ')[0])).toEqual([
      'VITE_SUPABASE_URL',
      'VITE_SUPABASE_ANON_KEY',
      'VITE_ENABLE_PRESENCE',
      'VITE_READERS_REFRESH_INTERVAL_MS',
      'VITE_READERS_LIVE_REFRESH_INTERVAL_MS',
      'VITE_PRESENCE_UPDATE_INTERVAL_MS',
      'VITE_OPS_REFRESH_INTERVAL_MS',
    ]);
  });

  test('turns presence off only with false or 0', () => {
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: 'false' }).enablePresence).toBe(false);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: 'FALSE' }).enablePresence).toBe(false);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: '0' }).enablePresence).toBe(false);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: 'true' }).enablePresence).toBe(true);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: '1' }).enablePresence).toBe(true);
    expect(parseEnv({ ...valid, VITE_ENABLE_PRESENCE: '' }).enablePresence).toBe(true);
  });

  test('reads shortened intervals (used by the browser tests)', () => {
    const env = parseEnv({
      ...valid,
      VITE_READERS_REFRESH_INTERVAL_MS: '2000',
      VITE_READERS_LIVE_REFRESH_INTERVAL_MS: '30000',
      VITE_PRESENCE_UPDATE_INTERVAL_MS: '1000',
    });
    expect(env.readersRefreshIntervalMs).toBe(2000);
    expect(env.readersLiveRefreshIntervalMs).toBe(30_000);
    expect(env.presenceUpdateIntervalMs).toBe(1000);
  });
});
