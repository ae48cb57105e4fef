/**
 * What the gateway reads from a request before it forwards anything: the request target, checked as
 * a string before anything parses it, the route, the `apikey` in the query, and the headers that may
 * travel on. Pure functions, so every rule can be tested case by case.
 */
import type http from 'node:http';

export type RequestTarget = { ok: true; path: string; query: string } | { ok: false; reason: string };

export type Service = 'rest' | 'auth' | 'realtime';

const ROUTE_PREFIXES: ReadonlyArray<readonly [string, Service]> = [
  ['/rest/v1', 'rest'],
  ['/auth/v1', 'auth'],
  ['/realtime/v1', 'realtime'],
];

/** Printable ASCII only: spaces, control characters and raw non-ASCII are never sent by a conforming client. */
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
/** `.` or `..`, also percent-encoded. */
const DOT_SEGMENT = /^(?:\.|%2e){1,2}$/i;
/** An encoded `/` or `\` (which a later parser may take for a separator) or control character. */
const ENCODED_SEPARATOR_OR_CONTROL = /%(?:2f|5c|[01][0-9a-f]|7f)/i;

/**
 * Checks a raw `req.url` as a string: origin-form (one leading `/`), printable ASCII, no fragment, and
 * a path that no URL parser could read as another host or directory: no empty or dot segments and no
 * backslash, also percent-encoded. The query may hold anything printable, a backslash too (PostgREST's
 * escape inside quoted filter values, and accepted by hosted Supabase's gateway): it is passed on, never
 * parsed as a URL, so it cannot change where the request goes.
 */
export function parseRequestTarget(raw: string): RequestTarget {
  if (!raw.startsWith('/') || raw.startsWith('//')) return refused('the request target must be a path starting with a single /');
  if (!PRINTABLE_ASCII.test(raw)) return refused('the request target may only hold printable ASCII; percent-encode the rest');
  if (raw.includes('#')) return refused('a request target has no fragment (#)');

  const queryStart = raw.indexOf('?');
  const path = queryStart === -1 ? raw : raw.slice(0, queryStart);
  const query = queryStart === -1 ? '' : raw.slice(queryStart + 1);

  // PostgREST answers an escape that decodes to invalid UTF-8 with a plain-text 500.
  if (!decodesAsUtf8(path) || !decodesAsUtf8(query)) return refused('every % must start a percent-encoded byte (%XX), and the bytes must be valid UTF-8');
  if (path.includes('\\')) return refused('the path may not contain a backslash');
  if (ENCODED_SEPARATOR_OR_CONTROL.test(path)) return refused('the path may not contain an encoded /, \\ or control character');
  // The first segment is the empty one before the leading slash; a trailing slash leaves one more.
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    if (segment === '' && index < segments.length - 1) return refused('the path may not contain an empty segment (//)');
    if (DOT_SEGMENT.test(segment)) return refused('the path may not contain . or .. segments');
  }
  return { ok: true, path, query };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The name of the first header whose value is not valid UTF-8, if any. Node hands header bytes over
 * as latin1; PostgREST answers such a value with a plain-text 500 (and a bad Accept breaks its answer).
 */
export function headerNotUtf8(rawHeaders: readonly string[]): string | undefined {
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const value = rawHeaders[index + 1]!;
    if (!/\P{ASCII}/u.test(value)) continue;
    try {
      UTF8.decode(Buffer.from(value, 'latin1'));
    } catch {
      return rawHeaders[index];
    }
  }
  return undefined;
}

function decodesAsUtf8(encoded: string): boolean {
  try {
    decodeURIComponent(encoded);
    return true;
  } catch {
    return false;
  }
}

function refused(reason: string): RequestTarget {
  return { ok: false, reason };
}

/** The service a path belongs to and the path it has there, without the prefix. */
export function routeOf(path: string): { service: Service; path: string } | undefined {
  for (const [prefix, service] of ROUTE_PREFIXES) {
    if (path === prefix) return { service, path: '/' };
    if (path.startsWith(`${prefix}/`)) return { service, path: path.slice(prefix.length) };
  }
  return undefined;
}

/** The name of one `name=value` part of a query, decoded the way `URLSearchParams` decodes it. */
function parameterName(part: string): string {
  return new URLSearchParams(part).keys().next().value ?? '';
}

export function apiKeyFromQuery(query: string): string | undefined {
  return new URLSearchParams(query).get('apikey') ?? undefined;
}

/**
 * The query without its `apikey` parameters, every other byte as sent: PostgREST's filters rely on
 * `*`, `(`, `,` and `+` arriving as they were written, which re-serialising would not keep.
 */
export function withoutApiKey(query: string): string {
  return query
    .split('&')
    .filter((part) => parameterName(part) !== 'apikey')
    .join('&');
}

/** Headers about this one connection (RFC 9110, section 7.6.1), which a proxy must not pass on. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

/**
 * `host` and `x-forwarded-for` are the gateway's to set; `expect` was already answered by Node, which
 * sends `100 Continue` itself before the gateway sees the request.
 */
const HANDLED_BY_GATEWAY = new Set(['host', 'x-forwarded-for', 'expect']);

function withoutHeaders(headers: http.IncomingHttpHeaders, alsoDropped: ReadonlySet<string> = new Set()): http.OutgoingHttpHeaders {
  const connectionOptions = (headers.connection ?? '').split(',').map((name) => name.trim().toLowerCase());
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name, value]) =>
        value !== undefined && !HOP_BY_HOP.has(name) && !name.startsWith('proxy-') && !connectionOptions.includes(name) && !alsoDropped.has(name),
    ),
  );
}

export function forwardedRequestHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return withoutHeaders(headers, HANDLED_BY_GATEWAY);
}

export function forwardedResponseHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return withoutHeaders(headers);
}
