/**
 * HTTP/1.1 spoken by hand over a loopback socket: malformed requests that no HTTP client would
 * send, and a strict reading of whatever comes back, for the fuzz test and the hostile-mix soak.
 */
import net from 'node:net';
import { HOST } from '../../local-stack/ports.ts';

export interface RawResponse {
  status: number;
  /** Header names lower-cased, in arrival order (repeats kept). */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

type Incomplete = { state: 'incomplete' };
type Malformed = { state: 'malformed'; reason: string };
type Parsed = Incomplete | Malformed | { state: 'complete'; response: RawResponse };

const INCOMPLETE: Incomplete = { state: 'incomplete' };
const STATUS_LINE = /^HTTP\/1\.[01] ([1-5]\d\d)(?: [^\r\n]*)?$/;
const HEADER_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** A response head longer than this is not one (Node's own limit for heads it reads is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

function headerValues(headers: RawResponse['headers'], name: string): string[] {
  return headers.filter(([key]) => key === name).map(([, value]) => value);
}

/** The body of a chunked message starting at `data[0]`, or why it is not one. */
function readChunked(data: Buffer, ended: boolean): Incomplete | Malformed | { state: 'complete'; body: Buffer } {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf(CRLF, offset);
    if (lineEnd < 0) return ended ? { state: 'malformed', reason: 'closed inside a chunk size line' } : INCOMPLETE;
    const sizeLine = data.subarray(offset, lineEnd).toString('latin1');
    const size = /^([0-9a-fA-F]{1,8})(?:;.*)?$/.exec(sizeLine);
    if (!size) return { state: 'malformed', reason: `bad chunk size line ${JSON.stringify(sizeLine.slice(0, 40))}` };
    const length = parseInt(size[1]!, 16);
    offset = lineEnd + 2;
    if (length === 0) {
      // Trailer fields, then the empty line that ends the message.
      for (;;) {
        const trailerEnd = data.indexOf(CRLF, offset);
        if (trailerEnd < 0) return ended ? { state: 'malformed', reason: 'closed before the last chunk ended' } : INCOMPLETE;
        const empty = trailerEnd === offset;
        offset = trailerEnd + 2;
        if (empty) return { state: 'complete', body: Buffer.concat(chunks) };
      }
    }
    if (data.length < offset + length + 2) return ended ? { state: 'malformed', reason: 'closed inside a chunk' } : INCOMPLETE;
    chunks.push(data.subarray(offset, offset + length));
    if (!data.subarray(offset + length, offset + length + 2).equals(CRLF)) return { state: 'malformed', reason: 'chunk not followed by CRLF' };
    offset += length + 2;
  }
}

/**
 * One response read from the start of `data`, strictly: a valid status line and header lines, the
 * body framed by `transfer-encoding: chunked`, `content-length` or the end of the connection.
 * Interim 1xx responses (e.g. `100 Continue`) are skipped. `ended`: the server closed its side.
 */
export function parseResponse(data: Buffer, ended: boolean): Parsed {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd < 0) {
    if (data.length > MAX_HEAD_BYTES) return { state: 'malformed', reason: `no end of the response head in ${data.length} bytes` };
    return ended ? { state: 'malformed', reason: 'closed inside the response head' } : INCOMPLETE;
  }
  const [statusLine = '', ...headerLines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const statusMatch = STATUS_LINE.exec(statusLine);
  if (!statusMatch) return { state: 'malformed', reason: `bad status line ${JSON.stringify(statusLine.slice(0, 80))}` };
  const status = Number(statusMatch[1]);
  const headers: RawResponse['headers'] = [];
  for (const line of headerLines) {
    const header = HEADER_LINE.exec(line);
    if (!header) return { state: 'malformed', reason: `bad header line ${JSON.stringify(line.slice(0, 80))}` };
    headers.push([header[1]!.toLowerCase(), header[2]!]);
  }
  const rest = data.subarray(headEnd + 4);
  // 101 ends HTTP on the connection, so it is the answer; other 1xx come before the answer.
  if (status < 200 && status !== 101) return parseResponse(rest, ended);
  if (status === 204 || status === 304) return { state: 'complete', response: { status, headers, body: Buffer.alloc(0) } };

  const transferEncodings = headerValues(headers, 'transfer-encoding');
  if (transferEncodings.length > 0) {
    if (transferEncodings.join(',').trim().toLowerCase() !== 'chunked') {
      return { state: 'malformed', reason: `unreadable transfer-encoding ${JSON.stringify(transferEncodings)}` };
    }
    const chunked = readChunked(rest, ended);
    return chunked.state === 'complete' ? { state: 'complete', response: { status, headers, body: chunked.body } } : chunked;
  }
  const lengths = [...new Set(headerValues(headers, 'content-length'))];
  if (lengths.length > 1 || (lengths.length === 1 && !/^\d{1,15}$/.test(lengths[0]!))) {
    return { state: 'malformed', reason: `bad content-length ${JSON.stringify(lengths)}` };
  }
  if (lengths.length === 1) {
    const length = Number(lengths[0]);
    if (rest.length < length) return ended ? { state: 'malformed', reason: `closed after ${rest.length} of ${length} body bytes` } : INCOMPLETE;
    return { state: 'complete', response: { status, headers, body: rest.subarray(0, length) } };
  }
  return ended ? { state: 'complete', response: { status, headers, body: rest } } : INCOMPLETE;
}

export type ExchangeOutcome =
  | { kind: 'answered'; response: RawResponse }
  | { kind: 'malformed'; reason: string; received: string }
  /** Nothing (or nothing complete) came back: the server closed, reset, or we gave up waiting. */
  | { kind: 'no-answer'; how: 'closed' | 'reset' | 'timeout'; received: string };

export interface Exchange {
  outcome: ExchangeOutcome;
  /** Every byte of the request was handed to the kernel (false when the server cut the upload short). */
  sentCompletely: boolean;
}

export interface ExchangeOptions {
  /** Give up waiting for the response after this long (the socket is then closed). */
  timeoutMs: number;
  /** Bytes written per write, waiting for the socket to drain in between (big bodies). */
  writeChunkBytes?: number;
  /** Pause between the parts of `request`, e.g. to dribble a head out slowly. */
  pauseBetweenPartsMs?: number;
}

/** Resolves when `socket` takes writes again, or can never take any more. */
function drainedOrClosed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/**
 * Connects to 127.0.0.1:`port`, writes `request` (one buffer or parts), and reads one response.
 * The socket is always destroyed at the end; nothing is retried.
 */
export function exchange(port: number, request: Buffer | Buffer[], options: ExchangeOptions): Promise<Exchange> {
  const parts = Array.isArray(request) ? request : [request];
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: HOST });
    let received = Buffer.alloc(0);
    let sentCompletely = false;
    let settled = false;

    const finish = (outcome: ExchangeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ outcome, sentCompletely });
    };
    const preview = () => received.subarray(0, 300).toString('latin1');
    const conclude = (ended: boolean, how: 'closed' | 'reset') => {
      const parsed = parseResponse(received, ended);
      if (parsed.state === 'complete') finish({ kind: 'answered', response: parsed.response });
      else if (parsed.state === 'malformed' && received.length > 0) finish({ kind: 'malformed', reason: parsed.reason, received: preview() });
      else if (ended) finish({ kind: 'no-answer', how, received: preview() });
    };
    const timer = setTimeout(() => finish({ kind: 'no-answer', how: 'timeout', received: preview() }), options.timeoutMs);

    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      conclude(false, 'closed');
    });
    socket.on('end', () => conclude(true, 'closed'));
    socket.on('error', () => conclude(true, 'reset'));
    socket.on('close', () => conclude(true, 'closed'));

    /** Writes the request; never rejects, as a failed write is the 'error' handler's to report. */
    const send = async () => {
      try {
        for (const [index, part] of parts.entries()) {
          if (index > 0 && options.pauseBetweenPartsMs) await new Promise((done) => setTimeout(done, options.pauseBetweenPartsMs));
          const step = options.writeChunkBytes ?? Math.max(1, part.length);
          for (let offset = 0; offset < part.length; offset += step) {
            if (settled || socket.destroyed) return;
            if (!socket.write(part.subarray(offset, offset + step))) await drainedOrClosed(socket);
          }
        }
        if (settled || socket.destroyed) return;
        // The last write has left for the kernel once an empty write's callback runs without error.
        await new Promise<void>((done, fail) => socket.write(Buffer.alloc(0), (error) => (error ? fail(error) : done())));
        sentCompletely = !socket.destroyed;
      } catch {
        // Reported by the 'error' handler; sentCompletely stays false.
      }
    };
    socket.once('connect', () => void send());
  });
}

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * PostgREST answers an embedding it cannot choose between two relationships (users to users through
 * favourites, as client or as reader) with 300 and PGRST201: a refusal that names the choices.
 */
