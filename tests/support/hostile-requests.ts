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
  '',
  '/',
  '//',
  '\\',
  '\\\\',
  '/\\',
  '.',
  '..',
  '../..',
  '%2e%2e',
  '%2E%2e%2F',
  '.%2e',
  '%2f',
  '%5c',
  '%00',
  '%',
  '%zz',
  // Percent-encoded bytes that are not UTF-8: a stray byte, an overlong '.', a surrogate, past U+10FFFF.
  '%ff',
  '%c0%ae',
  '%ed%a0%80',
  '%f4%90%80%80',
  '[',
  ']',
  '[::1]',
  '//[',
  '@',
  ':',
  '::',
  ';',
  ',',
  '*',
  '~',
  '?',
  '??',
  '#',
  '&',
  '=',
  ' ',
  '%20',
  '+',
  '\t',
  '\0',
  '\x01',
  '\x7f',
  'é',
  '\u00ff',
  '😀',
  '\u202e',
  '\ufeff',
  '\ud800',
  'ǅ',
  '𝔘𝔫𝔦',
  '../../etc/passwd',
  'localhost:1',
  'http:',
  'http://x',
  'file:///etc/passwd',
  'rpc',
  'users',
  'reader_levels',
  'reader_cards',
  'presence_audit_log',
  'rpc/get_readers_online_status',
  'rpc/reader_heartbeat',
  'rpc/mark_inactive_readers_offline',
  'rpc/set_reader_status',
  'rpc/my_presence',
  'rpc/reader_go_offline',
  'rpc/reader_directory_summary',
  'rpc/favourite_reader_cards',
  'rpc/presence_caller',
  'rpc/refresh_reader_directory_stats',
  'rpc/report_presence_failures',
  'rpc/ops_presence_now',
  'rpc/ops_presence_series',
  'rpc/run_maintenance_job',
  'private',
  'reader_devices',
  'reader_presence',
  'reader_presence_now',
  'reader_directory_stats',
  'maintenance_runs',
  'presence_tally',
  'signup',
  'token',
  'user',
  'logout',
  'health',
  'settings',
  'admin/users',
];

const longSegment = fc.integer({ min: 256, max: 6_000 }).map((length) => 'x'.repeat(length));

const pathSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...NASTY_FRAGMENTS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: longSegment },
);

export const pathTail: fc.Arbitrary<string> = fc.array(pathSegment, { maxLength: 5 }).map((segments) => segments.join('/'));

const QUERY_KEYS = [
  'select',
  'order',
  'limit',
  'offset',
  'id',
  'is_reader',
  'or',
  'and',
  'not',
  'apikey',
  'columns',
  'on_conflict',
  'grant_type',
  'scope',
  'reader_ids',
  'select[]',
  'id[]',
  '',
  'status',
  'recorded_status',
  'is_online',
  'specialties_search',
  'idle_seconds',
  'message',
  'expires_at',
];
const QUERY_VALUES = [
  '*',
  'id',
  'eq.1',
  'in.(',
  'in.(1,2',
  'not.is.null',
  'id.desc.nullsfirst',
  '(id.eq.1,or(',
  'readerLevel:level_id(*)',
  '*,users(*,users(*))',
  '-1',
  '1e99',
  '99999999999999999999',
  'password',
  'refresh_token',
  'pkce',
  'global',
  'eq.11111111-1111-4111-8111-111111111111',
  'like.*',
  'fts.x',
  'cs.{',
  '{}',
  'eq.%ff',
  '%c0%ae',
  'in.(%ed%a0%80)',
  'recorded_status.asc,average_rating.desc,id.asc',
  'eq.available',
  'busy',
  'reader_devices(*)',
  'id,reader_presence(*)',
  '-2147483649',
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
      '',
      ' ',
      '{',
      '}',
      '[',
      '{"a":}',
      '{"a" 1}',
      '[1,]',
      '{,}',
      "{'a':1}",
      'NaN',
      'undefined',
      'nul',
      'tru',
      '{"a":1}x',
      '\ufeff{}',
      '{"a":"\\x"}',
      '{"a":"\\ud800"}',
      '"unterminated',
      '0x10',
      '1e999',
      '-',
      '{"__proto__":{"role":"service_role"}}',
      '\0',
      '{"a":1}\0',
      '['.repeat(5_000) + ']'.repeat(5_000),
      '{"a":'.repeat(5_000),
      '[' + '1,'.repeat(600_000) + '1]',
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
    fc.constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer  ',
      'bearer x',
      'Basic dXNlcjpwYXNz',
      'Bearer null',
      'Bearer undefined',
      'Bearer sb_publishable_x',
      'Bearer sb_',
      'Bearer a.b.c',
      'Bearer ...',
    ),
    fc.string({ unit: printableAscii, maxLength: 60 }).map((text) => `Bearer ${text}`),
    fc
      .tuple(fc.constantFrom('none', 'None', 'HS512', 'RS256', 'HS256'), claims)
      .map(([alg, body]) => `Bearer ${base64urlJson({ alg, typ: 'JWT' })}.${base64urlJson(body)}.`),
    claims.map((body) => `Bearer ${signJwt(body, 'not-the-secret-but-just-as-long-as-the-real-one')}`),
    claims.map((body) => `Bearer ${signJwt({ ...body, exp: expired }, jwtSecret)}`),
  );
}

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/vnd.pgrst.object+json',
  'text/csv',
  '*/*',
  'json',
  '',
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
const notAString = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 2 }),
);
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
  fc
    .jsonValue({ maxDepth: 2 })
    .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
    .map((value) => JSON.stringify(value) ?? 'null'),
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
      fc
        .tuple(fc.nat({ max: real.length - 1 }), fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'))
        .map(([at, char]) => real.slice(0, at) + char + real.slice(at + 1)),
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
  fc
    .jsonValue({ maxDepth: 1 })
    .filter((value) => value !== null)
    .map((appMetadata) => ({ app_metadata: appMetadata })),
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
    .tuple(
      fc.record({ email: anyEmail, password: anyPassword, data: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }),
      userUpdatePoison,
    )
    .map(([base, poison]) => JSON.stringify({ ...base, ...poison })),
);

