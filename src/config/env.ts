export interface Env {
  supabaseUrl: string;
  supabaseAnonKey: string;
  enablePresence: boolean;
  readersRefreshIntervalMs: number;
  presenceUpdateIntervalMs: number;
}

type RawEnv = Record<string, string | boolean | undefined>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
  }
}

function positiveInteger(raw: RawEnv, name: string, fallback: number, problems: string[]): number {
  const value = raw[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    problems.push(`${name} must be a whole number of milliseconds above 0`);
    return fallback;
  }
  return parsed;
}

/** Validates the VITE_* variables once, naming every missing or invalid one. */
export function parseEnv(raw: RawEnv): Env {
  const problems: string[] = [];
  const supabaseUrl = typeof raw.VITE_SUPABASE_URL === 'string' ? raw.VITE_SUPABASE_URL : '';
  if (!supabaseUrl) problems.push('VITE_SUPABASE_URL is missing');
  else if (!/^https?:\/\/[^\s]+$/.test(supabaseUrl)) problems.push('VITE_SUPABASE_URL must be an http(s) URL');
  const supabaseAnonKey = typeof raw.VITE_SUPABASE_ANON_KEY === 'string' ? raw.VITE_SUPABASE_ANON_KEY : '';
  if (!supabaseAnonKey) problems.push('VITE_SUPABASE_ANON_KEY is missing');

  const presenceFlag = String(raw.VITE_ENABLE_PRESENCE ?? '').toLowerCase();
  const env: Env = {
    supabaseUrl,
    supabaseAnonKey,
    enablePresence: presenceFlag !== 'false' && presenceFlag !== '0',
    readersRefreshIntervalMs: positiveInteger(raw, 'VITE_READERS_REFRESH_INTERVAL_MS', 120_000, problems),
    presenceUpdateIntervalMs: positiveInteger(raw, 'VITE_PRESENCE_UPDATE_INTERVAL_MS', 60_000, problems),
  };
  if (problems.length > 0) throw new EnvError(problems);
  return env;
}