export function isAmbiguousEmbedding(status: number, text: string): boolean {
  if (status !== 300) return false;
  // The answer to a HEAD request has no body to say more than its status.
  if (text === '') return true;
  const parsed = parseJson(text);
  return parsed.ok && (parsed.value as { code?: unknown } | null)?.code === 'PGRST201';
}

/**
 * An error body a Supabase client can read: a JSON object with a string `message` (gateway,
 * PostgREST, versioned auth) or `msg` (unversioned auth), and a `code`, if any, that is a string or
 * number. `undefined` when it is one, else what is wrong.
 */
export function errorBodyProblem(text: string): string | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok) return `not JSON: ${JSON.stringify(text.slice(0, 200))}`;
  const body = parsed.value;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return `not a JSON object: ${text.slice(0, 200)}`;
  const { message, msg, code } = body as Record<string, unknown>;
  if (typeof message !== 'string' && typeof msg !== 'string') return `no string message or msg: ${text.slice(0, 200)}`;
  if (code !== undefined && code !== null && typeof code !== 'string' && typeof code !== 'number')
    return `code is neither string nor number: ${text.slice(0, 200)}`;
  return undefined;
}

/**
 * A loopback listener that must never be reached: open-proxy attempts are aimed at it, and every
 * connection it gets is counted and closed at once.
 */
