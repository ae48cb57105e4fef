import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { pipeline, Transform, type Duplex } from 'node:stream';
import { StackError } from './errors.ts';
import {
  apiKeyFromQuery,
  forwardedRequestHeaders,
  forwardedResponseHeaders,
  headerNotUtf8,
  parseRequestTarget,
  routeOf,
  withoutApiKey,
  type Service,
} from './gateway-request.ts';
import { HOST } from './ports.ts';

type RequestHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface GatewayOptions {
  port: number;
  /** Accepted `apikey` values, each mapped to the JWT that stands for it when no user token is sent. */
  apiKeys: ReadonlyMap<string, string>;
  /** PostgREST's origin, e.g. http://127.0.0.1:3000. */
  restUrl: string;
  /** Serves one auth request, its URL without the `/auth/v1` prefix and without an `apikey` parameter. */
  auth: RequestHandler;
  /** The Realtime service's origin; without it `/realtime/v1` has no route. */
  realtimeUrl?: string;
  /** Request bodies over this many bytes get 413 and never reach PostgREST or auth. */
  maxBodyBytes: number;
  /** Where failures behind a 5xx answer are reported; stderr by default. */
  log?: (line: string) => void;
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

/** Where a route's requests go: a fixed origin, never one taken from the request. */
interface Upstream {
  name: string;
  host: string;
  port: number;
}

/** What the gateway answers itself, in the shape of Supabase's gateway (Kong): `{message, hint?}`. */
interface GatewayError {
  message: string;
  hint?: string;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    'apikey, authorization, x-client-info, x-supabase-api-version, content-type, prefer, range, accept-profile, content-profile, x-upsert',
  'access-control-expose-headers': 'X-Supabase-Api-Version, Content-Range, x-sb-error-code',
  'access-control-max-age': '3600',
};

const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

// The messages are Kong's, as hosted Supabase's gateway answers them.
const UNEXPECTED_FAILURE: GatewayError = { message: 'An unexpected error occurred' };
const UPSTREAM_FAILURE: GatewayError = { message: 'An invalid response was received from the upstream server' };

function tooLarge(maxBodyBytes: number): GatewayError {
  return { message: 'Request size limit exceeded', hint: `Request bodies may have at most ${maxBodyBytes} bytes (STACK_MAX_BODY_BYTES).` };
}

function sendError(res: http.ServerResponse, status: number, error: GatewayError, headers: http.OutgoingHttpHeaders = {}): void {
  const body = JSON.stringify(error);
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/** The whole HTTP/1.1 message of an error answer, for a socket without a response object. */
function rawErrorResponse(status: number, error: GatewayError): string {
  const body = JSON.stringify(error);
  const headers = { ...CORS_HEADERS, 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(body), connection: 'close' };
  const headerLines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
  return `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\n${headerLines.join('')}\r\n${body}`;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The path only: a query may carry an `apikey`, which has no place in a log. */
function pathOf(req: http.IncomingMessage): string {
  return (req.url ?? '').split('?')[0] ?? '';
}

/**
 * Runs a handler so that whatever it throws, at once or after an await, fails this one request with a
 * 500 (or a cut-off answer, if it had begun) and is logged, instead of reaching the process.
 */
function guarded(name: string, handler: RequestHandler, log: (line: string) => void): http.RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        await handler(req, res);
      } catch (error) {
        log(`${name}: ${req.method} ${pathOf(req)} failed: ${describe(error)}`);
        if (res.headersSent) res.destroy();
        else sendError(res, 500, UNEXPECTED_FAILURE);
      }
    })();
  };
}

/** What warp, PostgREST's HTTP server, reads of a body it did not read itself before it closes. */
const UPSTREAM_UNREAD_BODY_FLUSH_BYTES = 8192;

/** How long a refused body is read and thrown away before the connection is cut. */
const LINGER_MS = 5_000;

/**
 * Reads the rest of a refused request's body and throws it away, for a while, as nginx's lingering
 * close does: a connection closed while the client is still sending is reset, and a reset makes the
 * client drop the answer it had not read yet, so it would never see the 413.
 */
