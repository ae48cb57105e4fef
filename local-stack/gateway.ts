import http from 'node:http';
import { StackError } from './errors.ts';
import { HOST } from './ports.ts';

export interface GatewayOptions {
  port: number;
  /** Accepted `apikey` values, each mapped to the JWT that stands for it when no user token is sent. */
  apiKeys: ReadonlyMap<string, string>;
  restUrl: string;
  auth: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

export interface Gateway {
  url: string;
  stop(): Promise<void>;
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
  'access-control-allow-headers':
    'apikey, authorization, x-client-info, x-supabase-api-version, content-type, prefer, range, accept-profile, content-profile, x-upsert',
  'access-control-expose-headers': 'X-Supabase-Api-Version, Content-Range, x-sb-error-code',
  'access-control-max-age': '3600',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

function apiKeyOf(req: http.IncomingMessage, url: URL): string | undefined {
  const header = req.headers.apikey;
  return (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('apikey') ?? undefined;
}

function proxyToRest(req: http.IncomingMessage, res: http.ServerResponse, restUrl: string, path: string): void {
  const target = new URL(path, restUrl);
  const upstream = http.request(
    target,
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, { ...upstreamRes.headers, ...CORS_HEADERS });
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) sendJson(res, 502, { message: 'An invalid response was received from the upstream server' });
    else res.destroy();
  });
  req.pipe(upstream);
}

/**
 * The one public port, routing as Supabase's API gateway does: `/rest/v1` to PostgREST and
 * `/auth/v1` to auth, prefix stripped, an `apikey` required, CORS for browsers.
 */
export function startGateway(options: GatewayOptions): Promise<Gateway> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', `http://${HOST}`);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS_HEADERS);
      res.end();
      return;
    }

    const route = /^\/(rest|auth)\/v1(\/.*)?$/.exec(url.pathname);
    if (!route) {
      sendJson(res, 404, { message: 'no Route matched with those values' });
      return;
    }

    const apiKey = apiKeyOf(req, url);
    if (!apiKey) {
      sendJson(res, 401, { message: 'No API key found in request', hint: 'No `apikey` request header or url param was found.' });
      return;
    }
    const keyJwt = options.apiKeys.get(apiKey);
    if (!keyJwt) {
      sendJson(res, 401, { message: 'Invalid API key', hint: 'Double check your Supabase `anon` or `service_role` API key.' });
      return;
    }

    const authorization = req.headers.authorization;
    if (!authorization || authorization.startsWith('Bearer sb_')) req.headers.authorization = `Bearer ${keyJwt}`;
    req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? HOST;
    req.url = `${route[2] ?? '/'}${url.search}`;

    if (route[1] === 'rest') {
      proxyToRest(req, res, options.restUrl, req.url);
    } else {
      for (const [name, value] of Object.entries(CORS_HEADERS)) res.setHeader(name, value);
      options.auth(req, res);
    }
  });

  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StackError(`Port ${options.port} (API gateway) is already in use: stop whatever holds it (another \`npm start\`?) or set STACK_API_PORT.`)
          : error,
      );
    });
    server.listen({ port: options.port, host: HOST, exclusive: true }, () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://${HOST}:${port}`,
        stop: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