export interface Trap {
  host: string;
  connections(): number;
  close(): Promise<void>;
}

export function startTrap(): Promise<Trap> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections += 1;
    socket.destroy();
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: 0, host: HOST }, () => {
      const { port } = server.address() as net.AddressInfo;
      resolve({
        host: `${HOST}:${port}`,
        connections: () => connections,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

/** Whether `reference`, resolved against an upstream origin, names another host. */
function leavesUpstream(reference: string): boolean {
  try {
    return new URL(reference, 'http://upstream.invalid').host !== 'upstream.invalid';
  } catch {
    return false; // Unparseable: a gateway can only refuse it, nothing is proxied.
  }
}

/**
 * `target` as sent, except that when the part after `/rest/v1` would be read by a WHATWG URL
 * parser as a reference to another host ("//host/…", "/\host/…") that host becomes the trap's: a
 * gateway that proxies such paths then reaches the test's own listener and nothing else.
 */
export function aimProxyAttemptsAtTrap(target: string, trapHost: string): string {
  let pathname: string;
  let search: string;
  try {
    ({ pathname, search } = new URL(target, 'http://gateway.invalid'));
  } catch {
    return target;
  }
  const sub = /^\/rest\/v1(\/.*)$/s.exec(pathname)?.[1];
  if (sub === undefined || !leavesUpstream(sub)) return target;
  // Keep the target's own spelling (backslashes, extra slashes, tabs) and swap only the host.
  const spelled = /^\/rest\/v1([/\\\t]+)([^/\\?#]*)(.*)$/s.exec(target);
  if (spelled && leavesUpstream(`${spelled[1]}${spelled[2]}`)) return `/rest/v1${spelled[1]}${trapHost}${spelled[3]}`;
  const upstream = new URL(sub, 'http://upstream.invalid');
  return `/rest/v1//${trapHost}${upstream.pathname}${search}`;
}