function discardBody(req: http.IncomingMessage): void {
  const cutOff = setTimeout(() => req.socket.destroy(), LINGER_MS);
  req.once('end', () => clearTimeout(cutOff)).once('close', () => clearTimeout(cutOff));
  req.resume();
}

class BodyTooLarge extends Error {}

/**
 * Passes a request body on until it grows past `maxBytes`. Then `refuse` answers the client, and the
 * stream fails once that answer is out: the pipeline then aborts the upstream request, so the upstream
 * never gets the rest, and closes the client's connection.
 */
function bodyLimit(maxBytes: number, refuse: (failNow: () => void) => void): Transform {
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, next) {
      received += chunk.length;
      if (received <= maxBytes) next(null, chunk);
      else refuse(() => next(new BodyTooLarge(`the body passed ${maxBytes} bytes`)));
    },
  });
}

/**
 * pipeline() destroys every stream of the pipe when one fails, and each failure is answered where it
 * happens (an upstream error in its listener, an oversized body by bodyLimit), or is a client that went
 * away, with nobody left to tell. So its callback has nothing left to do.
 */
function afterPipeline(): void {}

interface Routing {
  apiKeys: ReadonlyMap<string, string>;
  upstreams: Partial<Record<Service, Upstream>>;
  /** Client sockets relayed to Realtime: no longer the HTTP server's to close. */
  relayed: Set<Duplex>;
  maxBodyBytes: number;
  log: (line: string) => void;
}

/** What goes upstream: the request line and headers the gateway built, and the client's body as it streams. */
interface Forwarding {
  upstream: Upstream;
  path: string;
  headers: http.OutgoingHttpHeaders;
  /** A connection opened for this request and closed after it, instead of one from the shared pool. */
  ownConnection: boolean;
}

