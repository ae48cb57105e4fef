export interface Env {
  supabaseUrl: string;
  supabaseAnonKey: string;
  enablePresence: boolean;
  readersRefreshIntervalMs: number;
  /** The readers pages' safety-net poll while status changes arrive live. */
  readersLiveRefreshIntervalMs: number;
  presenceUpdateIntervalMs: number;
  /** How often a signed-in client's notifications are read while their live channel is down. */
  notificationsPollIntervalMs: number;
  /** How often the ops dashboard reads presence now, the jobs and the alerts. */
  opsRefreshIntervalMs: number;
}

// Booleans because import.meta.env also carries Vite's DEV, PROD and SSR flags.
export type RawEnv = Record<string, string | boolean | undefined>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

const DEFAULT_READERS_REFRESH_INTERVAL_MS = 120_000;
const DEFAULT_READERS_LIVE_REFRESH_INTERVAL_MS = 600_000;
const DEFAULT_PRESENCE_UPDATE_INTERVAL_MS = 60_000;
const DEFAULT_NOTIFICATIONS_POLL_INTERVAL_MS = 30_000;
// The database records the counts and evaluates the alerts every minute: reading twice a minute
// shows a change within half a minute of it.
const DEFAULT_OPS_REFRESH_INTERVAL_MS = 30_000;

function readString(raw: RawEnv, name: string): string {
  const value = raw[name];
  return typeof value === 'string' ? value.trim() : '';
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function readPositiveInteger(raw: RawEnv, name: string, fallback: number, problems: string[]): number {
  const value = readString(raw, name);
  if (value === '') return fallback;
  // A strict pattern, because Number() would also accept '1e3', '0x10' and ' 12 '.
  const parsed = /^[1-9]\d*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed)) {
    problems.push(`${name} must be a whole number of milliseconds above 0 (got "${value}")`);
    return fallback;
  }
  return parsed;
}

function readFlag(raw: RawEnv, name: string, fallback: boolean, problems: string[]): boolean {
  const value = readString(raw, name).toLowerCase();
  if (value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  // A typo such as "flase" must not silently leave the feature on.
  problems.push(`${name} must be true, false, 1 or 0 (got "${value}")`);
  return fallback;
}

/** Validates the VITE_* variables, naming every missing or invalid one in a single EnvError. */
export function parseEnv(raw: RawEnv): Env {
  const problems: string[] = [];

  const supabaseUrl = readString(raw, 'VITE_SUPABASE_URL');
  if (supabaseUrl === '') problems.push('VITE_SUPABASE_URL is missing');
  else if (!isHttpUrl(supabaseUrl)) problems.push(`VITE_SUPABASE_URL must be an http(s) URL (got "${supabaseUrl}")`);

  const supabaseAnonKey = readString(raw, 'VITE_SUPABASE_ANON_KEY');
  if (supabaseAnonKey === '') problems.push('VITE_SUPABASE_ANON_KEY is missing');

  const env: Env = {
    supabaseUrl,
    supabaseAnonKey,
    enablePresence: readFlag(raw, 'VITE_ENABLE_PRESENCE', true, problems),
    readersRefreshIntervalMs: readPositiveInteger(raw, 'VITE_READERS_REFRESH_INTERVAL_MS', DEFAULT_READERS_REFRESH_INTERVAL_MS, problems),
    readersLiveRefreshIntervalMs: readPositiveInteger(raw, 'VITE_READERS_LIVE_REFRESH_INTERVAL_MS', DEFAULT_READERS_LIVE_REFRESH_INTERVAL_MS, problems),
    presenceUpdateIntervalMs: readPositiveInteger(raw, 'VITE_PRESENCE_UPDATE_INTERVAL_MS', DEFAULT_PRESENCE_UPDATE_INTERVAL_MS, problems),
    notificationsPollIntervalMs: readPositiveInteger(raw, 'VITE_NOTIFICATIONS_POLL_INTERVAL_MS', DEFAULT_NOTIFICATIONS_POLL_INTERVAL_MS, problems),
    opsRefreshIntervalMs: readPositiveInteger(raw, 'VITE_OPS_REFRESH_INTERVAL_MS', DEFAULT_OPS_REFRESH_INTERVAL_MS, problems),
  };
  if (problems.length > 0) throw new EnvError(problems);
  return env;
}