/**
 * Columns of public.users a user may never set on their own row, or that do not exist: presence is
 * written by the presence functions only (recorded_status), and is_online / last_seen_at are computed.
 */
const FORBIDDEN_USER_COLUMNS = [
  'id',
  'is_reader',
  'average_rating',
  'review_count',
  'level_id',
  'is_online',
  'last_seen_at',
  'created_at',
  'updated_at',
  'role',
  'no_such_column',
  'recorded_status',
  'status',
  'status_message',
  'chosen_status',
  'expires_at',
  'specialties_search',
  'server_time',
  'next_window_starts_at',
  'next_window_ends_at',
];

/** `PATCH /users?id=eq.<own id>` bodies an owner sends that must be refused: each sets a forbidden column. */
export const refusedOwnProfilePatch: fc.Arbitrary<string> = fc
  .tuple(
    fc.dictionary(fc.constantFrom('display_name', 'bio', 'avatar_url', 'specialties'), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
    fc.constantFrom(...FORBIDDEN_USER_COLUMNS),
    fc.jsonValue({ maxDepth: 1 }),
  )
  .map(([allowed, column, value]) => JSON.stringify({ ...allowed, [column]: value }));

// ------------------------------------------------------------------------------------------------
// The presence surface (issue 12): reader_cards, set_reader_status, reader_heartbeat, my_presence
// ------------------------------------------------------------------------------------------------

/** A request through the gateway; the sender adds the apikey. */
export interface ApiRequest {
  method: string;
  /** Path and query under the API URL, e.g. `/rest/v1/reader_cards?select=id`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Every presence row, as one JSON text for the superuser to compare before and after a request:
 * devices, choices, the audit log and each user's recorded status. No refused request may change it.
 */
export const PRESENCE_STATE_SQL = `
  select json_build_object(
    'reader_devices', (select coalesce(json_agg(d order by d.session_id), '[]') from private.reader_devices d),
    'reader_presence', (select coalesce(json_agg(p order by p.reader_id), '[]') from private.reader_presence p),
    'presence_audit_log', (select coalesce(json_agg(a order by a.id), '[]') from public.presence_audit_log a),
    'recorded_status', (select coalesce(json_object_agg(u.id, u.recorded_status order by u.id), '{}') from public.users u)
  )::text as state`;

/** What a card on the readers page shows, and the level it embeds (issue 12). */
export const READER_CARD_COLUMNS =
  'id,display_name,avatar_url,specialties,average_rating,review_count,status,status_message,is_online,last_seen_at,server_time';
export const READER_LEVEL_COLUMNS = 'id,name,color_theme,icon,base_price_per_minute,description';
/** The readers page's first page: reader_cards in directory order, 24 at a time. */
export const READERS_PAGE_PATH =
  `/rest/v1/reader_cards?select=${READER_CARD_COLUMNS},readerLevel:level_id(${READER_LEVEL_COLUMNS})` +
  '&order=recorded_status.asc,average_rating.desc,id.asc&limit=24';

export const PRESENCE_STATUSES: readonly string[] = ['available', 'busy', 'away', 'offline'];
const STATUS_ARGS = ['status', 'message', 'expires_at'];

/**
 * Profiles naming a schema PostgREST does not expose (it serves public only): PostgREST must refuse
 * them (406 PGRST106) before it looks at anything else. PostgREST trims the value, so no padding;
 * ASCII only, as fetch sends other characters as single bytes that are not UTF-8, which PostgREST
 * answers with a text/plain 500 (a known defect: tests/integration/stack/presence-surface.test.ts).
 */
export const FOREIGN_PROFILES = [
  'private',
  'auth',
  'extensions',
  'pg_catalog',
  'information_schema',
  'storage',
  'graphql_public',
  'supabase_migrations',
  'cron',
  'pg_toast',
  'PUBLIC',
  'Public',
  'public,private',
  'private,public',
  'public;private',
  '"public"',
];

const tokenChars = (text: string) => [...text];
const MESSAGE_CHARS = tokenChars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,:;!?-\'"()/&éçøßЖж漢字🔮✨🌙');
/** Code points PostgreSQL's [[:cntrl:]] matches (C0, DEL, C1), and NUL, which text cannot hold. */
const CONTROL_CHARS = [...Array.from({ length: 32 }, (_, code) => String.fromCharCode(code)), '\x7f', '\x80', '\x85', '\x9b', '\x9f'];

const visibleText = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...MESSAGE_CHARS), minLength, maxLength });

