import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiKeysFor, opaqueKeysFor, PUBLISHABLE_KEY_PREFIX, SECRET_KEY_PREFIX } from './jwt.ts';
import { StackError } from './errors.ts';
import type { RealtimeLimits } from './realtime/connection.ts';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Supabase CLI's local JWT secret: with it the well-known local anon/service_role keys work. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** The largest request body the gateway forwards unless STACK_MAX_BODY_BYTES says otherwise. */
const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

export interface AuthSettings {
  /** Access token lifetime in seconds (`[auth] jwt_expiry` in supabase/config.toml). */
  jwtExpirySeconds: number;
  /** Seconds a rotated refresh token may still be used (`refresh_token_reuse_interval`). */
  refreshTokenReuseSeconds: number;
  minimumPasswordLength: number;
  enableSignup: boolean;
  /** Sign-ins and sign-ups allowed per IP in five minutes (`[auth.rate_limit] sign_in_sign_ups`). */
  signInRateLimit: number;
  /** `/token` requests (refreshes and password sign-ins) allowed per IP in five minutes (`[auth.rate_limit] token_refresh`). */
  tokenRefreshRateLimit: number;
}

export interface StackConfig {
  projectDir: string;
  apiPort: number;
  dbPort: number;
  /** Where the embedded cluster keeps its files; ignored when `databaseUrl` is set. */
  dataDir: string;
  /** Use this server instead of the embedded one. */
  databaseUrl?: string;
  /** Throwaway: a fresh database that is deleted on stop (tests). */
  ephemeral: boolean;
  /** Password of the `postgres` superuser of the embedded cluster and of the API login roles. */
  dbPassword: string;
  jwtSecret: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Opaque keys newer Supabase projects hand out; the gateway maps them to the anon and service_role JWTs. */
  publishableKey: string;
  secretKey: string;
  /** Larger request bodies get 413 at the gateway, before PostgREST or auth read them. */
  maxBodyBytes: number;
  auth: AuthSettings;
  /** Run `supabase/seed.sql` when the database is new. */
  seed: boolean;
  /** Run the presence maintenance jobs where the server has no pg_cron (off for the benchmark, which times them). */
  presenceJobs: boolean;
  /** Where `npm run stack` writes VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY for Vite. */
  viteEnvFile: string;
  /** Overrides of the Realtime service's limits (Realtime's own defaults otherwise); tests shorten the idle timeout. */
  realtimeLimits?: Partial<RealtimeLimits>;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new StackError(`${name}=${value} is not a port number: use an integer from 1 to 65535.`);
  }
  return parsed;
}

function byteCount(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1) {
    throw new StackError(`${name}=${value} is not a number of bytes: use a whole number of at least 1, e.g. 1048576 for 1 MiB.`);
  }
  return parsed;
}

/** A key from the environment, checked so that a typo or a swapped key fails at start, not on every request. */
function opaqueKeyFromEnv(value: string | undefined, derived: string, prefix: string, name: string): string {
  if (value === undefined || value === '') return derived;
  if (!value.startsWith(prefix) || !/^[A-Za-z0-9_-]{20,200}$/.test(value.slice(prefix.length))) {
    throw new StackError(
      `${name} must start with ${prefix} followed by 20 to 200 letters, digits, - or _ (like Supabase's keys); leave it unset to derive one from JWT_SECRET.`,
    );
  }
  return value;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const jwtSecret = env.JWT_SECRET || DEFAULT_JWT_SECRET;
  if (jwtSecret.length < 32) {
    throw new StackError('JWT_SECRET must be at least 32 characters long, as Supabase requires.');
  }
  const derivedKeys = apiKeysFor(jwtSecret);
  const derivedOpaqueKeys = opaqueKeysFor(jwtSecret);
  return {
    projectDir: PROJECT_DIR,
    apiPort: port(env.STACK_API_PORT, 54321, 'STACK_API_PORT'),
    dbPort: port(env.STACK_DB_PORT, 54322, 'STACK_DB_PORT'),
    dataDir: path.resolve(PROJECT_DIR, env.STACK_DATA_DIR || '.local-stack/data'),
    databaseUrl: env.DATABASE_URL || undefined,
    ephemeral: false,
    dbPassword: 'postgres',
    jwtSecret,
    anonKey: env.ANON_KEY || derivedKeys.anonKey,
    serviceRoleKey: env.SERVICE_ROLE_KEY || derivedKeys.serviceRoleKey,
    publishableKey: opaqueKeyFromEnv(env.PUBLISHABLE_KEY, derivedOpaqueKeys.publishableKey, PUBLISHABLE_KEY_PREFIX, 'PUBLISHABLE_KEY'),
    secretKey: opaqueKeyFromEnv(env.SECRET_KEY, derivedOpaqueKeys.secretKey, SECRET_KEY_PREFIX, 'SECRET_KEY'),
    maxBodyBytes: byteCount(env.STACK_MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES, 'STACK_MAX_BODY_BYTES'),
    auth: {
      jwtExpirySeconds: 3600,
      refreshTokenReuseSeconds: 10,
      minimumPasswordLength: 6,
      enableSignup: true,
      signInRateLimit: 30,
      tokenRefreshRateLimit: 150,
    },
    seed: true,
    presenceJobs: true,
    viteEnvFile: path.resolve(PROJECT_DIR, env.STACK_ENV_FILE || '.env.local'),
  };
}
