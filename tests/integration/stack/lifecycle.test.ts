import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, test } from 'vitest';
import { PROJECT_DIR } from '../../../local-stack/config.ts';
import { StackError } from '../../../local-stack/errors.ts';
import { isPortFree } from '../../../local-stack/ports.ts';
import { startStack, type RunningStack } from '../../../local-stack/stack.ts';
import { clientFor, makeTempDir, sql, testStackConfig, uniqueEmail } from '../../support/test-stack.ts';

const running: RunningStack[] = [];
const cleanups: Array<() => void> = [];

afterEach(async () => {
  for (const stack of running.splice(0)) await stack.stop();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function start(config: Awaited<ReturnType<typeof testStackConfig>>): Promise<RunningStack> {
  const stack = await startStack(config);
  running.push(stack);
  return stack;
}

describe.skipIf(process.env.DATABASE_URL)('the embedded database', () => {
  test('a restart keeps every row, and the seed runs on the first start only', async () => {
    const config = await testStackConfig({ ephemeral: false });
    cleanups.push(() => fs.rmSync(config.dataDir, { recursive: true, force: true }));
    const email = uniqueEmail('restart');

    const first = await start(config);
    expect(first.seeded).toBe(true);
    await clientFor(first).auth.signUp({ email, password: 'restart-password' });
    await first.stop();
    running.pop();
    expect(await isPortFree(config.dbPort)).toBe(true);

    const second = await start(config);
    expect(second.seeded).toBe(false);
    const { error } = await clientFor(second).auth.signInWithPassword({ email, password: 'restart-password' });
    expect(error).toBeNull();
    const demoAccounts = await sql(second, "select count(*)::int as count from auth.users where email like '%@demo.test'");
    expect(demoAccounts[0]?.count).toBe(7);
    const history = await sql(second, 'select count(*)::int as count from supabase_migrations.schema_migrations');
    const migrationFiles = fs.readdirSync(path.join(PROJECT_DIR, 'supabase', 'migrations')).filter((file) => file.endsWith('.sql'));
    expect(history[0]?.count).toBe(migrationFiles.length);
  });
});

describe('failures stop cleanly with a message that says what to do', () => {
  test('a second stack on the same ports is refused and the first keeps working', async () => {
    const config = await testStackConfig();
    const first = await start(config);

    const second = testStackConfig({ apiPort: config.apiPort, dbPort: config.dbPort }).then(startStack);
    await expect(second).rejects.toThrow(StackError);
    await expect(second).rejects.toThrow(/Port \d+ \(API gateway\) is already in use.*STACK_API_PORT/);

    const health = await fetch(`${first.apiUrl}/auth/v1/health`, { headers: { apikey: first.anonKey } });
    expect(health.status).toBe(200);
  });

  test.skipIf(process.env.DATABASE_URL)('a database port already taken is named', async () => {
    const config = await testStackConfig();
    const first = await start(config);
    const other = await testStackConfig({ dbPort: config.dbPort });
    await expect(startStack(other)).rejects.toThrow(/Port \d+ \(PostgreSQL\) is already in use.*STACK_DB_PORT/);
    expect(await isPortFree(other.apiPort)).toBe(true);
    expect(first.apiUrl).toContain(String(config.apiPort));
  });

  test('a failing migration stops the start, names the CLI error and leaves nothing running', async () => {
    const projectDir = makeTempDir('broken-project-');
    cleanups.push(() => fs.rmSync(projectDir, { recursive: true, force: true }));
    fs.mkdirSync(path.join(projectDir, 'supabase', 'migrations'), { recursive: true });
    fs.copyFileSync(path.join(PROJECT_DIR, 'supabase', 'config.toml'), path.join(projectDir, 'supabase', 'config.toml'));
    fs.writeFileSync(path.join(projectDir, 'supabase', 'migrations', '20250101000000_broken.sql'), 'create tabel oops ();\n');
    const config = await testStackConfig({ projectDir });

    await expect(startStack(config)).rejects.toThrow(/supabase db push failed: .*syntax error/);
    expect(await isPortFree(config.dbPort)).toBe(true);
    expect(await isPortFree(config.apiPort)).toBe(true);
  });
});

describe('npm run stack', () => {
  function runCli(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_DIR, 'local-stack', 'cli.ts')], {
      cwd: PROJECT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const printed = async (pattern: RegExp, timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI never printed ${pattern}:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    return { child, exited, printed, output: () => output };
  }

  test('prints its URLs and keys, writes the Vite env file, and stops on SIGTERM leaving its ports free', async () => {
    const config = await testStackConfig();
    const cli = runCli({
      STACK_API_PORT: String(config.apiPort),
      STACK_DB_PORT: String(config.dbPort),
      STACK_DATA_DIR: config.dataDir,
      STACK_ENV_FILE: config.viteEnvFile,
    });
    cleanups.push(() => fs.rmSync(config.dataDir, { recursive: true, force: true }));
    await cli.printed(/Press Ctrl-C to stop/);
    expect(cli.output()).toContain(`API URL:          http://127.0.0.1:${config.apiPort}`);
    expect(cli.output()).toContain(`anon key:         ${config.anonKey}`);
    expect(cli.output()).toContain(`service_role key: ${config.serviceRoleKey}`);
    expect(fs.readFileSync(config.viteEnvFile, 'utf8')).toContain(`VITE_SUPABASE_URL=http://127.0.0.1:${config.apiPort}`);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    expect(await isPortFree(config.apiPort)).toBe(true);
    expect(await isPortFree(config.dbPort)).toBe(true);
  });

  test('a port in use ends it with one error line and exit code 1', async () => {
    const config = await testStackConfig();
    const blocker = await start(config);
    const cli = runCli({ STACK_API_PORT: String(config.apiPort), STACK_DB_PORT: String(config.dbPort), STACK_DATA_DIR: makeTempDir() });
    expect(await cli.exited).toBe(1);
    const errorLines = cli
      .output()
      .split('\n')
      .filter((line) => line.startsWith('error:'));
    expect(errorLines).toEqual([expect.stringMatching(/^error: Port \d+ \(API gateway\) is already in use/)]);
    expect(blocker.apiUrl).toBeTruthy();
  });
});