/** A message set_reader_status accepts: 1-80 code points, visible, one line. */
const statusMessage: fc.Arbitrary<string> = fc
  .tuple(visibleText(1, 60), fc.array(fc.constant(' '), { maxLength: 3 }), visibleText(0, 15))
  .map(([head, spaces, tail]) => `${head}${spaces.join('')}${tail}`);

/** An end time set_reader_status accepts: between 5 minutes and 23 hours ahead (when generated). */
const futureExpiry = fc.integer({ min: 5 * 60, max: 23 * 3600 }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString());

/** Arguments set_reader_status accepts from a reader (blank messages mean none). */
export const statusArgs: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    status: fc.constantFrom(...PRESENCE_STATUSES),
    message: fc.oneof(fc.constant(null), fc.constantFrom('', '   '), statusMessage),
    expires_at: fc.oneof(fc.constant(null), futureExpiry),
  },
  { requiredKeys: ['status'] },
);

const notAStatus: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }).filter((text) => !PRESENCE_STATUSES.includes(text)),
  fc.constantFrom('BUSY', 'Busy', ' busy', 'busy ', 'available\u0000', 'online', 'invisible', 'offline;', "busy'--", 'busy,away', '{busy}', ''),
  fc.constant(null),
  fc.integer(),
  fc.boolean(),
  fc.array(fc.constantFrom(...PRESENCE_STATUSES), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('status', 'value', ''), fc.constantFrom(...PRESENCE_STATUSES), { maxKeys: 2 }),
);

/** Messages the status_message domain refuses: over 80 code points, a control character, NUL, or huge. */
const refusedMessage: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: visibleText(81, 400) },
  {
    weight: 4,
    arbitrary: fc.tuple(visibleText(1, 30), fc.constantFrom(...CONTROL_CHARS), visibleText(0, 30)).map(([head, control, tail]) => `${head}${control}${tail}`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 300_000 }).map((length) => 'm'.repeat(length)) },
);

const SECONDS_PER_YEAR = 365 * 24 * 3600;

/** End times set_reader_status refuses: past, over 24 hours ahead, out of range, not times at all. */
const refusedExpiry: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 60, max: 50 * SECONDS_PER_YEAR }).map((seconds) => new Date(Date.now() - seconds * 1000).toISOString()),
  fc.integer({ min: 25 * 3600, max: 200 * SECONDS_PER_YEAR }).map((seconds) => new Date(Date.now() + seconds * 1000).toISOString()),
  fc.constantFrom(
    'infinity',
    '-infinity',
    'epoch',
    'now',
    'today',
    'yesterday',
    'not a date',
    '',
    ' ',
    '2026-13-45',
    '2026-12-01T25:00:00Z',
    '12:00',
    '294277-01-01',
    '0001-01-01 BC',
    '9999-12-31T23:59:59Z',
    'NaN',
    'null',
    '1970-01-01T00:00:00Z',
    '2026-12-01T00:00:00\u0000',
  ),
  fc.constantFrom(0, -1, 1.5, 1e99, 12_345, true, false),
  fc.constantFrom([], {}, ['2030-01-01'], { at: '2030-01-01' }),
);

/** A name that is none of `known` (PostgREST then finds no function with that argument: 404). */
const unknownArgName = (known: string[]) => fc.string({ minLength: 1, maxLength: 16 }).filter((name) => !known.includes(name));

/** One thing that makes set_reader_status refuse a call, whatever the other arguments say. */
const statusPoison: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  notAStatus.map((status) => ({ status })),
  refusedMessage.map((message) => ({ message })),
  refusedExpiry.map((expires_at) => ({ expires_at })),
  fc.tuple(unknownArgName(STATUS_ARGS), fc.jsonValue({ maxDepth: 1 })).map(([name, value]) => ({ [name]: value })),
);

/** `POST /rpc/set_reader_status` bodies that a reader signed in with a live session must be refused (4xx). */
export const refusedStatusBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(statusArgs, statusPoison).map(([args, poison]) => JSON.stringify({ ...args, ...poison })) },
  // No status: PostgREST finds no function without it.
  { weight: 1, arbitrary: statusArgs.map(({ status: _, ...rest }) => JSON.stringify(rest)) },
  // Not an object of arguments (an array of them is a call per element; its first must still be refused).
  { weight: 1, arbitrary: fc.constantFrom('[]', 'null', '1', '"busy"', 'true', '{}', '[1]', '[[]]', '[{"status":"bogus"}]', '[{"status":null}]') },
);

const IDLE_ARGS = ['idle_seconds'];

/** idle_seconds a heartbeat accepts (clamped by the function to 0..86400). */
export const acceptedIdleSeconds: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.constantFrom(0, 1, 59, 600, 86_400, 86_401, null, '5', ' 7 ', '-3', '+4', '0600', '0x10', '1_000'),
);

