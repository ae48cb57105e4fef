import { createAuthService } from './auth/auth-service.ts';
import type { StackConfig } from './config.ts';
import { StackError } from './errors.ts';
import { startGateway } from './gateway.ts';
import { applySupabaseBase, pushMigrations } from './migrations.ts';
import { HOST, isPortFree } from './ports.ts';
import { startDatabase, withRole } from './postgres.ts';
import { startPostgrest } from './postgrest.ts';
import { startRealtimeService, type RealtimeService } from './realtime/realtime-service.ts';
import { startPresenceScheduler } from './scheduler.ts';

export interface RunningStack {
  apiUrl: string;
  /** Superuser connection string (for ops, tests and the Supabase CLI). */
  dbUrl: string;
  databaseDescription: string;
  anonKey: string;
  serviceRoleKey: string;
  /** Opaque keys standing for the anon and service_role keys at the gateway. */
  publishableKey: string;
  secretKey: string;
  jwtSecret: string;
  seeded: boolean;
  /** The Realtime service alone, stopped and started again on the same port (an outage, in end-to-end tests). */
  realtime: RealtimeControl;
  /** Stops every part; may be passed on unbound. */
  stop: () => Promise<void>;
}

export interface RealtimeControl {
  /** The websocket as clients reach it through the gateway. */
  url: string;
  /** Both may be passed on unbound; each does nothing if the service is already in that state. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

async function assertAnswers(url: string, apiKey: string, part: string): Promise<void> {
  const response = await fetch(url, { headers: { apikey: apiKey } }).catch(() => undefined);
  if (!response?.ok) throw new StackError(`${part} does not answer through the gateway (${response?.status ?? 'no response'}).`);
}

/**
 * Starts every part in order and reports ready only when each answers through the gateway.
 * Whatever fails, the parts already started are stopped again before the error is thrown.
 */
export async function startStack(config: StackConfig, log: (line: string) => void = () => {}): Promise<RunningStack> {
  if (!(await isPortFree(config.apiPort))) {
    throw new StackError(`Port ${config.apiPort} (API gateway) is already in use: stop whatever holds it (another \`npm start\`?) or set STACK_API_PORT.`);
  }

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) await stop().catch((error: Error) => log(`stop failed: ${error.message}`));
  };

  try {
    const database = await startDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      port: config.dbPort,
      password: config.dbPassword,
      ephemeral: config.ephemeral,
    });
    stops.push(() => database.stop());
    log(`database: ${database.description}`);

    await applySupabaseBase(database.url, config.dbPassword);
    const { seeded } = await pushMigrations(database.url, config.projectDir, config.seed);
    log(`migrations applied${seeded ? ', seed loaded' : ''}`);

    if (config.presenceJobs) {
      const scheduler = await startPresenceScheduler(database.url, log);
      stops.push(() => scheduler.stop());
    }

    const postgrest = await startPostgrest({
      databaseUrl: withRole(database.url, 'authenticator', config.dbPassword),
      jwtSecret: config.jwtSecret,
      log,
    });
    stops.push(() => postgrest.stop());

    const auth = createAuthService({
      databaseUrl: withRole(database.url, 'supabase_auth_admin', config.dbPassword),
      jwtSecret: config.jwtSecret,
      settings: config.auth,
      issuer: `http://127.0.0.1:${config.apiPort}/auth/v1`,
      log,
    });
    stops.push(() => auth.close());

    const startRealtime = (port: number) =>
      startRealtimeService({
        databaseUrl: withRole(database.url, 'supabase_realtime_admin', config.dbPassword),
        jwtSecret: config.jwtSecret,
        port,
        limits: config.realtimeLimits,
        log,
      });
    let realtime: RealtimeService | undefined = await startRealtime(0);
    const realtimePort = realtime.port;
    let realtimeChange = Promise.resolve();
    const changeRealtime = (change: () => Promise<void>) => (realtimeChange = realtimeChange.then(change));
    const stopRealtime = () =>
      changeRealtime(async () => {
        const running = realtime;
        realtime = undefined;
        await running?.stop();
      });
    const restartRealtime = () =>
      changeRealtime(async () => {
        realtime ??= await startRealtime(realtimePort);
      });
    stops.push(stopRealtime);

    const gateway = await startGateway({
      port: config.apiPort,
      apiKeys: new Map([
        [config.anonKey, config.anonKey],
        [config.serviceRoleKey, config.serviceRoleKey],
        [config.publishableKey, config.anonKey],
        [config.secretKey, config.serviceRoleKey],
      ]),
      restUrl: postgrest.url,
      auth: (req, res) => auth.handle(req, res),
      realtimeUrl: `http://${HOST}:${realtimePort}`,
      maxBodyBytes: config.maxBodyBytes,
      log,
    });
    stops.push(() => gateway.stop());

    await assertAnswers(`${gateway.url}/rest/v1/`, config.anonKey, 'PostgREST');
    await assertAnswers(`${gateway.url}/auth/v1/health`, config.anonKey, 'Auth');

    return {
      apiUrl: gateway.url,
      dbUrl: database.url,
      databaseDescription: database.description,
      anonKey: config.anonKey,
      serviceRoleKey: config.serviceRoleKey,
      publishableKey: config.publishableKey,
      secretKey: config.secretKey,
      jwtSecret: config.jwtSecret,
      seeded,
      realtime: {
        url: `${gateway.url.replace(/^http/, 'ws')}/realtime/v1/websocket`,
        stop: stopRealtime,
        start: restartRealtime,
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
