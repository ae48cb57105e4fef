import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiKeysFor } from './jwt.ts';
import { StackError } from './errors.ts';

export const PROJECT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The Supabase CLI's local JWT secret: with it the well-known local anon/service_role keys work. */
export const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';

/** Opaque keys newer Supabase projects hand out; the gateway maps them to the JWT keys. */
export const PUBLISHABLE_KEY = 'sb_publishable_ACJWlzQHlZjBrEguHvfOxg_3BJgxAaH';
export const SECRET_KEY = 'sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz';

export interface AuthSettings {
  /** Access token lifetime in seconds (`[auth] jwt_expiry` in supabase/config.toml). */
  jwtExpirySeconds: number;
  /** Seconds a rotated refresh token may still be used (`refresh_token_reuse_interval`). */
  refreshTokenReuseSeconds: number;
  minimumPasswordLength: number;
  enableSignup: boolean;
  /** Sign-ins and sign-ups allowed per IP in five minutes (`[auth.rate_limit] sign_in_sign_ups`). */
  signInRateLimit: number;
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
  auth: AuthSettings;
  /** Run `supabase/seed.sql` when the database is new. */
  seed: boolean;
  /** Run the presence maintenance jobs where the server has no pg_cron (off for the benchmark, which times them). */
  presenceJobs: boolean;
  /** Where `npm run stack` writes VITE_SUPABASE_URL and VITE_SUPABASE_ANON_KEY for Vite. */
  viteEnvFile: string;
}

function port(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) {
    throw new StackError(`${name}=${value} is not a port number: use an integer from 1 to 65535.`);
  }
  return parsed;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  const jwtSecret = env.JWT_SECRET || DEFAULT_JWT_SECRET;
  if (jwtSecret.length < 32) {
    throw new StackError('JWT_SECRET must be at least 32 characters long, as Supabase requires.');
  }
  const derivedKeys = apiKeysFor(jwtSecret);
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
    auth: {
      jwtExpirySeconds: 3600,
      refreshTokenReuseSeconds: 10,
      minimumPasswordLength: 6,
      enableSignup: true,
      signInRateLimit: 30,
    },
    seed: true,
    presenceJobs: true,
    viteEnvFile: path.resolve(PROJECT_DIR, env.STACK_ENV_FILE || '.env.local'),
  };
}