/** idle_seconds a heartbeat refuses: out of integer range, fractions, words, other JSON types. */
const refusedIdleSeconds: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: -(2 ** 31) - 1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((value) => !Number.isInteger(value)),
  fc.constantFrom(1e21, -1e21, 1e308),
  // PostgreSQL 16+ reads '0x10', '0o7' and '1_000' as integers, so they are not here.
  fc.constantFrom('x', '', '1.5', '1e3', '0x', 'NaN', 'Infinity', '--1', '1 2', '١', '2147483648', '-2147483649', 'null', 'true', '5s', '\u00005'),
  fc.boolean(),
  fc.array(fc.integer({ min: 0, max: 60 }), { maxLength: 2 }),
  fc.dictionary(fc.constantFrom('idle_seconds', 'seconds', ''), fc.integer({ min: 0, max: 60 }), { maxKeys: 2 }),
);

/** `POST /rpc/reader_heartbeat` bodies a reader may send. */
export const acceptedHeartbeatBody: fc.Arbitrary<string> = fc.oneof(
  fc.constant('{}'),
  acceptedIdleSeconds.map((idle) => JSON.stringify({ idle_seconds: idle })),
);

/** `POST /rpc/reader_heartbeat` bodies that a reader signed in with a live session must be refused (4xx). */
export const refusedHeartbeatBody: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: refusedIdleSeconds.map((idle) => JSON.stringify({ idle_seconds: idle })) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.option(acceptedIdleSeconds, { nil: undefined }), unknownArgName(IDLE_ARGS), fc.jsonValue({ maxDepth: 1 }))
      .map(([idle, name, value]) => JSON.stringify({ ...(idle === undefined ? {} : { idle_seconds: idle }), [name]: value })),
  },
);

/** Arguments to a function that takes none (my_presence, reader_go_offline): PostgREST finds no such function. */
export const unknownArgsBody: fc.Arbitrary<string> = fc
  .dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.jsonValue({ maxDepth: 1 }), { minKeys: 1, maxKeys: 3 })
  .map((args) => JSON.stringify(args));

/** Who is who in a presence attack: a reader signed in with a live session, another reader, a client. */
export interface PresenceCast {
  jwtSecret: string;
  reader: { id: string; sessionId: string; accessToken: string };
  /** Another reader; none of `foreignSessionIds` or the reader's session is theirs. */
  otherReaderId: string;
  /** A signed-in non-reader. */
  client: { id: string; accessToken: string };
  /** Sessions that are not the reader's: unknown, ended, another user's. */
  foreignSessionIds: string[];
}

const NO_USER = '00000000-0000-4000-8000-000000000000';

function signedToken(cast: PresenceCast, claims: Record<string, unknown>): string {
  const exp = Math.floor(Date.now() / 1000) + 3_600;
  return `Bearer ${signJwt({ aud: 'authenticated', exp, ...claims }, cast.jwtSecret)}`;
}

/**
 * `Authorization` of someone who is not a reader signed in with a session of their own: every
 * presence RPC must refuse them (42501), whatever the body. Includes tokens signed with the real
 * secret: no session_id, one that is no uuid, a non-reader presenting the reader's live session, the
 * reader's claims under roles that may not call presence functions, and expired ones.
 */
export function presenceStrangerAuthorization(cast: PresenceCast): fc.Arbitrary<string | undefined> {
  const reader = { sub: cast.reader.id, role: 'authenticated' };
  const expired = Math.floor(Date.now() / 1000) - 60;
  return fc.oneof(
    forgedAuthorization(cast.jwtSecret, cast.reader.id),
    fc.constant(`Bearer ${cast.client.accessToken}`),
    fc
      .constantFrom<unknown>(
        undefined,
        null,
        '',
        'x',
        42,
        {},
        [],
        true,
        `${cast.reader.sessionId} `,
        `{${cast.reader.sessionId}}`,
        cast.reader.sessionId.replaceAll('-', ''),
      )
      .map((sessionId) => signedToken(cast, sessionId === undefined ? reader : { ...reader, session_id: sessionId })),
    fc
      .constantFrom(cast.client.id, NO_USER, 'not-a-uuid', '')
      .map((sub) => signedToken(cast, { sub, role: 'authenticated', session_id: cast.reader.sessionId })),
    fc
      .constantFrom<string | undefined>('anon', 'service_role', 'authenticator', 'postgres', 'supabase_auth_admin', 'no_such_role', '', undefined)
      .map((role) => signedToken(cast, { sub: cast.reader.id, session_id: cast.reader.sessionId, ...(role === undefined ? {} : { role }) })),
    fc.constant(signedToken(cast, { ...reader, session_id: cast.reader.sessionId, exp: expired })),
  );
}

/**
 * `Authorization` of a reader whose token names a session that is not theirs (unknown, ended,
 * another user's), or the reader's live session under another reader's id: signed with the real
 * secret, as only a leaked secret or an ended session's token could be.
 */
export function presenceWrongSessionAuthorization(cast: PresenceCast): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(cast.reader.id, cast.otherReaderId), fc.constantFrom(...cast.foreignSessionIds, cast.reader.sessionId))
    .filter(([sub, session]) => !(sub === cast.reader.id && session === cast.reader.sessionId))
    .map(([sub, session]) => signedToken(cast, { sub, role: 'authenticated', session_id: session }));
}

