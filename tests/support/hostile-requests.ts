/**
 * fast-check arbitraries for hostile input to the gateway: raw request lines, headers and framing
 * no HTTP client would send, nasty paths and queries, broken JSON, bodies of the wrong shape and
 * tokens that are not what they claim. Shared by the fuzz test and the hostile-mix soak.
 *
 * Generators that target one endpoint are built so that the request can never legitimately
 * succeed (a "poison" field it must refuse), so an assertion can demand a refusal.
 */
import fc from 'fast-check';
import { signJwt } from '../../local-stack/jwt.ts';
import { aimProxyAttemptsAtTrap } from './raw-http.ts';

/** Fragments that have broken routers and proxies: traversal, encodings, separators, NUL, brackets, unicode, real names. */
const NASTY_FRAGMENTS = [
  '', '/', '//', '\\', '\\\\', '/\\', '.', '..', '../..', '%2e%2e', '%2E%2e%2F', '.%2e', '%2f', '%5c', '%00', '%', '%zz',
  // Percent-encoded bytes that are not UTF-8: a stray byte, an overlong '.', a surrogate, past U+10FFFF.
  '%ff', '%c0%ae', '%ed%a0%80', '%f4%90%80%80',
  '[', ']', '[::1]', '//[', '@', ':', '::', ';', ',', '*', '~', '?', '??', '#', '&', '=', ' ', '%20', '+', '\t', '\0', '\x01', '\x7f',
  'é', '\u00ff', '😀', '\u202e', '\ufeff', '\ud800', 'ǅ', '𝔘𝔫𝔦', '../../etc/passwd', 'localhost:1', 'http:', 'http://x', 'file:///etc/passwd',
  'rpc', 'users', 'reader_levels', 'presence_audit_log', 'rpc/get_readers_online_status', 'rpc/reader_heartbeat', 'rpc/mark_inactive_readers_offline',
  'signup', 'token', 'user', 'logout', 'health', 'settings', 'admin/users',
];

const longSegment = fc.integer({ min: 256, max: 6_000 }).map((length) => 'x'.repeat(length));

const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: longSegment },
);

export const pathTail: fc.Arbitrary<string> = fc.array(pathSegment, { maxLength: 5 }).map((segments) => segments.join('/'));

const QUERY_KEYS = ['select', 'order', 'limit', 'offset', 'id', 'is_reader', 'or', 'and', 'not', 'apikey', 'columns', 'on_conflict', 'grant_type', 'scope', 'reader_ids', 'select[]', 'id[]', ''];
const QUERY_VALUES = [
  '*', 'id', 'eq.1', 'in.(', 'in.(1,2', 'not.is.null', 'id.desc.nullsfirst', '(id.eq.1,or(', 'readerLevel:level_id(*)', '*,users(*,users(*))', '-1', '1e99',
  '99999999999999999999', 'password', 'refresh_token', 'pkce', 'global', 'eq.11111111-1111-4111-8111-111111111111', 'like.*', 'fts.x', 'cs.{', '{}',
  'eq.%ff', '%c0%ae', 'in.(%ed%a0%80)',
];

const queryPart: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...QUERY_VALUES) },
  { weight: 2, arbitrary: pathSegment },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((value) => JSON.stringify(value) ?? '') },
);

