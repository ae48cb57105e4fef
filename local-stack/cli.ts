/**
 * `npm run stack`: the local Supabase-compatible stack in the foreground until Ctrl-C.
 * `npm start` (`--with-app`): the same, plus the Vite dev server once the API is ready.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { configFromEnv, type StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { startStack, type RunningStack } from './stack.ts';

/** Points Vite at this stack, keeping any other lines the developer put in the file. */
function writeViteEnv(file: string, stack: RunningStack): void {
  const managed = { VITE_SUPABASE_URL: stack.apiUrl, VITE_SUPABASE_ANON_KEY: stack.anonKey };
  const kept = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line && !Object.keys(managed).some((key) => line.startsWith(`${key}=`)))
    : ['# Written by `npm run stack` / `npm start` for the local stack; other lines are kept.'];
  const lines = [...kept, ...Object.entries(managed).map(([key, value]) => `${key}=${value}`)];
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function banner(stack: RunningStack, envFile: string): string {
  return [
    '',
    'Local Supabase stack is ready.',
    `  API URL:          ${stack.apiUrl}`,
    `  REST:             ${stack.apiUrl}/rest/v1`,
    `  Auth:             ${stack.apiUrl}/auth/v1`,
    `  Realtime:         ${stack.realtime.url}`,
    `  DB URL:           ${stack.dbUrl}`,
    `  anon key:         ${stack.anonKey}`,
    `  service_role key: ${stack.serviceRoleKey}`,
    `  publishable key:  ${stack.publishableKey}`,
    `  secret key:       ${stack.secretKey}`,
    `  JWT secret:       ${stack.jwtSecret}`,
    `  Vite env written: ${envFile}`,
    '',
  ].join('\n');
}

function startVite(projectDir: string): ChildProcess {
  const viteDir = path.dirname(createRequire(import.meta.url).resolve('vite/package.json'));
  const viteBin = path.join(viteDir, 'bin', 'vite.js');
  return spawn(process.execPath, [viteBin, '--port', '5173', '--strictPort'], { cwd: projectDir, stdio: 'inherit' });
}

async function main(): Promise<void> {
  const withApp = process.argv.includes('--with-app');
  let config: StackConfig;
  let stack: RunningStack | undefined;
  let vite: ChildProcess | undefined;
  let shuttingDown = false;

  const shutdown = async (exitCode: number) => {
    if (shuttingDown) return;
    shuttingDown = true;
    vite?.kill('SIGTERM');
    await stack?.stop();
    process.exit(exitCode);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  // Whatever goes wrong, the database and PostgREST must not outlive this process.
  process.on('uncaughtException', (error) => {
    console.error(`error: ${error.stack ?? error.message}`);
    void shutdown(1);
  });

  try {
    config = configFromEnv();
    console.log('Starting the local Supabase stack...');
    stack = await startStack(config, (line) => console.log(`  ${line}`));
    if (shuttingDown) return;
    writeViteEnv(config.viteEnvFile, stack);
    console.log(banner(stack, path.relative(process.cwd(), config.viteEnvFile)));
  } catch (error) {
    console.error(`error: ${error instanceof StackError ? error.message : ((error as Error).stack ?? String(error))}`);
    await shutdown(1);
    return;
  }

  if (withApp) {
    vite = startVite(config.projectDir);
    vite.on('exit', (code) => {
      if (!shuttingDown) {
        console.error(`error: the Vite dev server stopped (code ${code}); is port 5173 in use? The stack is stopping too.`);
        void shutdown(code || 1);
      }
    });
  }
  console.log('Press Ctrl-C to stop.');
}

void main();