const PRESENCE_RPCS = ['set_reader_status', 'reader_heartbeat', 'my_presence', 'reader_go_offline'];

const rpcPrefer = fc.option(
  fc.constantFrom(
    'return=representation',
    'return=minimal',
    'params=single-object',
    'params=multiple-objects',
    'tx=rollback',
    'tx=commit',
    'count=exact',
    'handling=strict',
    'handling=strict, tx=commit',
    'max-affected=0',
    'x',
  ),
  { nil: undefined },
);

/** encodeURIComponent of `text`, lone surrogates (which it cannot encode) as U+FFFD, as fetch would send them. */
function encodeQueryPart(text: string): string {
  return encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));
}

/** The query string of a GET call with `args` (a JSON object's keys and values). */
function argsQuery(body: string): string {
  let args: unknown;
  try {
    args = JSON.parse(body);
  } catch {
    return '';
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return '';
  const pairs = Object.entries(args).map(
    ([key, value]) => `${encodeQueryPart(key)}=${encodeQueryPart(typeof value === 'string' ? value : JSON.stringify(value))}`,
  );
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

interface CallShape {
  name: string;
  method: string;
  authorization: string | undefined;
  body: string;
  contentType: string;
  prefer: string | undefined;
  profile: string | undefined;
}

function callRequest({ name, method, authorization, body, contentType: type, prefer, profile }: CallShape): ApiRequest {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  if (prefer !== undefined) headers.prefer = prefer;
  if (method === 'GET') {
    if (profile !== undefined) headers['accept-profile'] = profile;
    return { method, path: `/rest/v1/rpc/${name}${argsQuery(body)}`, headers };
  }
  headers['content-type'] = type;
  if (profile !== undefined) headers['content-profile'] = profile;
  return { method, path: `/rest/v1/rpc/${name}`, headers, body };
}

/**
 * Calls of the presence RPCs that must be refused with a 4xx and change nothing: as anyone who is
 * not a reader with a session of their own (any RPC, any body, valid ones included); a heartbeat or
 * a status naming a session that is not the reader's; the reader with arguments that must be
 * refused; the reader with valid arguments but a profile naming another schema.
 *
 * Not here: my_presence and reader_go_offline with a session that is not the reader's, which they
 * accept today (a known defect, pinned in tests/integration/stack/presence-surface.test.ts), and
 * arguments of another JSON type that PostgreSQL reads as valid (a message of 123, an end time
 * wrapped in an object), which that file pins as accepted.
 */
export function refusedPresenceCall(cast: PresenceCast): fc.Arbitrary<ApiRequest> {
  const readerToken = fc.constant(`Bearer ${cast.reader.accessToken}`);
  const json = fc.constant('application/json');
  const noProfile = fc.constant(undefined);
  const anyValidBody = fc.oneof(
    statusArgs.map((args) => JSON.stringify(args)),
    acceptedHeartbeatBody,
    fc.constant('{}'),
  );
  const shape = (
    name: fc.Arbitrary<string>,
    authorization: fc.Arbitrary<string | undefined>,
    body: fc.Arbitrary<string>,
    options: { method?: fc.Arbitrary<string>; type?: fc.Arbitrary<string>; profile?: fc.Arbitrary<string | undefined> } = {},
  ) =>
    fc
      .record({
        name,
        method: options.method ?? fc.constant('POST'),
        authorization,
        body,
        contentType: options.type ?? json,
        prefer: rpcPrefer,
        profile: options.profile ?? noProfile,
      })
      .map(callRequest);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: shape(fc.constantFrom(...PRESENCE_RPCS), presenceStrangerAuthorization(cast), fc.oneof(anyValidBody, junkBody), {
        method: fc.constantFrom('POST', 'POST', 'POST', 'GET'),
        type: contentType,
        profile: fc.option(fc.constantFrom('public', ...FOREIGN_PROFILES), { nil: undefined }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.oneof(
        shape(fc.constant('reader_heartbeat'), presenceWrongSessionAuthorization(cast), acceptedHeartbeatBody),
        shape(
          fc.constant('set_reader_status'),
          presenceWrongSessionAuthorization(cast),
          statusArgs.map((args) => JSON.stringify(args)),
        ),
      ),
    },
    { weight: 3, arbitrary: shape(fc.constant('set_reader_status'), readerToken, refusedStatusBody) },
    { weight: 2, arbitrary: shape(fc.constant('reader_heartbeat'), readerToken, refusedHeartbeatBody) },
    { weight: 1, arbitrary: shape(fc.constantFrom('my_presence', 'reader_go_offline'), readerToken, unknownArgsBody) },
    {
      weight: 1,
      // Valid arguments (or another function's, refused anyway): the profile alone must refuse it.
      arbitrary: shape(fc.constantFrom(...PRESENCE_RPCS), readerToken, anyValidBody, { profile: fc.constantFrom(...FOREIGN_PROFILES) }),
    },
  );
}

// reader_cards: what a visitor may ask of the view, and what they must not get.

/** Columns of public.reader_cards. */
export const READER_CARDS_COLUMNS = [
  'id',
  'display_name',
  'avatar_url',
  'bio',
  'specialties',
  'average_rating',
  'review_count',
  'level_id',
  'status',
  'status_message',
  'is_online',
  'last_seen_at',
  'recorded_status',
  'specialties_search',
  'server_time',
  'next_window_starts_at',
  'next_window_ends_at',
];
/** Names that are no column of the view: the private tables' columns, auth's, typos, qualified names. */
const NOT_CARD_COLUMNS = [
  'chosen_status',
  'expires_at',
  'chosen_at',
  'last_heard_at',
  'last_input_at',
  'live_devices',
  'session_id',
  'reader_id',
  'is_reader',
  'created_at',
  'updated_at',
  'email',
  'encrypted_password',
  'nope',
  'ID',
  'Status',
  'users.id',
  'private.reader_devices.session_id',
  'auth.uid',
];
/** `value` one time in `oneIn`, else undefined (fc.option's freq counts the other way). */
const sometimes = <T>(value: fc.Arbitrary<T>, oneIn: number) =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });

/** Mostly what a client may ask, sometimes something it may not: `hostile` one time in `1 + usual weight`. */
const mostly = <T>(usual: fc.Arbitrary<T>, hostile: fc.Arbitrary<T>, usualWeight = 12) =>
  fc.oneof({ weight: usualWeight, arbitrary: usual }, { weight: 1, arbitrary: hostile });

const selectItem: fc.Arbitrary<string> = mostly(
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...READER_CARDS_COLUMNS) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '*',
        `readerLevel:level_id(${READER_LEVEL_COLUMNS})`,
        'level_id(*)',
        'reader_levels(name)',
        'readerLevel:level_id!inner(name)',
        'alias:id',
        'id::text',
        'specialties->>0',
      ),
    },
  ),
  fc.oneof(
    fc.constantFrom(...NOT_CARD_COLUMNS),
    fc.constantFrom(
      'recorded_status::int',
      'server_time::date',
      'bio->>x',
      'session_id:id',
      'count()',
      'id.sum()',
      'average_rating.max()',
      'status::presence_status',
      'display_name::bytea',
      'status::private.nope',
      'server_time::text::int',
    ),
    fc.constantFrom(
      'users(*)',
      'users(recorded_status)',
      'reader_devices(*)',
      'reader_presence(*)',
      'reader_presence_now(*)',
      'presence_audit_log(*)',
      'private.reader_devices(*)',
      'auth.users(*)',
      'reader_directory_stats(*)',
      'sessions(*)',
      '...level_id(name)',
      'level_id(reader_cards(id))',
      'level_id(users(id,recorded_status))',
      'level_id(reader_cards(id,level_id(id)))',
      'level_id(reader_devices(*))',
      'level_id!left(*)',
    ),
  ),
);
const USUAL_OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'like',
  'ilike',
  'match',
  'imatch',
  'in',
  'is',
  'cs',
  'ov',
  'fts',
  'not.eq',
  'not.in',
  'not.is',
];
const ODD_OPERATORS = ['isdistinct', 'plfts', 'phfts', 'wfts', 'fts(xx_nope)', 'cd', 'sl', 'sr', 'nxr', 'nxl', 'adj', 'eq(any)', 'like(all)', 'nope', ''];
const FILTER_VALUES = [
  'available',
  'busy',
  'offline',
  'null',
  'true',
  'unknown',
  'infinity',
  '-infinity',
  'now()',
  'not a date',
  '(a+)+$',
  '((((a*)*)*)*)*b',
  '(a|aa)*c',
  '(a*)*\\1\\1b',
  '*love*',
  '%',
  '\\',
  "'",
  '"',
  '{love}',
  '{',
  '(',
  '(1,2',
  '()',
  '(available,busy)',
  '("a\\"",b)',
  '1e999',
  '99999999999999999999',
  '-1',
  '😀',
  'ǅ',
  ',',
  '.',
  "'a' & !!!",
  'a:*',
  '11111111-1111-4111-8111-111111111111',
  '[1,2)',
  '{"a":1}',
  '4.5',
  '2026-12-01T00:00:00Z',
];
const filterColumn = mostly(
  fc.constantFrom(...READER_CARDS_COLUMNS),
  fc.oneof(fc.constantFrom(...NOT_CARD_COLUMNS), fc.constantFrom('readerLevel.name', 'reader_levels.name', 'specialties->>0', 'bio->x')),
);
const filterOperator = mostly(fc.constantFrom(...USUAL_OPERATORS), fc.constantFrom(...ODD_OPERATORS));
const filterValue = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FILTER_VALUES) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) });
const filterPair: fc.Arbitrary<string> = fc
  .tuple(filterColumn, filterOperator, filterValue)
  .map(([column, operator, value]) => `${encodeQueryPart(column)}=${encodeQueryPart(operator === '' ? value : `${operator}.${value}`)}`);

