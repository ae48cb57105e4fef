import fs from 'node:fs';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import pg from 'pg';
import { StackError } from './errors.ts';

const BASE_SQL = fs.readFileSync(new URL('./sql/supabase-base.sql', import.meta.url), 'utf8');
/** Serialises base set-up across stacks sharing one server (roles are cluster-wide). */
const BASE_LOCK_KEY = 5432_1701;

/** Roles, `auth` and `extensions` as a fresh Supabase project has them. Safe to run on every start. */
export async function applySupabaseBase(databaseUrl: string, rolePassword: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [BASE_LOCK_KEY]);
    await client.query("select set_config('local_stack.role_password', $1, false)", [rolePassword]);
    await client.query(BASE_SQL);
  } catch (error) {
    throw new StackError(`Setting up the Supabase base schema failed: ${(error as Error).message}`);
  } finally {
    await client.end();
  }
}

function supabaseCliPath(): string {
  try {
    return createRequire(import.meta.url).resolve('supabase/dist/supabase.js');
  } catch {
    throw new StackError('The Supabase CLI is not installed: run `npm install`.');
  }
}

export function runSupabaseCli(projectDir: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [supabaseCliPath(), ...args, '--workdir', projectDir, '--yes'],
      { cwd: projectDir, env: { ...process.env, DO_NOT_TRACK: '1', SUPABASE_TELEMETRY_DISABLED: '1' }, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = `${stderr}\n${stdout}`
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean);
          const reason = detail.find((line) => /ERROR|error/.test(line)) ?? detail.at(-1) ?? error.message;
          reject(new StackError(`supabase ${args[0]} ${args[1]} failed: ${reason}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** True before the first `supabase db push`: the CLI keeps its history (and seed record) in this schema. */
async function isNewDatabase(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ missing: boolean }>("select to_regnamespace('supabase_migrations') is null as missing");
    return rows[0]?.missing ?? true;
  } finally {
    await client.end();
  }
}

/**
 * The app's migrations, applied by the real Supabase CLI so the history table is the one a hosted
 * project has; `supabase/seed.sql` only on the first start, so restarts keep the data people made.
 */
export async function pushMigrations(databaseUrl: string, projectDir: string, seed: boolean): Promise<{ seeded: boolean }> {
  const firstStart = await isNewDatabase(databaseUrl);
  const seedNow = seed && firstStart && fs.existsSync(path.join(projectDir, 'supabase', 'seed.sql'));
  try {
    await runSupabaseCli(projectDir, ['db', 'push', '--db-url', databaseUrl, ...(seedNow ? ['--include-seed'] : [])]);
  } catch (error) {
    throw new StackError(`${(error as Error).message}. Fix the migration or seed in supabase/ and start again.`);
  }
  return { seeded: seedNow };
}
