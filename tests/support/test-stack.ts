import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, type SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import ws from 'ws';
import { configFromEnv, type StackConfig } from '../../local-stack/config.ts';
import { freePort } from '../../local-stack/ports.ts';
import { startStack, type RunningStack } from '../../local-stack/stack.ts';
import type { PresenceQuery } from './presence-fixtures.ts';

export function makeTempDir(prefix = 'stack-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A stack of its own for a test file: free ports and a throwaway database (embedded in a temp
 * folder, or a fresh database on DATABASE_URL's server), so a developer's data is never touched.
 */
export async function testStackConfig(overrides: Partial<StackConfig> = {}): Promise<StackConfig> {
  const dataDir = makeTempDir();
  const base = configFromEnv(process.env);
  return {
    ...base,
    // Every test request comes from 127.0.0.1; the per-IP limits have tests of their own.
    auth: { ...base.auth, signInRateLimit: 10_000, tokenRefreshRateLimit: 10_000 },
    apiPort: await freePort(),
    dbPort: await freePort(),
    dataDir,
    viteEnvFile: path.join(dataDir, '.env.local'),
    ephemeral: true,
    ...overrides,
  };
}

export async function startTestStack(overrides: Partial<StackConfig> = {}): Promise<RunningStack> {
  return startStack(await testStackConfig(overrides));
}

export function clientFor(stack: Pick<RunningStack, 'apiUrl' | 'anonKey'>, key = stack.anonKey): SupabaseClient {
  // Typed by its own arguments: inferred from the return type, the schema parameter would become any.
  const client = createClient(stack.apiUrl, key, {
    auth: { persistSession: false, autoRefreshToken: false },
    realtime: { transport: ws as never },
  });
  return client;
}

/** Runs SQL as the superuser, outside the API (test set-up and inspection). */
export async function sql<Row extends pg.QueryResultRow = pg.QueryResultRow>(
  stack: Pick<RunningStack, 'dbUrl'>,
  text: string,
  values: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    return (await client.query<Row>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The fixtures' query function (tests/support/presence-fixtures.ts) over the superuser connection of a stack. */
export function dbOf(stack: Pick<RunningStack, 'dbUrl'>): PresenceQuery {
  return (text, values) => sql(stack, text, values);
}

let emailCounter = 0;
export function uniqueEmail(label = 'user'): string {
  emailCounter += 1;
  return `${label}-${Date.now().toString(36)}-${emailCounter}@example.test`;
}

export const DEMO_PASSWORD = 'password123';

/** A supabase-js client signed in as one of the seed's demo accounts. */
export async function signedInAs(stack: Pick<RunningStack, 'apiUrl' | 'anonKey'>, email: string): Promise<{ client: SupabaseClient; userId: string }> {
  const client = clientFor(stack);
  const { data, error } = await client.auth.signInWithPassword({ email, password: DEMO_PASSWORD });
  if (error) throw error;
  return { client, userId: data.user.id };
}

/** The seed's demo accounts (supabase/seed.sql). */
export const DEMO_IDS = {
  luna: '11111111-1111-4111-8111-111111111111',
  orion: '22222222-2222-4222-8222-222222222222',
  client: '33333333-3333-4333-8333-333333333333',
  selene: '44444444-4444-4444-8444-444444444444',
  rowan: '55555555-5555-4555-8555-555555555555',
  admin: '66666666-6666-4666-8666-666666666666',
  /** Applied to be a reader; pending. */
  morgan: '77777777-7777-4777-8777-777777777777',
} as const;