/** or/and trees of filters, a few levels deep (deep ones cost the database time, not PostgREST). */
const logicTree: fc.Arbitrary<string> = fc
  .letrec<{ node: string; leaf: string }>((tie) => ({
    leaf: fc
      .tuple(filterColumn, filterOperator, fc.constantFrom(...FILTER_VALUES.slice(0, 20)))
      .map(([column, operator, value]) => `${column}.${operator}.${value}`),
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc
        .tuple(fc.constantFrom('or', 'and', 'not.or', 'not.and'), fc.array(tie('node'), { minLength: 1, maxLength: 3 }))
        .map(([op, items]) => `${op}(${items.join(',')})`),
    ),
  }))
  .node.map((tree) => {
    const top = /^(not\.)?(or|and)\((.*)\)$/s.exec(tree);
    return top ? `${top[1] ?? ''}${top[2]}=${encodeQueryPart(`(${top[3]})`)}` : `or=${encodeQueryPart(`(${tree})`)}`;
  });

const orderTerm: fc.Arbitrary<string> = fc
  .tuple(
    mostly(
      fc.constantFrom(...READER_CARDS_COLUMNS),
      fc.oneof(
        fc.constantFrom(...NOT_CARD_COLUMNS),
        fc.constantFrom(
          'lower(display_name)',
          'average_rating*2',
          'random()',
          'recorded_status::text',
          'id desc',
          'readerLevel(name)',
          'level_id(name)',
          'specialties->0',
          '1',
          '(select 1)',
          'server_time-1',
          '',
        ),
      ),
    ),
    mostly(fc.constantFrom('', '.asc', '.desc', '.nullsfirst', '.desc.nullslast'), fc.constantFrom('.sideways', '.asc.desc', '.', '..desc')),
  )
  .map(([term, direction]) => `${term}${direction}`);

