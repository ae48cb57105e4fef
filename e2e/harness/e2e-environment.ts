import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_DIR } from '../../local-stack/config.ts';
import { freePort, HOST } from '../../local-stack/ports.ts';
import { startStack } from '../../local-stack/stack.ts';
import { testStackConfig } from '../../tests/support/test-stack.ts';
import { startApiSwitch } from './api-switch.ts';
import { startControlServer } from './control-server.ts';
import { serveApp } from './static-server.ts';

/**
 * Shortened through the app's own configuration (never by patching code), so scenarios take seconds.
 * The safety-net poll while live is as short as the other: scenarios that turn a device's clock back
 * in SQL (which nothing pushes until the minute job runs) see it at once, and the live scenarios
 * prove the push by holding every read of cards back.
 */
export const E2E_INTERVALS = { presenceUpdateMs: 2_000, readersRefreshMs: 2_000, readersLiveRefreshMs: 2_000, opsRefreshMs: 2_000 };

export const E2E_OUTPUT_DIR = path.join(PROJECT_DIR, '.e2e');

/** What the specs (in Playwright's worker processes) are told through their environment. */
export interface E2eSettings {
  E2E_APP_URL: string;
  E2E_API_URL: string;
  E2E_DB_URL: string;
  E2E_CONTROL_URL: string;
  E2E_ANON_KEY: string;
}

function buildApp(outDir: string, env: Record<string, string>): Promise<void> {
  const vite = path.join(PROJECT_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
  return new Promise((resolve, reject) => {
    // VITE_* variables already in the environment win over a developer's .env.local.
    const child = spawn(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      cwd: PROJECT_DIR,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with code ${code}`))));
  });
}

/**
 * The product as its users meet it: the built app, served, against the real local stack on a
 * fresh throwaway database, with the API behind a switch the tests can cut. Whatever fails, the
 * parts already started are stopped before the error is thrown.
 */
export async function startE2eEnvironment(log: (line: string) => void): Promise<{ settings: E2eSettings; stop: () => Promise<void> }> {
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const part of stops.splice(0).reverse()) await part().catch((error: Error) => log(`e2e: stop failed: ${error.message}`));
  };
  try {
    const config = await testStackConfig();
    const apiPort = await freePort();
    const apiUrl = `http://${HOST}:${apiPort}`;

    log(`e2e: building the app against ${apiUrl}`);
    const dist = path.join(E2E_OUTPUT_DIR, 'dist');
    await buildApp(dist, {
      VITE_SUPABASE_URL: apiUrl,
      VITE_SUPABASE_ANON_KEY: config.anonKey,
      VITE_ENABLE_PRESENCE: 'true',
      VITE_PRESENCE_UPDATE_INTERVAL_MS: String(E2E_INTERVALS.presenceUpdateMs),
      VITE_READERS_REFRESH_INTERVAL_MS: String(E2E_INTERVALS.readersRefreshMs),
      VITE_READERS_LIVE_REFRESH_INTERVAL_MS: String(E2E_INTERVALS.readersLiveRefreshMs),
      VITE_OPS_REFRESH_INTERVAL_MS: String(E2E_INTERVALS.opsRefreshMs),
    });

    log('e2e: starting the local stack on a throwaway database');
    const stack = await startStack(config);
    stops.push(stack.stop);

    const apiSwitch = await startApiSwitch(apiPort, config.apiPort);
    stops.push(() => apiSwitch.close());
    const control = await startControlServer(apiSwitch, stack.realtime, await freePort());
    stops.push(control.close);
    const app = await serveApp(dist, await freePort());
    stops.push(app.close);

    log(`e2e: app on ${app.url}, API on ${apiUrl}`);
    return {
      settings: { E2E_APP_URL: app.url, E2E_API_URL: apiUrl, E2E_DB_URL: stack.dbUrl, E2E_CONTROL_URL: control.url, E2E_ANON_KEY: config.anonKey },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