export const queryString: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), pathSegment), queryPart), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`));

/** Text that is not JSON, or only barely (a truncation may happen to parse), or JSON at its limits. */
const brokenJsonText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '', ' ', '{', '}', '[', '{"a":}', '{"a" 1}', '[1,]', '{,}', "{'a':1}", 'NaN', 'undefined', 'nul', 'tru', '{"a":1}x', '\ufeff{}',
      '{"a":"\\x"}', '{"a":"\\ud800"}', '"unterminated', '0x10', '1e999', '-', '{"__proto__":{"role":"service_role"}}', '\0', '{"a":1}\0',
      '['.repeat(5_000) + ']'.repeat(5_000), '{"a":'.repeat(5_000), '[' + '1,'.repeat(600_000) + '1]',
    ),
  },
  { weight: 3, arbitrary: fc.json().chain((json) => fc.nat({ max: json.length }).map((end) => json.slice(0, end))) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Valid JSON of any shape: right for some endpoint, wrong for most. */
const anyJsonText: fc.Arbitrary<string> = fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? 'null');

export const junkBody: fc.Arbitrary<string> = fc.oneof(brokenJsonText, anyJsonText);

const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code));

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * `Authorization` values that must never authenticate anyone: junk, other schemes, unsigned
 * (`alg: none`) or foreign-signed tokens claiming service_role, tokens signed with the real secret
 * but expired. `undefined`: no header (the gateway then sends the apikey's JWT).
 */
export function forgedAuthorization(jwtSecret: string, userId: string): fc.Arbitrary<string | undefined> {
  const expired = Math.floor(Date.now() / 1000) - 3_600;
  const claims = fc.record({
    role: fc.constantFrom('service_role', 'authenticated', 'postgres', 'supabase_admin', ''),
    sub: fc.constantFrom(userId, '00000000-0000-0000-0000-000000000000', 'not-a-uuid'),
    aud: fc.constantFrom('authenticated', ''),
  });
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('Bearer', 'Bearer ', 'Bearer  ', 'bearer x', 'Basic dXNlcjpwYXNz', 'Bearer null', 'Bearer undefined', 'Bearer sb_publishable_x', 'Bearer sb_', 'Bearer a.b.c', 'Bearer ...'),
    fc.string({ unit: printableAscii, maxLength: 60 }).map((text) => `Bearer ${text}`),
    fc.tuple(fc.constantFrom('none', 'None', 'HS512', 'RS256', 'HS256'), claims).map(([alg, body]) => `Bearer ${base64urlJson({ alg, typ: 'JWT' })}.${base64urlJson(body)}.`),
    claims.map((body) => `Bearer ${signJwt(body, 'not-the-secret-but-just-as-long-as-the-real-one')}`),
    claims.map((body) => `Bearer ${signJwt({ ...body, exp: expired }, jwtSecret)}`),
  );
}

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x', 'application/octet-stream', 'application/vnd.pgrst.object+json', 'text/csv', '*/*', 'json', '',
];

/** Mostly JSON, as clients send, sometimes whatever else. */
export const contentType: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
);

// ------------------------------------------------------------------------------------------------
// Endpoint bodies that must be refused
// ------------------------------------------------------------------------------------------------

/** A string that is not an e-mail address (no `@`), non-empty so it is not read as "absent". */
const notAnEmail = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((text) => text.replaceAll('@', '') || 'x');
/** 1-5 code points: under the minimum length of 6 (an empty one is refused as missing). */
const tooShortPassword = fc.string({ unit: 'binary', minLength: 1, maxLength: 5 });
/** More than 72 UTF-8 bytes: bcrypt would read only the first 72, so it is refused. */
const tooLongPassword = fc.string({ unit: 'grapheme', minLength: 73, maxLength: 120 });
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }));
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.string(), fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }));
const anyEmail = fc.oneof(fc.emailAddress(), fc.constantFrom('luna@demo.test', 'CLIENT@demo.test', ' client@demo.test '), fc.string());
const anyPassword = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 20 }), fc.constantFrom('password', 'password1234'));

/** One thing a sign-up must refuse, whatever the other fields say. */
const signupPoison: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  notAnEmail.map((email) => ({ email })),
  notAString.map((email) => ({ email })),
  tooShortPassword.map((password) => ({ password })),
  tooLongPassword.map((password) => ({ password })),
  notAString.map((password) => ({ password })),
  fc.string({ minLength: 1 }).map((phone) => ({ phone })),
  notAnObject.map((data) => ({ data })),
);

/** `POST /signup` bodies that can never create a user. */
export const refusedSignupBody: fc.Arbitrary<string> = fc.oneof(
  brokenJsonText,
  fc.jsonValue({ maxDepth: 2 }).filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)).map((value) => JSON.stringify(value) ?? 'null'),
  fc
    .tuple(fc.record({ email: anyEmail, password: anyPassword, data: fc.jsonValue({ maxDepth: 2 }) }, { requiredKeys: [] }), signupPoison)
    .map(([base, poison]) => JSON.stringify({ ...base, ...poison, gotrue_meta_security: {} })),
);

/** `POST /token?grant_type=password` bodies: any shape, but never the demo password. */
export function refusedPasswordGrantBody(realPassword: string): fc.Arbitrary<string> {
  return fc.oneof(
    junkBody,
    fc
      .record({ email: anyEmail, password: fc.oneof(anyPassword, notAString, tooLongPassword) }, { requiredKeys: [] })
      .filter(({ password }) => password !== realPassword)
      .map((body) => JSON.stringify(body)),
  );
}

/** A refresh token that is almost, but never exactly, `real`. */
function nearMissRefreshToken(real: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.constantFrom(`${real} `, ` ${real}`, real.toUpperCase(), real.slice(0, -1), `${real}${real}`, `${real}\0`, `${real}%`),
      fc.tuple(fc.nat({ max: real.length - 1 }), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789')).map(([at, char]) => real.slice(0, at) + char + real.slice(at + 1)),
      fc.string({ unit: 'grapheme', maxLength: 24 }),
    )
    .filter((candidate) => candidate !== real);
}

/** `POST /token?grant_type=refresh_token` bodies that can never rotate `real`. */
export function refusedRefreshBody(real: string): fc.Arbitrary<string> {
  return fc.oneof(
    junkBody,
    fc.oneof(nearMissRefreshToken(real), notAString, fc.constant(null)).map((token) => JSON.stringify({ refresh_token: token })),
  );
}

/** One thing `PUT /user` must refuse before it changes anything, whatever the other fields say. */
const userUpdatePoison: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  // null means "not given" (Go zero values), so only a value is a poison.
  fc.jsonValue({ maxDepth: 1 }).filter((value) => value !== null).map((appMetadata) => ({ app_metadata: appMetadata })),
  fc.string({ minLength: 1 }).map((phone) => ({ phone })),
  notAString.map((email) => ({ email })),
  notAnEmail.map((email) => ({ email })),
  fc.oneof(fc.constant(''), tooShortPassword, tooLongPassword).map((password) => ({ password })),
  notAString.map((password) => ({ password })),
  notAnObject.map((data) => ({ data })),
);

/** `PUT /user` bodies a signed-in user sends that must change nothing. */
export const refusedUserUpdateBody: fc.Arbitrary<string> = fc.oneof(
  brokenJsonText.filter((text) => {
    // A truncation that parses to an object could be a valid (empty) update: not a refusal. A
    // leading BOM is dropped first, as a lenient server might.
    try {
      const parsed: unknown = JSON.parse(text.replace(/^\ufeff/, ''));
      return typeof parsed !== 'object' || parsed === null || Array.isArray(parsed);
    } catch {
      return true;
    }
  }),
  fc
    .tuple(fc.record({ email: anyEmail, password: anyPassword, data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }), userUpdatePoison)
    .map(([base, poison]) => JSON.stringify({ ...base, ...poison })),
);

/** Columns of public.users a user may never set on their own row (or that do not exist). */
const FORBIDDEN_USER_COLUMNS = ['id', 'is_reader', 'average_rating', 'review_count', 'level_id', 'is_online', 'last_seen_at', 'created_at', 'updated_at', 'role', 'no_such_column'];

/** `PATCH /users?id=eq.<own id>` bodies an owner sends that must be refused: each sets a forbidden column. */
export const refusedOwnProfilePatch: fc.Arbitrary<string> = fc
  .tuple(
    fc.dictionary(fc.constantFrom('display_name', 'bio', 'avatar_url', 'specialties'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    fc.constantFrom(...FORBIDDEN_USER_COLUMNS),
    fc.jsonValue({ maxDepth: 1 }),
  )
  .map(([allowed, column, value]) => JSON.stringify({ ...allowed, [column]: value }));

// ------------------------------------------------------------------------------------------------
// Raw HTTP/1.1 requests
// ------------------------------------------------------------------------------------------------

/** How a raw request frames (or fails to frame) its body. */
export type Framing =
  | { kind: 'none' }
  | { kind: 'content-length'; body: string }
  /** Announces more bytes than it sends: the server must wait, so no answer is due. */
  | { kind: 'short-body'; body: string; missing: number }
  | { kind: 'chunked'; chunks: string[] }
  /** The last chunk never comes: no answer is due. */
  | { kind: 'chunked-unterminated'; chunks: string[] }
  /** Framing HTTP/1.1 says a server must refuse (RFC 9112 §6): conflicting, repeated or invalid lengths and codings. */
  | { kind: 'fatal'; headers: string[]; body: string };

export interface RawRequestSpec {
  method: string;
  target: string;
  version: string;
  headers: string[];
  framing: Framing;
  /** False: the head never ends (no empty line), so no answer is due. */
  headEnds: boolean;
  /** utf8 sends unicode as UTF-8; latin1 sends each UTF-16 unit's low byte (stray bytes of any value). */
  encoding: 'utf8' | 'latin1';
}

const noLineBreaks = (text: string) => text.replace(/[\r\n]/g, '');

/** Header sets for a body of `length` bytes. */
const FATAL_FRAMINGS: ReadonlyArray<(length: number) => string[]> = [
  (length) => [`Content-Length: +${length}`],
  (length) => [`Content-Length: ${length}`, `Content-Length: ${length + 1}`],
  () => ['Content-Length: abc'],
  () => ['Content-Length: -1'],
  () => ['Content-Length: 1.5'],
  () => ['Content-Length: 0x10'],
  () => ['Content-Length: 99999999999999999999999'],
  (length) => ['Transfer-Encoding: chunked', `Content-Length: ${length}`],
  (length) => [`Content-Length: ${length}`, 'Transfer-Encoding: chunked'],
  () => ['Transfer-Encoding: gzip'],
  () => ['Transfer-Encoding: xchunked'],
  () => ['Transfer-Encoding: chunked, chunked'],
  () => ['Transfer-Encoding: chunked', 'Transfer-Encoding: identity'],
  () => ['Transfer-Encoding : chunked'],
  () => ['Transfer-Encoding:\x0bchunked'],
];

/**
 * Chunked bodies (sent with `Transfer-Encoding: chunked`) with broken chunk syntax, or with a 20 KB
 * chunk extension (CVE-2024-22019) around a body that is not JSON, so that even a server that
 * reads the extension must refuse the request.
 */
const BROKEN_CHUNKS: ReadonlyArray<(body: string) => string> = [
  (body) => `zz\r\n${body}\r\n0\r\n\r\n`,
  (body) => `-1\r\n${body}\r\n0\r\n\r\n`,
  (body) => `ffffffffffffffffffff\r\n${body}\r\n0\r\n\r\n`,
  (body) => `${(Buffer.byteLength(body) + 1).toString(16)}\r\n${body}XY0\r\n\r\n`,
  () => `1;${'x'.repeat(20_000)}\r\na\r\n0\r\n\r\n`,
];

function fatalFraming(body: fc.Arbitrary<string>): fc.Arbitrary<Framing> {
  return fc.oneof(
    fc.tuple(fc.nat({ max: FATAL_FRAMINGS.length - 1 }), body).map(([index, text]) => ({
      kind: 'fatal' as const,
      headers: FATAL_FRAMINGS[index]!(Buffer.byteLength(text)),
      body: text,
    })),
    fc.tuple(fc.nat({ max: BROKEN_CHUNKS.length - 1 }), body).map(([index, text]) => ({
      kind: 'fatal' as const,
      headers: ['Transfer-Encoding: chunked'],
      body: BROKEN_CHUNKS[index]!(text),
    })),
  );
}

const rawBody = fc.oneof(junkBody, fc.constant('{"reader_ids":[]}'));

// withCrossShrink: a failing request shrinks towards the first (plainest) branch, so that the
// counterexample keeps only the defect that matters.
const framing: fc.Arbitrary<Framing> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 3, arbitrary: rawBody.map((body) => ({ kind: 'content-length' as const, body })) },
  { weight: 1, arbitrary: fc.tuple(rawBody, fc.integer({ min: 1, max: 1_000_000 })).map(([body, missing]) => ({ kind: 'short-body' as const, body, missing })) },
  { weight: 2, arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 }).map((chunks) => ({ kind: 'chunked' as const, chunks })) },
  { weight: 1, arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 }).map((chunks) => ({ kind: 'chunked-unterminated' as const, chunks })) },
  // Starting with `{` (not a hex digit), a body that a lenient server reads as chunked is refused at once, not waited for.
  { weight: 3, arbitrary: fatalFraming(rawBody.map((body) => `{${body}`)) },
);

const rawMethod: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('get', 'Get', 'G ET', 'GET\0', 'CONNECT', 'TRACE', 'PRI', 'PROPFIND', 'M-SEARCH', 'BREW', 'QUERY', '', ' ', 'GET GET', 'X'.repeat(3_000)),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }) },
);

/** Targets that have crashed URL parsers (`new URL` throws on them) or turned gateways into proxies. */
const URL_BREAKERS = [
  '//[', '//[/', 'http://[', 'http://[/', '//[::1', '//[::1]:x/', '//@', '//:', '//a:99999/', '//%', '\\\\[', '/\\/[', 'http://', 'http://a b/',
  '/rest/v1//[', '/rest/v1/\\[', '/rest/v1//:99999/', '/auth/v1//[', '/rest/v1//evil.example/x', '/rest/v1/\\evil.example/x',
];

const OTHER_TARGETS = [
  '/', '*', '//', '/\\', '\\', 'http://127.0.0.1/rest/v1/users', 'https://evil.example/', 'http://user@evil.example:1/', '127.0.0.1:80',
  '/%', '/rest/v1/%zz', '/auth/v1/..%2f..%2f', '/auth/v1/%2e%2e/%2e%2e/', '?', '#', '', ' ', '/\0', '/rest/v1/users?select=*,(',
  '/auth/v1/token?grant_type=password%00', `/${'a'.repeat(20_000)}`, '/rest/v1/rpc/reader_heartbeat?apikey=not-a-key',
];

const rawTarget: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 2, arbitrary: fc.constantFrom(...OTHER_TARGETS) },
  { weight: 2, arbitrary: fc.constantFrom(...URL_BREAKERS) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom('', '/', '/rest/v1', '/auth/v1', '/rest/v1/rpc', '//', 'http://127.0.0.1:1'), pathTail, queryString)
      .map(([prefix, tail, query]) => `${prefix}/${tail}${query}`),
  },
);

const RAW_VERSIONS = ['HTTP/9.9', 'HTTP/1.2', 'HTTP/2.0', 'HTTP/0.9', 'http/1.1', 'HTTP/1.1 ', 'HTTP/1.10', 'HTTP/', 'HTTP/1', '', ' HTTP/1.1', 'HTTP/1.1\0', 'HTTP/01.1', 'HTTP/1.1 HTTP/1.1'];

const rawVersion: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 1, arbitrary: fc.constant('HTTP/1.0') },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_VERSIONS) },
);

const RAW_HEADER_LINES = [
  'Host: 127.0.0.1', 'Host:', 'Host: [', 'Host: a b', 'Host: evil.example', 'Connection: close', 'Connection: keep-alive, Upgrade', 'Upgrade: websocket', 'Upgrade: h2c',
  'Expect: 100-continue', 'Expect: bogus', 'X-Forwarded-For: 1.2.3.4', 'X-Forwarded-For: ::::', 'apikey: not-a-key', 'apikey:', 'apikey: sb_publishable_',
  'Authorization: Bearer x', 'Content-Type: application/json', 'Accept: */*', `Cookie: ${'a'.repeat(4_000)}`, `X-Big: ${'b'.repeat(20_000)}`, 'nocolon',
  ': empty-name', 'Bad Name: x', 'Tab\t: x', ' leading-space: x', 'X-Fold: a', ' folded', 'X-Nul: a\0b', 'X-Del: \x7f', 'X-Utf8: é😀', 'X-Latin: \u00ff',
];

const rawHeaderLine: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 3, arbitrary: fc.constantFrom(...RAW_HEADER_LINES) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.string({ unit: 'binary-ascii', maxLength: 10 }), fc.string({ unit: 'binary', maxLength: 20 }))
      .map(([name, value]) => noLineBreaks(`${name}: ${value}`)),
  },
);

/**
 * A request that no well-behaved client sends and that names no apikey the gateway accepts, so a
 * correct gateway can only refuse it (4xx) or fail (5xx). Open-proxy-shaped targets are aimed at
 * `trapHost`.
 */
export function hostileRawRequest(trapHost: string): fc.Arbitrary<RawRequestSpec> {
  return fc.record({
    method: rawMethod.map(noLineBreaks),
    target: rawTarget.map((target) => aimProxyAttemptsAtTrap(noLineBreaks(target), trapHost)),
    version: rawVersion,
    headers: fc
      .tuple(fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), fc.array(rawHeaderLine, { maxLength: 4 }))
      .map(([withHost, lines]) => (withHost ? ['Host: 127.0.0.1', ...lines] : lines)),
    framing,
    headEnds: fc.oneof({ withCrossShrink: true }, { weight: 12, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    encoding: fc.constantFrom('utf8' as const, 'latin1' as const),
  });
}

/**
 * A request with the real apikey whose path, after `/rest/v1`, names another host (`//host`,
 * `/\host`, `\\host`, with userinfo, in numeric forms): a gateway must refuse it or keep it on
 * PostgREST (whose answer is then 404), and never connect there. Every spelling names the trap at
 * `trapHost` (127.0.0.1 as one number, in hex, short and octal), so nothing can leave loopback.
 */
export function openProxyRequest(anonKey: string, trapHost: string): fc.Arbitrary<RawRequestSpec> {
  const port = trapHost.slice(trapHost.lastIndexOf(':') + 1);
  const slashes = fc.constantFrom('//', '/\\', '\\\\', '\\/', '///', '/\t/');
  const host = fc.constantFrom(trapHost, `user@${trapHost}`, `2130706433:${port}`, `0x7f000001:${port}`, `127.1:${port}`, `0177.0.0.1:${port}`);
  const rest = fc.constantFrom('', '/', '/x', '/rest/v1/users', '?select=*');
  return fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE'),
    target: fc.tuple(slashes, host, rest).map(([prefix, name, tail]) => `/rest/v1${prefix}${name}${tail}`),
    version: fc.constant('HTTP/1.1'),
    headers: fc.constant(['Host: 127.0.0.1', `apikey: ${anonKey}`]),
    framing: fc.constant({ kind: 'none' as const }),
    headEnds: fc.constant(true),
    encoding: fc.constant('utf8' as const),
  });
}

