/**
 * The presence surface of issue 12 (reader_cards, set_reader_status, reader_heartbeat, my_presence,
 * reader_go_offline, schema private) attacked by hand, through the gateway, where the answer can be
 * named exactly: each refusal's status and SQLSTATE, and every presence row as it was afterwards.
 * The fuzz suite (fuzz.test.ts) throws the same kinds of input at it at random.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signJwt } from '../../../local-stack/jwt.ts';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { PRESENCE_STATE_SQL, READER_CARD_COLUMNS, READER_LEVEL_COLUMNS, READERS_PAGE_PATH } from '../../support/hostile-requests.ts';
import { approveReaderApplications } from '../../support/presence-fixtures.ts';
import { dbOf, DEMO_IDS, DEMO_PASSWORD, startTestStack, uniqueEmail } from '../../support/test-stack.ts';

let stack: RunningStack;
let db: pg.Client;

interface Session {
  userId: string;
  accessToken: string;
  sessionId: string;
}

interface Answer {
  status: number;
  body: unknown;
  text: string;
  contentType: string | null;
}

function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

function sessionFrom(body: { access_token: string; user: { id: string } }): Session {
  return { userId: body.user.id, accessToken: body.access_token, sessionId: claimsOf(body.access_token).session_id as string };
}

async function signIn(email: string, password = DEMO_PASSWORD): Promise<Session> {
  const answer = await call('POST', '/auth/v1/token?grant_type=password', { body: { email, password } });
  expect(answer.status, `sign-in of ${email}`).toBe(200);
  return sessionFrom(answer.body as never);
}

/** A reader of the test's own (sign-up metadata applies; an admin approves), signed in. */
async function newReader(): Promise<Session & { email: string }> {
  const email = uniqueEmail('presence-reader');
  const answer = await call('POST', '/auth/v1/signup', {
    body: { email, password: DEMO_PASSWORD, data: { display_name: `Test Reader ${email.split('@')[0]}`, is_reader: true } },
  });
  expect(answer.status, 'sign-up').toBe(200);
  const session = sessionFrom(answer.body as never);
  await approveReaderApplications(dbOf(stack), [session.userId]);
  return { ...session, email };
}

async function signOut(session: Session): Promise<void> {
  const answer = await call('POST', '/auth/v1/logout?scope=local', { token: session.accessToken });
  expect(answer.status, 'sign-out').toBe(204);
}

/** A token signed with the stack's secret: what a leaked secret, or a bug in auth, would allow. */
function forge(claims: Record<string, unknown>): string {
  return signJwt({ aud: 'authenticated', role: 'authenticated', exp: Math.floor(Date.now() / 1000) + 3_600, ...claims }, stack.jwtSecret);
}

