import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ seed: false });
});

afterAll(async () => {
  await stack?.stop();
});

/** Every function of the app's schemas the role can execute, as `schema.name(args)`. */
async function executableBy(role: 'anon' | 'authenticated'): Promise<string[]> {
  const rows = await sql<{ fn: string }>(
    stack,
    `select p.oid::regprocedure::text as fn
     from pg_proc p
     where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
       and has_function_privilege($1, p.oid, 'execute')
     order by 1`,
    [role],
  );
  return rows.map((row) => row.fn);
}

// What the API roles may call, by name. A new function shows up here only if a migration grants it.
const PUBLIC_READS = [
  'count_reader_directory()',
  'get_readers_online_status(uuid[])',
  'presence_heartbeat_min_interval()',
  'presence_online_threshold()',
  'presence_transitions_per_minute()',
  'reader_directory_summary()',
  'server_time()',
  'specialties_search(users)',
];

describe('who may execute what', () => {
  test('anon executes exactly the public reads', async () => {
    expect(await executableBy('anon')).toEqual(PUBLIC_READS);
  });

  test('authenticated executes the public reads and the presence path', async () => {
    expect(await executableBy('authenticated')).toEqual([...PUBLIC_READS, 'reader_go_offline()', 'reader_heartbeat()'].sort());
  });

  test('a function a future migration creates without any grant is not executable by anon or authenticated', async () => {
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      // As a migration does it: the migration role creates the function inside a transaction.
      await db.query('begin');
      await db.query("create function public.forgot_to_revoke() returns integer language sql as 'select 1'");
      const outcomes: Record<string, string> = {};
      for (const role of ['anon', 'authenticated']) {
        await db.query('savepoint attempt');
        await db.query(`set local role ${role}`);
        outcomes[role] = await db.query('select public.forgot_to_revoke()').then(
          () => 'executed',
          (error: Error) => error.message,
        );
        await db.query('rollback to savepoint attempt');
      }
      expect(outcomes).toEqual({
        anon: 'permission denied for function forgot_to_revoke',
        authenticated: 'permission denied for function forgot_to_revoke',
      });
    } finally {
      await db.query('rollback');
      await db.end();
    }
  });
});
