/**
 * `npm run ops -- <command>` (scripts/ops.ts) against a running stack's database, as ops run it:
 * a child process with --db-url; what it prints, and its exit code for bad input.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { parseArguments } from '../../../scripts/ops.ts';
import { sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
});

afterAll(async () => {
  await stack?.stop();
});

async function ops(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_DIR, 'scripts/ops.ts'), ...args, '--db-url', stack.dbUrl],
      {
        cwd: PROJECT_DIR,
        timeout: 60_000,
      },
    );
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

describe('npm run ops', () => {
  test('status and jobs print what the database says now', async () => {
    const status = await ops('status');
    expect(status.code).toBe(0);
    expect(status.out).toMatch(/readers[\s\S]*available[\s\S]*online_stale/);
    await ops('run', 'mark-inactive-readers-offline');
    const jobs = await ops('jobs');
    expect(jobs.code).toBe(0);
    for (const job of ['mark-inactive-readers-offline', 'record-presence-minute', 'rollup-presence-analytics']) expect(jobs.out).toContain(job);
  });

  test('run logs the job as the scheduler would; an unknown job is refused with the reason', async () => {
    const before = await sql<{ runs: number }>(stack, `select count(*)::int as runs from private.maintenance_runs where job_name = 'record-presence-minute'`);
    expect((await ops('run', 'record-presence-minute')).code).toBe(0);
    expect(await sql(stack, `select count(*)::int as runs from private.maintenance_runs where job_name = 'record-presence-minute'`)).toEqual([
      { runs: before[0]!.runs + 1 },
    ]);
    const unknown = await ops('run', 'drop-everything');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no maintenance job is named drop-everything (22023)');
  });

  test('rollup recomputes a day; a malformed day is refused before reaching the database', async () => {
    expect((await ops('rollup', '2026-11-20')).code).toBe(0);
    const bad = await ops('rollup', '20/11/2026');
    expect([bad.code, bad.err.trim()]).toEqual([2, 'rollup needs a day as yyyy-mm-dd, got 20/11/2026']);
  });

  test('make-admin gives the role to an existing account only', async () => {
    const made = await ops('make-admin', 'Client@Demo.test');
    expect(made.code).toBe(0);
    expect(await sql(stack, `select raw_app_meta_data ->> 'role' as role from auth.users where email = 'client@demo.test'`)).toEqual([{ role: 'admin' }]);
    await sql(stack, `update auth.users set raw_app_meta_data = raw_app_meta_data - 'role' where email = 'client@demo.test'`);
    const nobody = await ops('make-admin', 'nobody@demo.test');
    expect([nobody.code, nobody.err.trim()]).toEqual([2, 'no account has the email nobody@demo.test']);
  });

  test('alerts and purge run; an unknown command prints the help with exit code 2', async () => {
    expect((await ops('alerts')).code).toBe(0);
    expect((await ops('purge')).code).toBe(0);
    const unknown = await ops('reboot');
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain('npm run ops -- <command>');
  });

  test('a database it cannot reach is said plainly', async () => {
    const unreachable = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', path.join(PROJECT_DIR, 'scripts/ops.ts'), 'status', '--db-url', 'postgresql://postgres:postgres@127.0.0.1:1/postgres'],
      {
        cwd: PROJECT_DIR,
      },
    ).catch((error: { code: number; stderr: string }) => error);
    expect(unreachable).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('cannot reach the database at postgresql://postgres:***@127.0.0.1:1/postgres') as unknown,
    });
  });
});

describe('its arguments', () => {
  test('--db-url in either form, anywhere; DATABASE_URL; else the local stack on STACK_DB_PORT', () => {
    expect(parseArguments(['status', '--db-url', 'postgresql://a/b'], {})).toEqual({ command: 'status', args: [], dbUrl: 'postgresql://a/b' });
    expect(parseArguments(['--db-url=postgres://a/b', 'rollup', '2026-11-20'], {})).toEqual({
      command: 'rollup',
      args: ['2026-11-20'],
      dbUrl: 'postgres://a/b',
    });
    expect(parseArguments(['jobs'], { DATABASE_URL: 'postgresql://env/db' }).dbUrl).toBe('postgresql://env/db');
    expect(parseArguments(['jobs'], { STACK_DB_PORT: '6000' }).dbUrl).toBe('postgresql://postgres:postgres@127.0.0.1:6000/postgres?sslmode=disable');
    expect(() => parseArguments(['jobs', '--db-url'], {})).toThrow('--db-url needs a postgresql:// URL');
    expect(() => parseArguments(['jobs', '--db-url', 'mysql://x'], {})).toThrow('--db-url needs a postgresql:// URL');
  });
});