async function call(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { apikey: stack.anonKey, ...options.headers };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${stack.apiUrl}${path}`, { method, headers, body, signal: AbortSignal.timeout(20_000) });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed, text, contentType: response.headers.get('content-type') };
}

const rpc = (name: string, token: string | undefined, body: unknown = {}) => call('POST', `/rest/v1/rpc/${name}`, { token, body });

async function presenceState(): Promise<string> {
  const { rows } = await db.query<{ state: string }>(PRESENCE_STATE_SQL);
  return rows[0]!.state;
}

// unknown rather than vitest's any, which would spread to the objects it is put in
const anyMessage: unknown = expect.any(String);

/** `answer` is the refusal `expected` (status and SQLSTATE / PostgREST code), with a readable message. */
function expectRefusal(answer: Answer, expected: { status: number; code?: string }, label: string): void {
  const code = (answer.body as { code?: unknown } | undefined)?.code;
  expect({ status: answer.status, ...(expected.code === undefined ? {} : { code }) }, `${label}: ${answer.text.slice(0, 300)}`).toEqual(expected);
  expect(answer.body, `${label}: a JSON error with a message`).toMatchObject({ message: anyMessage });
}

/** Runs each case and checks that it was refused as expected and that no presence row moved. */
async function expectRefusedWithoutChange(
  cases: Array<[label: string, send: () => Promise<Answer>, expected: { status: number; code?: string }]>,
): Promise<void> {
  for (const [label, send, expected] of cases) {
    const before = await presenceState();
    expectRefusal(await send(), expected, label);
    expect(await presenceState(), `${label}: presence rows`).toBe(before);
  }
}

beforeAll(async () => {
  // The minute jobs stay off: their transitions would move presence rows between before and after.
  stack = await startTestStack({ seed: true, presenceJobs: false });
  db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
});

describe('the readers page and what replaced the seed columns', () => {
  test('the readers page reads reader_cards in directory order, with the level, the status and one server time', async () => {
    const answer = await call('GET', READERS_PAGE_PATH);
    expect(answer.status).toBe(200);
    const rows = answer.body as Array<Record<string, unknown>>;
    // available (Luna 4.9, Orion 4.6: recorded available until the minute job runs), busy, offline.
    expect(rows.map((row) => row.id)).toEqual([DEMO_IDS.luna, DEMO_IDS.orion, DEMO_IDS.selene, DEMO_IDS.rowan]);
    for (const row of rows) {
      expect(Object.keys(row).sort()).toEqual([...READER_CARD_COLUMNS.split(','), 'readerLevel'].sort());
      expect(Object.keys(row.readerLevel as object).sort()).toEqual(READER_LEVEL_COLUMNS.split(',').sort());
    }
    expect(new Set(rows.map((row) => row.server_time)).size).toBe(1);
    expect(rows.find((row) => row.id === DEMO_IDS.selene)).toMatchObject({ status: 'busy', status_message: 'In a moon-cycle reading', is_online: true });
    expect(rows.find((row) => row.id === DEMO_IDS.orion)).toMatchObject({ status: 'offline', is_online: false, status_message: null });
  });

  test('users?select=id,is_online,last_seen_at still reads and filters, as computed fields', async () => {
    const answer = await call('GET', '/rest/v1/users?select=id,is_online,last_seen_at&is_online=eq.true&order=id');
    expect(answer.status).toBe(200);
    expect((answer.body as Array<{ id: string }>).map((row) => row.id)).toEqual([DEMO_IDS.luna, DEMO_IDS.selene]);
  });

  test('what issue 12 removed is refused with a 4xx, not a 500', async () => {
    for (const name of ['server_time', 'presence_online_threshold', 'count_reader_directory', 'refresh_reader_directory_stats', 'presence_caller']) {
      expectRefusal(await rpc(name, undefined), { status: 404, code: 'PGRST202' }, `rpc ${name}`);
    }
    expectRefusal(await call('GET', '/rest/v1/users?select=id,specialties_search'), { status: 400, code: '42703' }, 'users.specialties_search');
    expectRefusal(await call('GET', '/rest/v1/reader_directory_stats'), { status: 404 }, 'the old public stats table');
    const luna = await signIn('luna@demo.test');
    await expectRefusedWithoutChange([
      [
        'PATCH users is_online',
        () => call('PATCH', `/rest/v1/users?id=eq.${DEMO_IDS.luna}`, { token: luna.accessToken, body: { is_online: true } }),
        { status: 400, code: 'PGRST204' },
      ],
      [
        'PATCH users recorded_status',
        () => call('PATCH', `/rest/v1/users?id=eq.${DEMO_IDS.luna}`, { token: luna.accessToken, body: { recorded_status: 'offline' } }),
        { status: 403, code: '42501' },
      ],
    ]);
  });
});

describe('schema private is not an API', () => {
  test('every table, view and function in it is refused by name, with or without a private profile', async () => {
    const { rows: relations } = await db.query<{ name: string }>(
      "select c.relname as name from pg_class c where c.relnamespace = 'private'::regnamespace and c.relkind in ('r', 'v', 'm', 'p', 'f') order by 1",
    );
    const { rows: functions } = await db.query<{ name: string }>(
      "select distinct p.proname as name from pg_proc p where p.pronamespace = 'private'::regnamespace order by 1",
    );
    expect(relations.map((row) => row.name)).toEqual(
      expect.arrayContaining(['reader_devices', 'reader_presence', 'reader_presence_now', 'reader_directory_stats']),
    );
    expect(functions.length).toBeGreaterThan(10);
    const luna = await signIn('luna@demo.test');
    const before = await presenceState();
    for (const token of [undefined, luna.accessToken]) {
      const who = token ? 'a reader' : 'anon';
      for (const { name } of relations) {
        for (const method of ['GET', 'POST', 'PATCH', 'DELETE']) {
          const body = method === 'GET' || method === 'DELETE' ? undefined : {};
          const profile = method === 'GET' ? 'accept-profile' : 'content-profile';
          expectRefusal(
            await call(method, `/rest/v1/${name}`, { token, body, headers: { [profile]: 'private' } }),
            { status: 406, code: 'PGRST106' },
            `${who}: ${method} private.${name}`,
          );
          // Not exposed, so not found in public (PostgREST 12 answers 42P01 for an unknown table).
          expectRefusal(await call(method, `/rest/v1/${name}`, { token, body }), { status: 404 }, `${who}: ${method} ${name} without a profile`);
        }
      }
      for (const { name } of functions) {
        expectRefusal(
          await call('POST', `/rest/v1/rpc/${name}`, { token, body: {}, headers: { 'content-profile': 'private' } }),
          { status: 406, code: 'PGRST106' },
          `${who}: rpc private.${name}`,
        );
        expectRefusal(
          await call('GET', `/rest/v1/rpc/${name}`, { token, headers: { 'accept-profile': 'private' } }),
          { status: 406, code: 'PGRST106' },
          `${who}: GET rpc private.${name}`,
        );
        const plain = await rpc(name, token);
        expect([404, 400], `${who}: rpc ${name} without a profile answered ${plain.status} ${plain.text.slice(0, 200)}`).toContain(plain.status);
      }
    }
    expect(await presenceState()).toBe(before);
  });

  test('a profile naming private is refused on every public endpoint too, even with a valid call', async () => {
    const reader = await newReader();
    await expectRefusedWithoutChange([
      ['reader_cards', () => call('GET', '/rest/v1/reader_cards?select=id', { headers: { 'accept-profile': 'private' } }), { status: 406, code: 'PGRST106' }],
      [
        'heartbeat',
        () => call('POST', '/rest/v1/rpc/reader_heartbeat', { token: reader.accessToken, body: {}, headers: { 'content-profile': 'private' } }),
        { status: 406, code: 'PGRST106' },
      ],
      [
        'set_reader_status',
        () =>
          call('POST', '/rest/v1/rpc/set_reader_status', { token: reader.accessToken, body: { status: 'busy' }, headers: { 'content-profile': 'private' } }),
        { status: 406, code: 'PGRST106' },
      ],
      [
        'my_presence',
        () => call('GET', '/rest/v1/rpc/my_presence', { token: reader.accessToken, headers: { 'accept-profile': 'private' } }),
        { status: 406, code: 'PGRST106' },
      ],
      [
        'summary',
        () => call('POST', '/rest/v1/rpc/reader_directory_summary', { body: {}, headers: { 'content-profile': 'private, public' } }),
        { status: 406, code: 'PGRST106' },
      ],
    ]);
  });
});

describe('set_reader_status', () => {
  test('a reader is refused a status, message or end time outside the rules, each with its own code, and nothing changes', async () => {
    const reader = await newReader();
    // Live, so a refused change would otherwise be a transition.
    expect((await rpc('reader_heartbeat', reader.accessToken)).status).toBe(200);
    const set = (body: unknown) => () => rpc('set_reader_status', reader.accessToken, body);
    const raw = (text: string) => () => call('POST', '/rest/v1/rpc/set_reader_status', { token: reader.accessToken, rawBody: text });
    const hours = (count: number) => new Date(Date.now() + count * 3_600_000).toISOString();
    await expectRefusedWithoutChange([
      ['an unknown status', set({ status: 'invisible' }), { status: 400, code: '22P02' }],
      ['a status in capitals', set({ status: 'BUSY' }), { status: 400, code: '22P02' }],
      ['a null status', set({ status: null }), { status: 400, code: '22023' }],
      ['no status', set({ message: 'hello' }), { status: 404, code: 'PGRST202' }],
      ['a status that is an array', set({ status: ['busy'] }), { status: 400, code: '22P02' }],
      ['a status that is an object', set({ status: { value: 'busy' } }), { status: 400, code: '22P02' }],
      ['a status that is a number', set({ status: 1 }), { status: 400, code: '22P02' }],
      ['a status that is a boolean', set({ status: true }), { status: 400, code: '22P02' }],
      ['a message of 81 characters', set({ status: 'busy', message: 'm'.repeat(81) }), { status: 400, code: '23514' }],
      ['a message of 81 emoji', set({ status: 'busy', message: '🔮'.repeat(81) }), { status: 400, code: '23514' }],
      ['a message of 500,000 characters', set({ status: 'busy', message: 'm'.repeat(500_000) }), { status: 400, code: '23514' }],
      ['a message over the body limit', set({ status: 'busy', message: 'm'.repeat(2 * 1024 * 1024) }), { status: 413 }],
      ['a line break in the message', set({ status: 'busy', message: 'first\nsecond' }), { status: 400, code: '23514' }],
      ['a terminal escape in the message', set({ status: 'busy', message: '\u001b[31mred' }), { status: 400, code: '23514' }],
      ['a C1 control in the message', set({ status: 'busy', message: 'next\u0085line' }), { status: 400, code: '23514' }],
      ['a tab-only message', set({ status: 'busy', message: '\t' }), { status: 400, code: '23514' }],
      ['NUL in the message', set({ status: 'busy', message: 'a\u0000b' }), { status: 400, code: '22P05' }],
      ['an end time in the past', set({ status: 'busy', expires_at: hours(-1) }), { status: 400, code: '22023' }],
      ['an end time of now', set({ status: 'away', expires_at: 'now' }), { status: 400, code: '22023' }],
      ['an end time 25 hours ahead', set({ status: 'away', expires_at: hours(25) }), { status: 400, code: '22023' }],
      ['an end time of infinity', set({ status: 'offline', expires_at: 'infinity' }), { status: 400, code: '22023' }],
      ['an end time of -infinity', set({ status: 'available', expires_at: '-infinity' }), { status: 400, code: '22023' }],
      ['an end time past timestamptz', set({ status: 'busy', expires_at: '294277-01-01' }), { status: 400, code: '22008' }],
      ['an end time that is no time', set({ status: 'busy', expires_at: 'tomorrow-ish' }), { status: 400, code: '22007' }],
      ['an end time that is a number', set({ status: 'busy', expires_at: 12_345 }), { status: 400, code: '22007' }],
      ['an end time that is an empty object', set({ status: 'busy', expires_at: {} }), { status: 400, code: '22007' }],
      ['an end time that is an empty array', set({ status: 'busy', expires_at: [] }), { status: 400, code: '22007' }],
      ['an end time 25 hours ahead, in an object', set({ status: 'busy', expires_at: { at: hours(25) } }), { status: 400, code: '22023' }],
      ['an argument it does not take', set({ status: 'busy', reader_id: DEMO_IDS.luna }), { status: 404, code: 'PGRST202' }],
      ['no arguments at all', set({}), { status: 404, code: 'PGRST202' }],
      ['a JSON string as body', raw('"busy"'), { status: 404, code: 'PGRST202' }],
      ['an empty array as body', raw('[]'), { status: 404, code: 'PGRST202' }],
      ['an array of a refused call', raw('[{"status":"bogus"}]'), { status: 400, code: '22P02' }],
      ['broken JSON', raw('{"status":"busy"'), { status: 400, code: 'PGRST102' }],
      ['a GET (read-only)', () => call('GET', '/rest/v1/rpc/set_reader_status?status=busy', { token: reader.accessToken }), { status: 405, code: '25006' }],
    ]);
  });

  test('anyone but a reader with a session is refused, whatever the arguments', async () => {
    const casey = await signIn('client@demo.test');
    const luna = await signIn('luna@demo.test');
    const valid = { status: 'busy', message: 'Not me' };
    const as = (token: string | undefined) => () => rpc('set_reader_status', token, valid);
    await expectRefusedWithoutChange([
      ['anon', as(undefined), { status: 401, code: '42501' }],
      ['a client', as(casey.accessToken), { status: 403, code: '42501' }],
      ['a reader token without session_id', as(forge({ sub: DEMO_IDS.luna })), { status: 403, code: '42501' }],
      ['a session_id that is no uuid', as(forge({ sub: DEMO_IDS.luna, session_id: 'x' })), { status: 403, code: '42501' }],
      ['a client presenting a reader session', as(forge({ sub: DEMO_IDS.client, session_id: luna.sessionId })), { status: 403, code: '42501' }],
      ['the service role', as(forge({ sub: DEMO_IDS.luna, session_id: luna.sessionId, role: 'service_role' })), { status: 403, code: '42501' }],
      ['an expired token', as(forge({ sub: DEMO_IDS.luna, session_id: luna.sessionId, exp: 1 })), { status: 401, code: 'PGRST301' }],
      [
        'a token signed with another secret',
        as(signJwt({ sub: DEMO_IDS.luna, role: 'authenticated', session_id: luna.sessionId }, 'x'.repeat(40))),
        { status: 401, code: 'PGRST301' },
      ],
    ]);
  });

  test('a token naming a session that is not the reader’s is refused, and nothing changes', async () => {
    const luna = await signIn('luna@demo.test');
    const ended = await signIn('luna@demo.test');
    await signOut(ended);
    const choose = (token: string) => () => rpc('set_reader_status', token, { status: 'busy', message: 'Not from this session' });
    await expectRefusedWithoutChange([
      ['the token of a session that has signed out', choose(ended.accessToken), { status: 403, code: '42501' }],
      ['an unknown session', choose(forge({ sub: DEMO_IDS.luna, session_id: 'bbbbbbbb-0000-4000-8000-000000000000' })), { status: 403, code: '42501' }],
      ['another reader’s session', choose(forge({ sub: DEMO_IDS.luna, session_id: 'aaaaaaaa-4444-4444-8444-444444444444' })), { status: 403, code: '42501' }],
      ['another reader presenting Luna’s live session', choose(forge({ sub: DEMO_IDS.orion, session_id: luna.sessionId })), { status: 403, code: '42501' }],
    ]);
  });

  test('arguments of another JSON type are taken as their JSON text, within the same limits (PostgREST passes them through json_to_record)', async () => {
    // Not refusals, and harmless: the text still passes the status_message domain and the end-time
    // rules. Pinned so that a change of PostgREST (or of the parameters' types) is seen.
    const reader = await newReader();
    expect((await rpc('reader_heartbeat', reader.accessToken)).status).toBe(200);
    expect((await rpc('set_reader_status', reader.accessToken, { status: 'busy', message: 123 })).body).toMatchObject({ status_message: '123' });
    expect((await rpc('set_reader_status', reader.accessToken, { status: 'busy', message: ['x'] })).body).toMatchObject({ status_message: '["x"]' });
    // PostgreSQL's lenient timestamptz input reads the time inside '{"at": "..."}'.
    const inAnHour = new Date(Date.now() + 3_600_000);
    const wrapped = await rpc('set_reader_status', reader.accessToken, { status: 'busy', expires_at: { at: inAnHour.toISOString() } });
    expect(wrapped.status).toBe(200);
    expect(Date.parse((wrapped.body as { expires_at: string }).expires_at)).toBe(inAnHour.getTime());
    await expectRefusedWithoutChange([
      [
        'an object message over 80 characters',
        () => rpc('set_reader_status', reader.accessToken, { status: 'busy', message: { text: 'm'.repeat(80) } }),
        { status: 400, code: '23514' },
      ],
    ]);
  });

  test('too many transitions in a minute are refused with 429 (code 54000) and change nothing', async () => {
    const reader = await newReader();
    expect((await rpc('reader_heartbeat', reader.accessToken)).status).toBe(200);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const before = await presenceState();
      const answer = await rpc('set_reader_status', reader.accessToken, { status: attempt % 2 === 0 ? 'busy' : 'available' });
      statuses.push(answer.status);
      if (answer.status !== 200) {
        expectRefusal(answer, { status: 429, code: '54000' }, `attempt ${attempt}`);
        expect(await presenceState()).toBe(before);
        break;
      }
    }
    // The heartbeat's offline -> available was the first of six.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });
});

describe('reader_heartbeat', () => {
  test('idle_seconds that is no integer is refused, and nothing changes', async () => {
    const reader = await newReader();
    const beat = (body: unknown) => () => rpc('reader_heartbeat', reader.accessToken, body);
    await expectRefusedWithoutChange([
      ['2^31', beat({ idle_seconds: 2 ** 31 }), { status: 400, code: '22003' }],
      ['-2^31 - 1', beat({ idle_seconds: -(2 ** 31) - 1 }), { status: 400, code: '22003' }],
      ['1e21', beat({ idle_seconds: 1e21 }), { status: 400, code: '22P02' }],
      ['a fraction', beat({ idle_seconds: 1.5 }), { status: 400, code: '22P02' }],
      ['a word', beat({ idle_seconds: 'soon' }), { status: 400, code: '22P02' }],
      ['an empty string', beat({ idle_seconds: '' }), { status: 400, code: '22P02' }],
      ['a boolean', beat({ idle_seconds: true }), { status: 400, code: '22P02' }],
      ['an object', beat({ idle_seconds: { seconds: 5 } }), { status: 400, code: '22P02' }],
      ['an array', beat({ idle_seconds: [5] }), { status: 400, code: '22P02' }],
      ['NUL', beat({ idle_seconds: '\u00005' }), { status: 400, code: '22P05' }],
      ['an argument it does not take', beat({ idle_seconds: 0, last_seen_at: '2099-01-01T00:00:00Z' }), { status: 404, code: 'PGRST202' }],
      ['a session it does not take', beat({ session_id: DEMO_IDS.luna }), { status: 404, code: 'PGRST202' }],
    ]);
  });

  test('hostile idle_seconds it accepts are clamped: input is never in the future, nor over a day ago', async () => {
    const reader = await newReader();
    const second = await signIn(reader.email);
    const third = await signIn(reader.email);
    const cases: Array<[Session, unknown, number]> = [
      [reader, 2 ** 31 - 1, 86_400],
      [second, -(2 ** 31), 0],
      [third, null, 0],
    ];
    for (const [session, idle, expectedIdle] of cases) {
      const answer = await rpc('reader_heartbeat', session.accessToken, { idle_seconds: idle });
      expect(answer.status, `idle_seconds ${String(idle)}`).toBe(200);
      const { rows } = await db.query<{ idle: number; seen_ago: number }>(
        'select extract(epoch from d.last_seen_at - d.last_input_at)::float8 as idle, extract(epoch from now() - d.last_seen_at)::float8 as seen_ago from private.reader_devices d where d.session_id = $1',
        [session.sessionId],
      );
      expect(rows, `the device of idle_seconds ${String(idle)}`).toHaveLength(1);
      expect(rows[0]!.idle).toBeCloseTo(expectedIdle, 0);
      expect(rows[0]!.seen_ago).toBeGreaterThanOrEqual(0);
    }
    // A string of digits is read as a number, as PostgreSQL reads integers.
    const fourth = await signIn(reader.email);
    expect((await rpc('reader_heartbeat', fourth.accessToken, { idle_seconds: ' 700 ' })).status).toBe(200);
  });

  test('a token naming a session that is not the reader’s is refused, and nothing changes', async () => {
    const luna = await signIn('luna@demo.test');
    expect((await rpc('reader_heartbeat', luna.accessToken)).status).toBe(200);
    const ended = await signIn('luna@demo.test');
    await signOut(ended);
    const beat = (claims: Record<string, unknown>) => () => rpc('reader_heartbeat', forge(claims));
    await expectRefusedWithoutChange([
      ['no session_id', beat({ sub: DEMO_IDS.luna }), { status: 403, code: '42501' }],
      ['an unknown session', beat({ sub: DEMO_IDS.luna, session_id: 'bbbbbbbb-0000-4000-8000-000000000000' }), { status: 403, code: '42501' }],
      ['an ended session', beat({ sub: DEMO_IDS.luna, session_id: ended.sessionId }), { status: 403, code: '42501' }],
      ['another reader’s session', beat({ sub: DEMO_IDS.luna, session_id: 'aaaaaaaa-4444-4444-8444-444444444444' }), { status: 403, code: '42501' }],
      ['another reader presenting Luna’s live session', beat({ sub: DEMO_IDS.orion, session_id: luna.sessionId }), { status: 403, code: '42501' }],
      ['the ended session’s own token', () => rpc('reader_heartbeat', ended.accessToken), { status: 403, code: '42501' }],
    ]);
  });
});

describe('reader_go_offline', () => {
  test('a token naming another reader’s live session leaves that reader’s device alone', async () => {
    const luna = await signIn('luna@demo.test');
    expect((await rpc('reader_heartbeat', luna.accessToken)).status).toBe(200);
    const before = await presenceState();
    const answer = await rpc('reader_go_offline', forge({ sub: DEMO_IDS.orion, session_id: luna.sessionId }));
    // 403 once the session is checked (see the known defects below); 200 without a write until then.
    expect([200, 403], answer.text.slice(0, 300)).toContain(answer.status);
    expect(await presenceState()).toBe(before);
  });
});

describe('defects the attacks found, fixed (each was a failing test first)', () => {
  // Presence RPCs need a session that exists and is the reader's (42501 otherwise); my_presence and
  // reader_go_offline used not to check it (private.presence_caller does now).
  test('my_presence and reader_go_offline refuse a token naming a session that has ended or is not the reader’s', async () => {
    const luna = await signIn('luna@demo.test');
    expect((await rpc('reader_heartbeat', luna.accessToken)).status).toBe(200);
    const ended = await signIn('luna@demo.test');
    await signOut(ended);
    const orionWithLunasSession = forge({ sub: DEMO_IDS.orion, session_id: luna.sessionId });
    await expectRefusedWithoutChange([
      ['my_presence, ended session', () => rpc('my_presence', ended.accessToken), { status: 403, code: '42501' }],
      ['reader_go_offline, ended session', () => rpc('reader_go_offline', ended.accessToken), { status: 403, code: '42501' }],
      ['my_presence, another reader’s session', () => rpc('my_presence', orionWithLunasSession), { status: 403, code: '42501' }],
      ['reader_go_offline, another reader’s session', () => rpc('reader_go_offline', orionWithLunasSession), { status: 403, code: '42501' }],
    ]);
  });

  // PostgreSQL refuses writes to a join view with 55000 ("cannot insert into view") before it checks
  // privileges, which PostgREST answered with a 500; INSTEAD OF triggers on public.reader_cards let
  // the missing privilege answer first (42501: 401 for anon, 403 otherwise).
  test('writes to reader_cards are refused with 401/403, not a 500', async () => {
    const luna = await signIn('luna@demo.test');
    const card = `/rest/v1/reader_cards?id=eq.${DEMO_IDS.luna}`;
    await expectRefusedWithoutChange([
      ['anon POST', () => call('POST', '/rest/v1/reader_cards', { body: { id: DEMO_IDS.luna, status: 'busy' } }), { status: 401, code: '42501' }],
      ['anon PATCH', () => call('PATCH', card, { body: { status: 'busy' } }), { status: 401, code: '42501' }],
      ['reader PATCH of her own card', () => call('PATCH', card, { token: luna.accessToken, body: { status_message: 'hi' } }), { status: 403, code: '42501' }],
      ['reader PUT', () => call('PUT', card, { token: luna.accessToken, body: { id: DEMO_IDS.luna } }), { status: 403, code: '42501' }],
      ['reader DELETE', () => call('DELETE', card, { token: luna.accessToken }), { status: 403, code: '42501' }],
    ]);
  });

  // PostgREST 12 decodes request headers as UTF-8 and fails on other bytes: a text/plain "Something
  // went wrong" 500 (an Accept header: a broken response, which the gateway answered 502). fetch
  // sends U+00E9 as the single byte 0xE9. The gateway refuses such values with a 400 JSON error.
  test('header values that are not UTF-8 get a 400 JSON error, not PostgREST’s text/plain 500', async () => {
    const headers: Array<Record<string, string>> = [
      { 'accept-profile': 'priv\u00e9' },
      { 'content-profile': 'priv\u00e9' },
      { prefer: 'timezone=\u00e9' },
      { range: '0-\u00e9' },
      { 'x-anything': '\u00e9' },
      { accept: 'application/\u00e9' },
    ];
    for (const header of headers) {
      const answer = await call('GET', '/rest/v1/reader_cards?select=id', { headers: header });
      expectRefusal(answer, { status: 400 }, JSON.stringify(header));
    }
  });
});

describe('reader_cards reads PostgREST genuinely answers with a 5xx', () => {
  // Each level of level_id(reader_cards(...)) multiplies the rows by a level's readers, so a 600-byte
  // query is exponential. The role's statement_timeout (anon 3 s, authenticated 8 s) cancels it and
  // PostgREST 12 answers 57014 with a 500; the stack keeps serving. A depth limit would have to be a
  // db-pre-request check of the select parameter (PostgREST has none of its own).
  test('a deeply nested embed is cancelled by the statement timeout, and the stack keeps serving', async () => {
    let select = 'id';
    for (let level = 0; level < 16; level += 1) select = `id,l${level}:level_id(id,reader_cards(${select}))`;
    const started = Date.now();
    const answer = await call('GET', `/rest/v1/reader_cards?select=${encodeURIComponent(select)}&limit=1`);
    expect({ status: answer.status, code: (answer.body as { code?: string }).code }).toEqual({ status: 500, code: '57014' });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect((await call('GET', READERS_PAGE_PATH)).status).toBe(200);
  });
});
