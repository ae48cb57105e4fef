import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startGateway, type Gateway, type GatewayOptions } from '../gateway.ts';
import { HOST } from '../ports.ts';

const ANON_KEY = 'anon-key';
const ANON_JWT = 'anon-jwt';
const MAX_BODY_BYTES = 1024;

interface Served {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A stand-in for PostgREST that records every request it reads to the end, and every body byte it sees. */
async function startRecordingUpstream() {
  const served: Served[] = [];
  const stats = { bodyBytesSeen: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      stats.bodyBytesSeen += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => {
      served.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive, x-upstream-hop', 'x-upstream-hop': '1', 'keep-alive': 'timeout=99' });
      res.end('[]');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return {
    url: `http://${HOST}:${(server.address() as net.AddressInfo).port}`,
    served,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Any host the gateway must never reach: it only counts the connections it gets. */
async function startCanary() {
  const stats = { connections: 0 };
  const server = net.createServer((socket) => {
    stats.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve));
  return { port: (server.address() as net.AddressInfo).port, stats, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One request sent exactly as given (no URL normalisation, unlike fetch); the body, if any, in chunks. */
function send(url: string, options: { method?: string; path: string; headers?: http.OutgoingHttpHeaders; chunks?: Buffer[] }): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let answered = false;
    const request = http.request({ host: hostname, port, agent: false, method: options.method ?? 'GET', path: options.path, headers: options.headers });
    request.on('response', (response) => {
      answered = true;
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    // Once the answer is in, a refused upload may still fail to write the rest: that is the point.
    request.on('error', (error) => {
      if (!answered) reject(error);
    });
    const writeChunks = async () => {
      for (const chunk of options.chunks ?? []) {
        if (answered || request.destroyed) return;
        if (!request.write(chunk)) await new Promise((drained) => request.once('drain', drained));
      }
      request.end();
    };
    void writeChunks();
  });
}

/** Bytes straight onto a socket, for request lines no HTTP client would send; resolves with what comes back. */
function sendRaw(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    socket.setEncoding('utf8');
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
}

function parseRaw(response: string): { statusLine: string; headers: Record<string, string>; body: string } {
  const [head = '', body = ''] = response.split('\r\n\r\n');
  const [statusLine = '', ...headerLines] = head.split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { statusLine, headers, body };
}

function expectGatewayError(answer: Answer, status: number): { message: string } {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.headers['access-control-allow-origin']).toBe('*');
  const body = JSON.parse(answer.body) as { message: string };
  expect(body.message).toEqual(expect.any(String));
  return body;
}

let upstream: Awaited<ReturnType<typeof startRecordingUpstream>>;
let gateway: Gateway;
const logged: string[] = [];
/** The URLs the auth handler was called with, once it had read the body. */
const authCalls: string[] = [];

async function fakeAuth(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  await new Promise((bodyRead) => req.resume().once('end', bodyRead));
  authCalls.push(req.url!);
  if (req.url === '/async-failure') throw new Error('auth broke asynchronously');
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ url: req.url }));
}

function options(overrides: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    port: 0,
    apiKeys: new Map([[ANON_KEY, ANON_JWT]]),
    restUrl: upstream.url,
    auth: (req, res) => {
      // A handler that throws before its first await, as a plain synchronous bug would.
      if (req.url === '/sync-failure') throw new Error('auth broke synchronously');
      return fakeAuth(req, res);
    },
    maxBodyBytes: MAX_BODY_BYTES,
    log: (line) => logged.push(line),
    ...overrides,
  };
}

beforeAll(async () => {
  upstream = await startRecordingUpstream();
  gateway = await startGateway(options());
});

afterAll(async () => {
  await gateway?.stop();
  await upstream?.close();
});

afterEach(() => {
  upstream.served.length = 0;
  upstream.stats.bodyBytesSeen = 0;
  authCalls.length = 0;
  logged.length = 0;
});

async function expectStillServing(): Promise<void> {
  const answer = await send(gateway.url, { path: '/rest/v1/books', headers: { apikey: ANON_KEY } });
  expect(answer.status).toBe(200);
}

describe('request targets', () => {
  // unknown rather than vitest's any, which would spread to the objects it is put in
  const anyMessage: unknown = expect.any(String);

  test('a request line no URL parser accepts gets a 400 JSON answer, and the gateway keeps serving', async () => {
    const { statusLine, headers, body } = parseRaw(await sendRaw(gateway.url, 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toMatchObject({ message: anyMessage });
    await expectStillServing();
  });

  test("a request Node's HTTP parser refuses gets a well-formed 400 JSON answer and a closed connection", async () => {
    const { statusLine, headers, body } = parseRaw(await sendRaw(gateway.url, 'GET /rest/v1/books HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n'));
    expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(headers.connection).toBe('close');
    expect(headers['access-control-allow-origin']).toBe('*');
    expect(JSON.parse(body)).toMatchObject({ message: anyMessage });
    await expectStillServing();
  });

  test('a CONNECT, asking for a tunnel, gets a 400 JSON answer', async () => {
    for (const target of ['127.0.0.1:9', '//[']) {
      const { statusLine, headers, body } = parseRaw(await sendRaw(gateway.url, `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n\r\n`));
      expect(statusLine, target).toBe('HTTP/1.1 400 Bad Request');
      expect(headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(body)).toMatchObject({ message: anyMessage });
    }
    await expectStillServing();
  });

  test('the gateway is no proxy to other hosts, whatever the path spells', async () => {
    const canary = await startCanary();
    try {
      const address = `127.0.0.1:${canary.port}`;
      for (const path of [
        `/rest/v1//${address}/x`,
        `/rest/v1/\\${address}/x`,
        `/rest/v1/%2F%2F${address}/x`,
        `/rest/v1/..//${address}/x`,
        `/auth/v1//${address}/x`,
        `//${address}/rest/v1/x`,
      ]) {
        const answer = await send(gateway.url, { path: `${path}?apikey=${ANON_KEY}`, headers: { apikey: ANON_KEY } });
        expectGatewayError(answer, 400);
      }
      expect(canary.stats.connections).toBe(0);
      expect(upstream.served).toEqual([]);
    } finally {
      await canary.close();
    }
  });
});

describe('forwarding', () => {
  test('the query reaches PostgREST byte for byte, without the apikey', async () => {
    const query = 'select=*,author(name)&title=in.("a,b",c)&or=(a.eq.1,b.eq.+2)';
    const answer = await send(gateway.url, { path: `/rest/v1/books?apikey=${ANON_KEY}&${query}` });
    expect(answer.status).toBe(200);
    expect(upstream.served.map((request) => request.url)).toEqual([`/books?${query}`]);
  });

  test('auth gets its path without the prefix and without the apikey', async () => {
    const answer = await send(gateway.url, { path: `/auth/v1/health?apikey=${ANON_KEY}` });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe('*');
    expect(authCalls).toEqual(['/health']);
  });

  test("hop-by-hop headers stay behind; the client address is the socket's, not what the client claims", async () => {
    const answer = await send(gateway.url, {
      path: '/rest/v1/books',
      headers: {
        apikey: ANON_KEY,
        connection: 'keep-alive, x-hop',
        'x-hop': 'secret',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic eDp5',
        'x-forwarded-for': '203.0.113.9',
        prefer: 'count=exact',
      },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers['x-upstream-hop']).toBeUndefined();
    expect(answer.headers['keep-alive']).not.toBe('timeout=99');
    const [request] = upstream.served;
    expect(request?.headers).toMatchObject({ prefer: 'count=exact', 'x-forwarded-for': '127.0.0.1', authorization: `Bearer ${ANON_JWT}` });
    for (const name of ['x-hop', 'keep-alive', 'proxy-authorization']) expect(request?.headers[name], name).toBeUndefined();
  });

  test('a body within the limit reaches PostgREST whole, also when chunked', async () => {
    const body = Buffer.alloc(MAX_BODY_BYTES, 'a');
    const chunked = await send(gateway.url, {
      method: 'POST',
      path: '/rest/v1/books',
      headers: { apikey: ANON_KEY },
      chunks: [body.subarray(0, 500), body.subarray(500)],
    });
    expect(chunked.status).toBe(200);
    // A GET with a chunked body is unusual, but its body must still arrive framed, not as a second request.
    const get = await send(gateway.url, {
      method: 'GET',
      path: '/rest/v1/books',
      headers: { apikey: ANON_KEY, 'transfer-encoding': 'chunked' },
      chunks: [Buffer.from('{}')],
    });
    expect(get.status).toBe(200);
    expect(upstream.served.map((request) => [request.method, request.body.length])).toEqual([
      ['POST', MAX_BODY_BYTES],
      ['GET', 2],
    ]);
  });

  test('a client that leaves before its answer takes the upstream request with it', async () => {
    let upstreamSocketClosed: () => void = () => {};
    const closed = new Promise<void>((resolve) => (upstreamSocketClosed = resolve));
    const neverAnswers = http.createServer((req) => req.socket.once('close', upstreamSocketClosed));
    await new Promise<void>((resolve) => neverAnswers.listen(0, HOST, resolve));
    const slow = await startGateway(options({ restUrl: `http://${HOST}:${(neverAnswers.address() as net.AddressInfo).port}` }));
    try {
      const { port } = new URL(slow.url);
      const client = net.connect(Number(port), HOST, () => client.write(`GET /rest/v1/books HTTP/1.1\r\nHost: x\r\napikey: ${ANON_KEY}\r\n\r\n`));
      await new Promise((resolve) => setTimeout(resolve, 100));
      client.destroy();
      await closed;
    } finally {
      await slow.stop();
      neverAnswers.closeAllConnections();
      await new Promise((resolve) => neverAnswers.close(resolve));
    }
  });

  test('a failing upstream is a 502 JSON answer', async () => {
    const unreachable = await startGateway(options({ restUrl: 'http://127.0.0.1:9' }));
    try {
      expectGatewayError(await send(unreachable.url, { path: '/rest/v1/books', headers: { apikey: ANON_KEY } }), 502);
    } finally {
      await unreachable.stop();
    }
  });
});

describe('body limit', () => {
  test('a declared length over the limit is refused at once, on both routes', async () => {
    for (const path of ['/rest/v1/books', '/auth/v1/signup']) {
      const answer = await send(gateway.url, {
        method: 'POST',
        path,
        headers: { apikey: ANON_KEY, 'content-length': String(MAX_BODY_BYTES + 1) },
        chunks: [Buffer.alloc(MAX_BODY_BYTES + 1, 'a')],
      });
      expectGatewayError(answer, 413);
    }
    expect(upstream.stats.bodyBytesSeen).toBe(0);
    expect(authCalls).toEqual([]);
    await expectStillServing();
  });

  test('a large upload over the limit is answered with 413 after the client has sent it all', async () => {
    // The client writes all 4 MB before it reads: a gateway that closed at once would reset it first.
    const fourMegabytes = Array.from({ length: 64 }, () => Buffer.alloc(64 * 1024, 'a'));
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await send(gateway.url, {
        method: 'POST',
        path: '/rest/v1/rpc/books',
        headers: { apikey: ANON_KEY, 'content-length': String(4 * 1024 * 1024) },
        chunks: fourMegabytes,
      });
      expectGatewayError(answer, 413);
    }
    expect(upstream.stats.bodyBytesSeen).toBe(0);
  });

  test('a chunked body is cut off with 413 once it passes the limit, and the upstream never gets the rest', async () => {
    for (const path of ['/rest/v1/books', '/auth/v1/signup']) {
      const answer = await send(gateway.url, {
        method: 'POST',
        path,
        headers: { apikey: ANON_KEY },
        chunks: Array.from({ length: 64 }, () => Buffer.alloc(256, 'a')),
      });
      expect(expectGatewayError(answer, 413).message).toBe('Request size limit exceeded');
      expect(answer.headers.connection).toBe('close');
    }
    expect(upstream.stats.bodyBytesSeen).toBeLessThanOrEqual(MAX_BODY_BYTES);
    expect(upstream.served).toEqual([]);
    expect(authCalls).toEqual([]);
    await expectStillServing();
  });
});

describe('failures inside the gateway', () => {
  test.each(['/sync-failure', '/async-failure'])('an auth handler that throws (%s) answers 500 JSON and is logged', async (path) => {
    const answer = await send(gateway.url, { path: `/auth/v1${path}`, headers: { apikey: ANON_KEY } });
    expectGatewayError(answer, 500);
    expect(logged.join('\n')).toMatch(/auth broke/);
    await expectStillServing();
  });

  test('a gateway whose auth always throws, with a dummy PostgREST, answers 500 each time', async () => {
    const authOnly = await startGateway(
      options({
        restUrl: 'http://127.0.0.1:9',
        auth: () => {
          throw new Error('boom');
        },
      }),
    );
    try {
      expectGatewayError(await send(authOnly.url, { path: '/auth/v1/health', headers: { apikey: ANON_KEY } }), 500);
      expectGatewayError(await send(authOnly.url, { path: '/auth/v1/health', headers: { apikey: ANON_KEY } }), 500);
    } finally {
      await authOnly.stop();
    }
  });
});

describe('answers of its own', () => {
  test('unknown routes, missing and unknown keys are JSON with CORS headers', async () => {
    expectGatewayError(await send(gateway.url, { path: '/storage/v1/bucket', headers: { apikey: ANON_KEY } }), 404);
    expectGatewayError(await send(gateway.url, { path: '/rest/v1/books' }), 401);
    expectGatewayError(await send(gateway.url, { path: '/rest/v1/books', headers: { apikey: 'not-a-key' } }), 401);
  });

  test('a preflight is answered without a key', async () => {
    const answer = await send(gateway.url, { method: 'OPTIONS', path: '/rest/v1/books' });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-headers']).toContain('apikey');
  });
});