const USUAL_RANGE_NUMBERS = ['0', '1', '5', '24', '1000'];
const ODD_RANGE_NUMBERS = ['1001', '99999999', '99999999999999999999', '-1', '1e3', '1.5', 'x', '', 'null', ' 5', '0x10'];
const rangeNumber = mostly(fc.constantFrom(...USUAL_RANGE_NUMBERS), fc.constantFrom(...ODD_RANGE_NUMBERS), 4);

const cardsQuery: fc.Arbitrary<string> = fc
  .tuple(
    fc.option(
      fc.array(selectItem, { minLength: 1, maxLength: 4 }).map((items) => `select=${encodeQueryPart(items.join(','))}`),
      { nil: undefined, freq: 4 },
    ),
    fc.array(fc.oneof({ weight: 3, arbitrary: filterPair }, { weight: 1, arbitrary: logicTree }), { maxLength: 2 }),
    fc.option(
      fc.array(orderTerm, { minLength: 1, maxLength: 3 }).map((terms) => `order=${encodeQueryPart(terms.join(','))}`),
      { nil: undefined },
    ),
    fc.option(
      rangeNumber.map((value) => `limit=${encodeQueryPart(value)}`),
      { nil: undefined },
    ),
    fc.option(
      rangeNumber.map((value) => `offset=${encodeQueryPart(value)}`),
      { nil: undefined, freq: 2 },
    ),
  )
  .map(([select, filters, order, limit, offset]) => {
    const parts = [select, ...filters, order, limit, offset].filter((part): part is string => part !== undefined);
    return parts.length === 0 ? '' : `?${parts.join('&')}`;
  });

const CARDS_ACCEPT = [
  'application/json',
  'text/csv',
  'application/vnd.pgrst.object+json',
  'application/vnd.pgrst.plan+json',
  'application/vnd.pgrst.plan+json; for="application/json"; options=analyze|verbose',
  'application/geo+json',
  'application/openapi+json',
  'text/html',
  '*/*',
  'application/octet-stream',
  'text/plain',
  'application/vnd.pgrst.array+json;nulls=stripped',
];
const CARDS_PREFER = [
  'count=exact',
  'count=planned',
  'count=estimated',
  'handling=strict',
  'handling=strict, count=bogus',
  'return=representation',
  'max-affected=1',
  'timezone=America/New_York',
  'timezone=Nope/Nowhere',
  'handling=strict, timezone=Nope/Nowhere',
];
const CARDS_RANGE = ['0-0', '10-5', '0-99999999999', 'items=0-1', 'x', '-1', '0-'];

/** A GET (or HEAD) of reader_cards with a hostile query and headers. `profile`: the Accept-Profile sent, if any. */
export interface CardsRead extends ApiRequest {
  profile: string | undefined;
  accept: string | undefined;
}

/**
 * Reads of public.reader_cards a visitor, a client or a reader could send with hostile selects,
 * filters, orders, ranges, media types and profiles. Each may be refused (4xx) or read (2xx);
 * nothing may fail (5xx), and a foreign profile must always be refused.
 */