/**
 * A well-formed request to a real endpoint with the real apikey, whose framing HTTP/1.1 says must
 * be refused (RFC 9112 §6.1, §6.3): a request smuggling attempt. The body is valid JSON for the
 * endpoint, so a server that guessed the framing would answer 200.
 */
export function smugglingRequest(anonKey: string): fc.Arbitrary<RawRequestSpec> {
  return fc.record({
    method: fc.constant('POST'),
    target: fc.constantFrom('/rest/v1/rpc/get_readers_online_status', '/auth/v1/token?grant_type=password', '/rest/v1/rpc/server_time'),
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.0'),
    headers: fc.constant(['Host: 127.0.0.1', `apikey: ${anonKey}`, 'Content-Type: application/json']),
    framing: fatalFraming(fc.constant('{"reader_ids":[]}')),
    headEnds: fc.constant(true),
    encoding: fc.constant('utf8' as const),
  });
}

/** The bytes of `spec`, and whether they form a complete request (one a server must answer). */
export function renderRawRequest(spec: RawRequestSpec): { bytes: Buffer; complete: boolean } {
  const encode = (text: string) => Buffer.from(text, spec.encoding);
  const lines = [`${spec.method} ${spec.target} ${spec.version}`, ...spec.headers];
  let body = Buffer.alloc(0);
  let complete = spec.headEnds;
  const { framing: frame } = spec;
  switch (frame.kind) {
    case 'none':
      break;
    case 'content-length':
      body = encode(frame.body);
      lines.push(`Content-Length: ${body.length}`);
      break;
    case 'short-body':
      body = encode(frame.body);
      lines.push(`Content-Length: ${body.length + frame.missing}`);
      complete = false;
      break;
    case 'chunked':
    case 'chunked-unterminated': {
      const chunks = frame.chunks.map((chunk) => {
        const bytes = encode(chunk);
        return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
      });
      const last = frame.kind === 'chunked' ? [Buffer.from('0\r\n\r\n')] : [];
      body = Buffer.concat([...chunks, ...last]);
      lines.push('Transfer-Encoding: chunked');
      if (frame.kind === 'chunked-unterminated') complete = false;
      break;
    }
    case 'fatal':
      body = encode(frame.body);
      lines.push(...frame.headers);
      break;
  }
  const head = encode(`${lines.join('\r\n')}\r\n${spec.headEnds ? '\r\n' : ''}`);
  return { bytes: spec.headEnds ? Buffer.concat([head, body]) : head, complete };
}
