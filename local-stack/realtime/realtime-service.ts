/**
 * A local stand-in for Supabase Realtime: Broadcast (from clients and from the database) on a private
 * loopback port, reached through the gateway at `/realtime/v1/websocket`. The gateway has checked the
 * `apikey` and passes the key's JWT on in `x-api-key`, as Supabase's gateway does for Realtime
 * (supabase/realtime lib/realtime_web/channels/user_socket.ex reads it there first).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import { HOST } from '../ports.ts';
import { checkAccessToken } from './authorization.ts';
import { DEFAULT_REALTIME_LIMITS, RealtimeConnection, type RealtimeLimits } from './connection.ts';
import { SUPPORTED_VSNS, type Vsn } from './frames.ts';
import { startMessageListener, startRetention, type BroadcastRow } from './message-listener.ts';
import { subscriptionKey, Subscriptions } from './subscriptions.ts';

export interface RealtimeOptions {
  /** Connection string of the `supabase_realtime_admin` login role. */
  databaseUrl: string;
  jwtSecret: string;
  /** 0 lets the OS pick; a restart passes the port it had. */
  port: number;
  limits?: Partial<RealtimeLimits>;
  log?: (line: string) => void;
}

export interface RealtimeService {
  /** http://127.0.0.1:<port>, the origin the gateway forwards to. */
  url: string;
  port: number;
  stop(): Promise<void>;
}

const WEBSOCKET_PATH = '/websocket';

function refuseUpgrade(socket: Duplex, status: number, body: object): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n${text}`,
    () => socket.destroy(),
  );
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export async function startRealtimeService(options: RealtimeOptions): Promise<RealtimeService> {
  const log = options.log ?? ((line: string) => console.error(line));
  const limits = { ...DEFAULT_REALTIME_LIMITS, ...options.limits };
  const subscriptions = new Subscriptions();
  const connections = new Set<RealtimeConnection>();

  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 4, idleTimeoutMillis: 30_000, application_name: 'local realtime' });
  pool.on('error', (error) => log(`realtime: idle database connection failed: ${error.message}`));

  const deliverRow = (row: BroadcastRow) => {
    subscriptions.deliver(subscriptionKey(row.topic, row.private), {
      kind: 'user',
      event: row.event,
      encoding: 'json',
      data: Buffer.from(row.payloadJson, 'utf8'),
      metadata: { id: row.id },
    });
  };

  let listener: Awaited<ReturnType<typeof startMessageListener>>;
  try {
    listener = await startMessageListener({ databaseUrl: options.databaseUrl, pool, onRow: deliverRow, log });
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  const retention = startRetention(pool, log);

  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes, perMessageDeflate: false, skipUTF8Validation: true });

  const server = http.createServer((_req, res) => {
    const body = JSON.stringify({ message: 'Not found: the local Realtime service serves only the websocket (/realtime/v1/websocket).' });
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (url.pathname !== WEBSOCKET_PATH) return refuseUpgrade(socket, 404, { message: 'Not found' });
    const vsn = (url.searchParams.get('vsn') ?? '1.0.0') as Vsn;
    if (!SUPPORTED_VSNS.includes(vsn)) return refuseUpgrade(socket, 400, { error: `Unsupported protocol version ${vsn}: use 1.0.0 or 2.0.0` });
    const keyToken = firstHeader(req.headers['x-api-key']) ?? url.searchParams.get('apikey') ?? undefined;
    if (!keyToken) return refuseUpgrade(socket, 401, { error: 'API key is missing' });
    const token = checkAccessToken(keyToken, options.jwtSecret);
    if (!token.ok) return refuseUpgrade(socket, 401, { error: token.connectError });

    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new RealtimeConnection(ws, vsn, keyToken, { subscriptions, pool, jwtSecret: options.jwtSecret, limits, log });
      connections.add(connection);
      ws.on('close', () => connections.delete(connection));
    });
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port, host: HOST, exclusive: true }, () => resolve((server.address() as AddressInfo).port));
  }).catch(async (error: Error) => {
    await listener.stop();
    await retention.stop();
    await pool.end().catch(() => undefined);
    throw error;
  });

  return {
    url: `http://${HOST}:${port}`,
    port,
    async stop() {
      for (const connection of connections) connection.terminate();
      connections.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      wss.close();
      await listener.stop();
      await retention.stop();
      await pool.end().catch(() => undefined);
    },
  };
}