export function hostileCardsRead(authorization: fc.Arbitrary<string | undefined>): fc.Arbitrary<CardsRead> {
  return fc
    .record({
      method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD'),
      query: cardsQuery,
      authorization,
      accept: sometimes(fc.constantFrom(...CARDS_ACCEPT), 4),
      profile: sometimes(fc.constantFrom('public', ...FOREIGN_PROFILES), 4),
      prefer: sometimes(fc.constantFrom(...CARDS_PREFER), 4),
      range: sometimes(fc.constantFrom(...CARDS_RANGE), 6),
    })
    .map(({ method, query, authorization: bearer, accept, profile, prefer, range }) => {
      const headers: Record<string, string> = {};
      if (bearer !== undefined) headers.authorization = bearer;
      if (accept !== undefined) headers.accept = accept;
      if (profile !== undefined) headers['accept-profile'] = profile;
      if (prefer !== undefined) headers.prefer = prefer;
      if (range !== undefined) headers.range = range;
      return { method, path: `/rest/v1/reader_cards${query}`, headers, profile, accept };
    });
}

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
  {
    weight: 1,
    arbitrary: fc.tuple(rawBody, fc.integer({ min: 1, max: 1_000_000 })).map(([body, missing]) => ({ kind: 'short-body' as const, body, missing })),
  },
  { weight: 2, arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 }).map((chunks) => ({ kind: 'chunked' as const, chunks })) },
  {
    weight: 1,
    arbitrary: fc.array(fc.string({ minLength: 1, maxLength: 30 }), { maxLength: 3 }).map((chunks) => ({ kind: 'chunked-unterminated' as const, chunks })),
  },
  // Starting with `{` (not a hex digit), a body that a lenient server reads as chunked is refused at once, not waited for.
  { weight: 3, arbitrary: fatalFraming(rawBody.map((body) => `{${body}`)) },
);

const rawMethod: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'get',
      'Get',
      'G ET',
      'GET\0',
      'CONNECT',
      'TRACE',
      'PRI',
      'PROPFIND',
      'M-SEARCH',
      'BREW',
      'QUERY',
      '',
      ' ',
      'GET GET',
      'X'.repeat(3_000),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }) },
);

/** Targets that have crashed URL parsers (`new URL` throws on them) or turned gateways into proxies. */
const URL_BREAKERS = [
  '//[',
  '//[/',
  'http://[',
  'http://[/',
  '//[::1',
  '//[::1]:x/',
  '//@',
  '//:',
  '//a:99999/',
  '//%',
  '\\\\[',
  '/\\/[',
  'http://',
  'http://a b/',
  '/rest/v1//[',
  '/rest/v1/\\[',
  '/rest/v1//:99999/',
  '/auth/v1//[',
  '/rest/v1//evil.example/x',
  '/rest/v1/\\evil.example/x',
];

const OTHER_TARGETS = [
  '/',
  '*',
  '//',
  '/\\',
  '\\',
  'http://127.0.0.1/rest/v1/users',
  'https://evil.example/',
  'http://user@evil.example:1/',
  '127.0.0.1:80',
  '/%',
  '/rest/v1/%zz',
  '/auth/v1/..%2f..%2f',
  '/auth/v1/%2e%2e/%2e%2e/',
  '?',
  '#',
  '',
  ' ',
  '/\0',
  '/rest/v1/users?select=*,(',
  '/auth/v1/token?grant_type=password%00',
  `/${'a'.repeat(20_000)}`,
  '/rest/v1/rpc/reader_heartbeat?apikey=not-a-key',
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

const RAW_VERSIONS = [
  'HTTP/9.9',
  'HTTP/1.2',
  'HTTP/2.0',
  'HTTP/0.9',
  'http/1.1',
  'HTTP/1.1 ',
  'HTTP/1.10',
  'HTTP/',
  'HTTP/1',
  '',
  ' HTTP/1.1',
  'HTTP/1.1\0',
  'HTTP/01.1',
  'HTTP/1.1 HTTP/1.1',
];

const rawVersion: fc.Arbitrary<string> = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant('HTTP/1.1') },
  { weight: 1, arbitrary: fc.constant('HTTP/1.0') },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_VERSIONS) },
);

const RAW_HEADER_LINES = [
  'Host: 127.0.0.1',
  'Host:',
  'Host: [',
  'Host: a b',
  'Host: evil.example',
  'Connection: close',
  'Connection: keep-alive, Upgrade',
  'Upgrade: websocket',
  'Upgrade: h2c',
  'Expect: 100-continue',
  'Expect: bogus',
  'X-Forwarded-For: 1.2.3.4',
  'X-Forwarded-For: ::::',
  'apikey: not-a-key',
  'apikey:',
  'apikey: sb_publishable_',
  'Authorization: Bearer x',
  'Content-Type: application/json',
  'Accept: */*',
  `Cookie: ${'a'.repeat(4_000)}`,
  `X-Big: ${'b'.repeat(20_000)}`,
  'nocolon',
  ': empty-name',
  'Bad Name: x',
  'Tab\t: x',
  ' leading-space: x',
  'X-Fold: a',
  ' folded',
  'X-Nul: a\0b',
  'X-Del: \x7f',
  'X-Utf8: é😀',
  'X-Latin: \u00ff',
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
      .tuple(
        fc.oneof({ withCrossShrink: true }, { weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
        fc.array(rawHeaderLine, { maxLength: 4 }),
      )
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
    target: fc.constantFrom(
      '/rest/v1/rpc/get_readers_online_status',
      '/auth/v1/token?grant_type=password',
      '/rest/v1/rpc/reader_directory_summary',
      '/rest/v1/rpc/reader_heartbeat',
      '/rest/v1/rpc/set_reader_status',
    ),
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