function forward(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  { upstream, path, headers, ownConnection }: Forwarding,
  { maxBodyBytes, log }: Routing,
): void {
  const upstreamRequest = http.request({
    host: upstream.host,
    port: upstream.port,
    method: req.method,
    path,
    headers,
    agent: ownConnection ? false : undefined,
  });

  upstreamRequest.on('response', (upstreamResponse) => {
    if (res.headersSent) {
      // The client was already refused (its body was too large): this answer has no one to go to.
      upstreamResponse.destroy();
      return;
    }
    res.writeHead(upstreamResponse.statusCode ?? 502, { ...forwardedResponseHeaders(upstreamResponse.headers), ...CORS_HEADERS });
    pipeline(upstreamResponse, res, afterPipeline);
  });

  upstreamRequest.on('error', (error) => {
    // Answered already (413), or the client went away and the pipeline aborted this request.
    if (res.writableEnded || req.socket.destroyed) return;
    log(`gateway: ${req.method} ${pathOf(req)} to ${upstream.name} failed: ${error.message}`);
    if (res.headersSent) res.destroy();
    else sendError(res, 502, UPSTREAM_FAILURE);
  });

  // As nginx under Kong does by default: a client that left has no use for the answer being worked on.
  res.once('close', () => {
    if (!res.writableFinished) upstreamRequest.destroy();
  });

  const limit = bodyLimit(maxBodyBytes, (failNow) => {
    if (res.headersSent) return failNow();
    sendError(res, 413, tooLarge(maxBodyBytes), { connection: 'close' });
    res.once('finish', failNow);
  });
  pipeline(req, limit, upstreamRequest, afterPipeline);
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

const NO_ROUTE: GatewayError = { message: 'no Route matched with those values' };

/** The `apikey` header or url param, and the JWT it stands for; Kong's 401 answers otherwise. */
function apiKeyOf(
  req: http.IncomingMessage,
  query: string,
  apiKeys: ReadonlyMap<string, string>,
): { ok: true; jwt: string } | { ok: false; error: GatewayError } {
  const apiKey = firstHeader(req.headers.apikey) ?? apiKeyFromQuery(query);
  if (!apiKey) return { ok: false, error: { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' } };
  const jwt = apiKeys.get(apiKey);
  if (!jwt) return { ok: false, error: { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' } };
  return { ok: true, jwt };
}

/**
 * The gateway's own part of a request, as Supabase's API gateway does it: a checked request target,
 * `/rest/v1` to PostgREST and `/auth/v1` to auth with the prefix stripped, an `apikey` required,
 * CORS for browsers.
 */
function routeRequest(routing: Routing): RequestHandler {
  return (req, res) => {
    const target = parseRequestTarget(req.url ?? '');
    if (!target.ok) {
      sendError(res, 400, { message: 'Bad request', hint: `Invalid request target: ${target.reason}.` });
      return;
    }
    const badHeader = headerNotUtf8(req.rawHeaders);
    if (badHeader !== undefined) {
      sendError(res, 400, { message: 'Bad request', hint: `The value of the ${badHeader} header is not valid UTF-8.` });
      return;
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }

    const route = routeOf(target.path);
    const upstream = route && routing.upstreams[route.service];
    if (!route || !upstream) {
      sendError(res, 404, NO_ROUTE);
      return;
    }

    const key = apiKeyOf(req, target.query, routing.apiKeys);
    if (!key.ok) {
      sendError(res, 401, key.error);
      return;
    }
    const keyJwt = key.jwt;

    const declaredLength = Number(req.headers['content-length'] ?? 0);
    if (declaredLength > routing.maxBodyBytes) {
      sendError(res, 413, tooLarge(routing.maxBodyBytes));
      discardBody(req);
      return;
    }

    const headers = forwardedRequestHeaders(req.headers);
    headers.host = `${upstream.host}:${upstream.port}`;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? HOST;
    const authorization = req.headers.authorization;
    if (!authorization || authorization.startsWith('Bearer sb_')) headers.authorization = `Bearer ${keyJwt}`;
    // Node chunks a body by itself only for methods that usually have one; a chunked GET body would
    // otherwise go out unframed, and the upstream would read it as a second request.
    if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';

    const query = withoutApiKey(target.query);
    // PostgREST's server (warp) reads at most 8 KiB of a body it answered without reading (a bad
    // token, say), then drops the connection without saying so, and the next request sent on it
    // would fail: a larger body, or one of unknown length, gets a connection of its own.
    const ownConnection = req.headers['transfer-encoding'] !== undefined || declaredLength > UPSTREAM_UNREAD_BODY_FLUSH_BYTES;
    forward(req, res, { upstream, path: query ? `${route.path}?${query}` : route.path, headers, ownConnection }, routing);
  };
}

/** Answers on a socket that has no response object to answer through, and closes it. */
function answerOnSocket(socket: Duplex, status: number, error: GatewayError): void {
  socket.end(rawErrorResponse(status, error), () => socket.destroy());
}

/** The request head sent to Realtime: the line and headers the gateway built, as latin1, which is how Node read them. */
function upgradeHead(path: string, headers: http.OutgoingHttpHeaders): Buffer {
  const lines = [`GET ${path} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * A WebSocket upgrade to `/realtime/v1/websocket`, checked as any request is (target, headers, apikey),
 * then relayed byte for byte to Realtime over a connection of its own, the key's JWT in `x-api-key` as
 * Supabase's gateway passes it on (an opaque `sb_` key stands for its JWT). The gateway never reads
 * the frames. Any other upgrade has no route.
 */
function routeUpgrade(routing: Routing): (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void {
  return (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    const target = parseRequestTarget(req.url ?? '');
    if (!target.ok) return answerOnSocket(socket, 400, { message: 'Bad request', hint: `Invalid request target: ${target.reason}.` });
    const badHeader = headerNotUtf8(req.rawHeaders);
    if (badHeader !== undefined)
      return answerOnSocket(socket, 400, { message: 'Bad request', hint: `The value of the ${badHeader} header is not valid UTF-8.` });
    const route = routeOf(target.path);
    const upstream = route?.service === 'realtime' ? routing.upstreams.realtime : undefined;
    if (!route || !upstream || req.method !== 'GET' || req.headers.upgrade?.toLowerCase() !== 'websocket') return answerOnSocket(socket, 404, NO_ROUTE);
    const key = apiKeyOf(req, target.query, routing.apiKeys);
    if (!key.ok) return answerOnSocket(socket, 401, key.error);

    const headers = forwardedRequestHeaders(req.headers);
    headers.host = `${upstream.host}:${upstream.port}`;
    headers['x-forwarded-for'] = req.socket.remoteAddress ?? HOST;
    headers['x-api-key'] = key.jwt;
    headers.connection = 'Upgrade';
    headers.upgrade = 'websocket';
    const query = withoutApiKey(target.query);

    routing.relayed.add(socket);
    socket.once('close', () => routing.relayed.delete(socket));
    let relaying = false;
    const upstreamSocket = net.connect({ host: upstream.host, port: upstream.port });
    upstreamSocket.once('connect', () => {
      relaying = true;
      upstreamSocket.write(upgradeHead(query ? `${route.path}?${query}` : route.path, headers));
      if (head.length > 0) upstreamSocket.write(head);
      socket.pipe(upstreamSocket);
      upstreamSocket.pipe(socket);
    });
    upstreamSocket.on('error', (error) => {
      upstreamSocket.destroy();
      if (relaying) return socket.destroy();
      routing.log(`gateway: GET ${target.path} to ${upstream.name} failed: ${error.message}`);
      answerOnSocket(socket, 502, UPSTREAM_FAILURE);
    });
    upstreamSocket.on('close', () => {
      if (relaying) socket.destroy();
    });
    socket.on('close', () => upstreamSocket.destroy());
  };
}

/** Answers what Node's HTTP parser refused. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) socket.destroy();
  else if (error.code === 'HPE_HEADER_OVERFLOW') answerOnSocket(socket, 431, { message: 'Request header or cookie too large' });
  else if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') answerOnSocket(socket, 408, { message: 'Request timeout' });
  else answerOnSocket(socket, 400, { message: 'Bad request', hint: `The request is not valid HTTP/1.1 (${error.code ?? error.message}).` });
}

/** A CONNECT asks for a tunnel, which the gateway never opens; Node hands such requests over as a bare socket. */
function answerConnect(_req: http.IncomingMessage, socket: Duplex): void {
  answerOnSocket(socket, 400, { message: 'Bad request', hint: 'The gateway opens no tunnels: CONNECT is not supported.' });
}

function upstreamAt(url: string, name: string): Upstream {
  const { protocol, hostname, port, pathname, search } = new URL(url);
  if (protocol !== 'http:' || pathname !== '/' || search)
    throw new StackError(`The gateway forwards to an http:// origin without a path, not ${url} (${name}).`);
  return { name, host: hostname, port: Number(port || 80) };
}

/** Listens on the loopback interface; resolves with the port, which the OS picks when `port` is 0. */
function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: HOST, exclusive: true }, () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((done) => {
    server.close(() => done());
    server.closeAllConnections();
  });
}

/**
 * The one public port. Auth is served on a private loopback port behind it, so that its requests pass
 * the same checks, body limit and cut-off as PostgREST's: the auth handler reads the request stream
 * itself, and only a forwarded stream can be cut off in the middle.
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const log = options.log ?? ((line: string) => console.error(line));
  const rest = upstreamAt(options.restUrl, 'PostgREST');

  const authServer = http.createServer(guarded('auth', options.auth, log));
  const auth: Upstream = { name: 'auth', host: HOST, port: await listen(authServer, 0) };

  const realtime = options.realtimeUrl ? upstreamAt(options.realtimeUrl, 'Realtime') : undefined;
  const routing: Routing = { apiKeys: options.apiKeys, upstreams: { rest, auth, realtime }, relayed: new Set(), maxBodyBytes: options.maxBodyBytes, log };
  const server = http.createServer(guarded('gateway', routeRequest(routing), log));
  server.on('upgrade', routeUpgrade(routing));
  server.on('clientError', answerClientError);
  server.on('connect', answerConnect);
  const port = await listen(server, options.port).catch(async (error: NodeJS.ErrnoException) => {
    await close(authServer);
    throw error.code === 'EADDRINUSE'
      ? new StackError(`Port ${options.port} (API gateway) is already in use: stop whatever holds it (another \`npm start\`?) or set STACK_API_PORT.`)
      : error;
  });

  return {
    url: `http://${HOST}:${port}`,
    stop: async () => {
      for (const socket of routing.relayed) socket.destroy();
      await Promise.all([close(server), close(authServer)]);
    },
  };
}
