/**
 * Property-based fuzzing of the public port: malformed raw HTTP, random paths and queries, and
 * broken or wrong-shaped bodies to the endpoints the app uses. Every request must be answered with
 * a refusal a Supabase client can read (or, where an endpoint may legitimately succeed, with what
 * that success looks like), and afterwards the stack must still serve and no row may have changed.
 * The presence surface (issue 12) is held to more: its refusals are 4xx, never 5xx, and each one is
 * checked to have left every presence row as it was.
 *
 * Deterministic: a fixed seed, overridable with FUZZ_SEED (a failure prints the seed and path
 * that replay it); FUZZ_RUNS sets the runs per property.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import {
  contentType,
  forgedAuthorization,
  hostileCardsRead,
  hostileRawRequest,
  junkBody,
  openProxyRequest,
  pathTail,
  PRESENCE_STATE_SQL,
  queryString,
  refusedOwnProfilePatch,
  refusedPasswordGrantBody,
  refusedPresenceCall,
  refusedRefreshBody,
  refusedSignupBody,
  refusedUserUpdateBody,
  renderRawRequest,
  smugglingRequest,
  type ApiRequest,
  type PresenceCast,
} from '../../support/hostile-requests.ts';
import { aimProxyAttemptsAtTrap, errorBodyProblem, exchange, isAmbiguousEmbedding, parseJson, startTrap, type Trap } from '../../support/raw-http.ts';
import { DEMO_IDS, DEMO_PASSWORD, sql, startTestStack } from '../../support/test-stack.ts';

function envInt(name: string, fallback: number, minimum: number): number {
  const raw = process.env[name];
  const value = Number(raw);
  return raw && Number.isSafeInteger(value) && value >= minimum ? value : fallback;
}

const SEED = envInt('FUZZ_SEED', 20_251_201, Number.MIN_SAFE_INTEGER);
const RUNS = envInt('FUZZ_RUNS', 300, 1);
/** A healthy gateway answers in milliseconds; this long without an answer is a hang. */
const ANSWER_TIMEOUT_MS = 2_000;
/** How long an incomplete request is left open before we close it (no answer is due). */
const INCOMPLETE_WAIT_MS = 150;
/**
 * Fuzzing plus shrinking a failure (each hanging candidate costs ANSWER_TIMEOUT_MS) stops here; a
 * healthy stack needs a few milliseconds per run.
 */
const PROPERTY_TIME_LIMIT_MS = 60_000 + RUNS * 150;
const TEST_TIMEOUT_MS = PROPERTY_TIME_LIMIT_MS + 20_000;

const fuzzSettings = {
  seed: SEED,
  numRuns: RUNS,
  plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS, { failOnInterrupt: true })],
};

const LUNA = DEMO_IDS.luna;
/** Selene's device in the seed: a live session that is not Luna's. */
const SELENE_SEED_SESSION = 'aaaaaaaa-4444-4444-8444-444444444444';

let stack: RunningStack;
let gatewayPort: number;
let trap: Trap;
/** The superuser's connection for the per-request presence snapshots. */
let db: pg.Client;
/** Signed in before the first fingerprint, so their sessions are part of the baseline. */
let casey: Session;
let luna: Session;
/** Who plays whom in the presence attacks; Luna is the reader. */
let cast: PresenceCast;
/** Every auth session id at the start: none may appear in an answer about reader cards. */
let sessionIds: string[];

interface Session {
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

async function signIn(email: string): Promise<Session> {
  const response = await fetch(`${stack.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  expect(response.status).toBe(200);
  const session = (await response.json()) as { access_token: string; refresh_token: string };
  const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString('utf8')) as { session_id: string };
  return { accessToken: session.access_token, refreshToken: session.refresh_token, sessionId: claims.session_id };
}

/** A session of `email` that has ended (signed out), for tokens that name it. */
async function endedSession(email: string): Promise<string> {
  const session = await signIn(email);
  const response = await fetch(`${stack.apiUrl}/auth/v1/logout?scope=local`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, authorization: `Bearer ${session.accessToken}` },
  });
  expect(response.status).toBe(204);
  return session.sessionId;
}

/**
 * Tables whose rows no fuzzed request may change: the app's, presence's (the private tables
 * included), and auth's (sessions included).
 */
const FINGERPRINTED_TABLES = [
  'public.users',
  'public.reader_levels',
  'public.presence_audit_log',
  'private.reader_directory_stats',
  'private.reader_devices',
  'private.reader_presence',
  'auth.users',
  'auth.identities',
  'auth.sessions',
  'auth.refresh_tokens',
];

/** Per table, its row count and a hash of every row: equal fingerprints, unchanged data. */
async function fingerprint(): Promise<Record<string, string>> {
  const columns = FINGERPRINTED_TABLES.map(
    (table) => `(select count(*) || ' rows, md5 ' || md5(coalesce(string_agg(r::text, ',' order by r::text), '')) from ${table} r) as "${table}"`,
  );
  const [row] = await sql<Record<string, string>>(stack, `select ${columns.join(', ')}`);
  return row!;
}

/** Every presence row as it is now (PRESENCE_STATE_SQL): small enough to compare whole, so a failure shows what moved. */
async function presenceState(): Promise<string> {
  const { rows } = await db.query<{ state: string }>(PRESENCE_STATE_SQL);
  return rows[0]!.state;
}

interface Answer {
  status: number;
  text: string;
  contentType?: string;
}

interface FuzzRequest {
  method: string;
  path: string;
  authorization?: string;
  contentType?: string;
  prefer?: string;
  body?: string;
}

/**
 * Sends `request` through the gateway with the anon apikey; a missing answer is an error. `cut
 * off`: the server closed while the body was still going out (EPIPE), as the gateway may do with a
 * body over its limit; the request was never sent completely, so no answer is owed.
 */
async function send(request: FuzzRequest): Promise<Answer | 'cut off'> {
  const headers: Record<string, string> = { apikey: stack.anonKey };
  if (request.authorization !== undefined) headers.authorization = request.authorization;
  if (request.contentType !== undefined) headers['content-type'] = request.contentType;
  if (request.prefer !== undefined) headers.prefer = request.prefer;
  try {
    const response = await fetch(`${stack.apiUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : request.body,
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (cause?.code === 'EPIPE') return 'cut off';
    const reason = error instanceof Error ? `${error.message}${cause ? ` (${String(cause)})` : ''}` : String(error);
    throw new Error(`no answer to ${request.method} ${request.path.slice(0, 200)}: ${reason}`, { cause: error });
  }
}

/** What a legitimate success of one endpoint looks like; `undefined` when it is one. */
type SuccessRule = (answer: Answer) => string | undefined;

/** Reads (GET, read-only functions): 200/206 with a JSON body. */
const jsonRead: SuccessRule = ({ status, text }) =>
  (status === 200 || status === 206) && parseJson(text).ok ? undefined : `a read answered ${status} with ${JSON.stringify(text.slice(0, 200))}`;

/** A PATCH that RLS or an empty body reduces to nothing: 204, or 200 with no rows. */
const noOpPatch: SuccessRule = ({ status, text }) =>
  (status === 204 && text === '') || (status === 200 && text === '[]') ? undefined : `a PATCH answered ${status} with ${JSON.stringify(text.slice(0, 200))}`;

/** `get_readers_online_status`: anyone may ask; the answer is a list of statuses. */
const onlineStatuses: SuccessRule = ({ status, text }) => {
  const parsed = parseJson(text);
  const rows = parsed.ok && Array.isArray(parsed.value) ? (parsed.value as unknown[]) : undefined;
  const wellFormed = rows?.every((row) => typeof row === 'object' && row !== null && typeof (row as { id?: unknown }).id === 'string');
  return status === 200 && wellFormed ? undefined : `online statuses answered ${status} with ${JSON.stringify(text.slice(0, 200))}`;
};

/**
 * Fails the run unless `answer` is a refusal (4xx/5xx) whose body, if any, is JSON, or a success
 * that `success` accepts (no rule: the request must be refused). The shape of error bodies is
 * PostgREST's and auth's to choose (PostgREST answers some unknown paths with `{}`); the gateway's
 * own answers are held to a readable `message` by the raw-request property.
 */
const isAmbiguous = (answer: Answer) => isAmbiguousEmbedding(answer.status, answer.text);

function assertAcceptable(request: FuzzRequest, answer: Answer | 'cut off', success?: SuccessRule): void {
  if (answer === 'cut off') return;
  let problem: string | undefined;
  if (answer.status >= 400 || isAmbiguous(answer))
    problem = answer.text === '' || parseJson(answer.text).ok ? undefined : `error body is not JSON: ${JSON.stringify(answer.text.slice(0, 200))}`;
  else problem = success ? success(answer) : `a request that must be refused answered ${answer.status}: ${JSON.stringify(answer.text.slice(0, 200))}`;
  if (problem) throw new Error(`${request.method} ${request.path.slice(0, 200)} -> ${answer.status}: ${problem}`);
}

/** Sends `request` through the gateway with the anon apikey; a missing answer is an error. */
async function sendApi(request: ApiRequest): Promise<Answer> {
  try {
    const response = await fetch(`${stack.apiUrl}${request.path}`, {
      method: request.method,
      headers: { apikey: stack.anonKey, ...request.headers },
      body: request.body,
      signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
    });
    return { status: response.status, text: await response.text(), contentType: response.headers.get('content-type') ?? undefined };
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as Error | undefined) : undefined;
    const reason = error instanceof Error ? `${error.message}${cause ? ` (${String(cause)})` : ''}` : String(error);
    throw new Error(`no answer to ${describeRequest(request)}: ${reason}`, { cause: error });
  }
}

function describeRequest(request: ApiRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `${name}: ${name === 'authorization' ? `${value.slice(0, 60)}…` : value}`)
    .join('; ');
  const body =
    request.body === undefined
      ? ''
      : ` body ${JSON.stringify(request.body.slice(0, 200))}${request.body.length > 200 ? `… (${request.body.length} chars)` : ''}`;
  return `${request.method} ${request.path.slice(0, 300)} [${headers}]${body}`;
}

/** A refusal a client can act on: 4xx (never 5xx) with a readable JSON error, if it has a body. */
function refusalProblem(answer: Answer, method: string): string | undefined {
  if (isAmbiguous(answer)) return undefined;
  if (answer.status < 400 || answer.status >= 500) return `answered ${answer.status}, not a 4xx refusal: ${JSON.stringify(answer.text.slice(0, 300))}`;
  if (method === 'HEAD' || answer.text === '') return undefined;
  const problem = errorBodyProblem(answer.text);
  return problem ? `error body ${problem}` : undefined;
}

function assertTrapUntouched(connectionsBefore: number): void {
  if (trap.connections() !== connectionsBefore) throw new Error("open proxy: the gateway connected to the test's own listener");
}

beforeAll(async () => {
  // The every-minute presence jobs stay off: the first run would mark the seed's stale reader
  // offline mid-test, a real change the fingerprint could not tell from one a request caused.
  stack = await startTestStack({ seed: true, presenceJobs: false });
  gatewayPort = Number(new URL(stack.apiUrl).port);
  trap = await startTrap();
  db = new pg.Client({ connectionString: stack.dbUrl });
  await db.connect();
  casey = await signIn('client@demo.test');
  luna = await signIn('luna@demo.test');
  cast = {
    jwtSecret: stack.jwtSecret,
    reader: { id: LUNA, sessionId: luna.sessionId, accessToken: luna.accessToken },
    otherReaderId: DEMO_IDS.orion,
    client: { id: DEMO_IDS.client, accessToken: casey.accessToken },
    foreignSessionIds: [await endedSession('luna@demo.test'), SELENE_SEED_SESSION, casey.sessionId, 'bbbbbbbb-0000-4000-8000-000000000000'],
  };
  sessionIds = (await db.query<{ id: string }>('select id::text from auth.sessions')).rows.map((row) => row.id);
  console.info(`fuzz: seed ${SEED}, ${RUNS} runs per property (override with FUZZ_SEED, FUZZ_RUNS)`);
});

afterAll(async () => {
  await db?.end();
  await trap?.close();
  await stack?.stop();
});

let baseline: Record<string, string>;
let trapConnectionsBefore: number;

beforeEach(async () => {
  baseline = await fingerprint();
  trapConnectionsBefore = trap.connections();
});

// After each property, whatever its outcome: nothing changed, and the stack still serves.
afterEach(async () => {
  expect(await fingerprint(), 'rows after the property').toEqual(baseline);
  expect(trap.connections() - trapConnectionsBefore, "connections to the test's own listener").toBe(0);
  const read = await fetch(`${stack.apiUrl}/rest/v1/users?select=id&limit=1`, { headers: { apikey: stack.anonKey }, signal: AbortSignal.timeout(5_000) });
  expect(read.status, 'an anonymous read after the property').toBe(200);
  const health = await fetch(`${stack.apiUrl}/auth/v1/health`, { headers: { apikey: stack.anonKey }, signal: AbortSignal.timeout(5_000) });
  expect(health.status, 'auth health after the property').toBe(200);
});

describe('fuzzing the gateway', () => {
  test(
    'malformed raw requests each get a well-formed 4xx/5xx answer with a readable error body',
    async () => {
      const request = fc.oneof(
        { weight: 6, arbitrary: hostileRawRequest(trap.host) },
        { weight: 1, arbitrary: smugglingRequest(stack.anonKey) },
        { weight: 1, arbitrary: openProxyRequest(stack.anonKey, trap.host) },
      );
      await fc.assert(
        fc.asyncProperty(request, async (spec) => {
          const { bytes, complete } = renderRawRequest(spec);
          const trapBefore = trap.connections();
          const { outcome, sentCompletely } = await exchange(gatewayPort, bytes, { timeoutMs: complete ? ANSWER_TIMEOUT_MS : INCOMPLETE_WAIT_MS });
          assertTrapUntouched(trapBefore);
          const sent = JSON.stringify(bytes.subarray(0, 300).toString('latin1'));
          if (outcome.kind === 'malformed') throw new Error(`malformed response (${outcome.reason}) to ${sent}: ${JSON.stringify(outcome.received)}`);
          if (outcome.kind === 'no-answer') {
            // Owed only for a request that is complete and was sent completely (a server may stop
            // reading a body it refuses, and close).
            if (complete && sentCompletely) throw new Error(`no answer (${outcome.how}) to the complete request ${sent}`);
            return;
          }
          const { status, body } = outcome.response;
          if (status < 400) throw new Error(`status ${status} for a request that must be refused: ${sent}`);
          const problem = body.length === 0 ? undefined : errorBodyProblem(body.toString('utf8'));
          if (problem) throw new Error(`status ${status} body ${problem}, for ${sent}`);
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'random paths and queries under /rest/v1 and /auth/v1 are refused, or read, never written',
    async () => {
      const request = fc.record({
        method: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
        path: fc
          .tuple(fc.constantFrom('/rest/v1', '/auth/v1', '/rest/v1/rpc'), pathTail, queryString)
          .map(([prefix, tail, query]) => `${prefix}/${tail}${query}`),
        authorization: forgedAuthorization(stack.jwtSecret, DEMO_IDS.client),
        contentType,
        body: junkBody,
      });
      await fc.assert(
        fc.asyncProperty(request, async (generated) => {
          // What fetch will put on the wire, with any open-proxy-shaped path aimed at the trap.
          const sentUrl = new URL(`${stack.apiUrl}${generated.path}`);
          const fuzzed: FuzzRequest = { ...generated, path: aimProxyAttemptsAtTrap(`${sentUrl.pathname}${sentUrl.search}`, trap.host) };
          const trapBefore = trap.connections();
          const answer = await send(fuzzed);
          assertTrapUntouched(trapBefore);
          const pathname = safelyDecoded(new URL(`${stack.apiUrl}${fuzzed.path}`).pathname);
          let success: SuccessRule | undefined;
          if (fuzzed.method === 'GET') success = jsonRead;
          else if (fuzzed.method === 'POST' && pathname.startsWith('/rest/v1/rpc/')) success = jsonRead;
          else if (fuzzed.method === 'PATCH') success = noOpPatch;
          assertAcceptable(fuzzed, answer, success);
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'broken and wrong-shaped bodies to the presence RPCs and profile updates are refused',
    async () => {
      const forged = forgedAuthorization(stack.jwtSecret, DEMO_IDS.client);
      const caseyToken = fc.constant(`Bearer ${casey.accessToken}`);
      const prefer = fc.option(
        fc.constantFrom(
          'return=representation',
          'return=minimal',
          'params=single-object',
          'params=multiple-objects',
          'tx=rollback',
          'count=exact',
          'handling=strict',
          'max-affected=0',
          'x',
        ),
        { nil: undefined },
      );
      const readerIds = fc
        .oneof(
          fc.array(fc.oneof(fc.uuid(), fc.constantFrom(...Object.values(DEMO_IDS)), fc.string(), fc.jsonValue({ maxDepth: 1 })), { maxLength: 5 }),
          fc.jsonValue({ maxDepth: 2 }),
        )
        .map((ids) => JSON.stringify({ reader_ids: ids }));
      const to = (method: string, path: string, authorization: fc.Arbitrary<string | undefined>, body: fc.Arbitrary<string>, success?: SuccessRule) =>
        fc.record({ method: fc.constant(method), path: fc.constant(path), authorization, contentType, prefer, body }).map((request) => ({ request, success }));
      const endpoint = fc.oneof(
        // Only readers may beat: anonymous, forged and a client's token are all refused, whatever the body.
        to('POST', '/rest/v1/rpc/reader_heartbeat', fc.oneof(forged, caseyToken), junkBody),
        to('POST', '/rest/v1/rpc/get_readers_online_status', fc.oneof(forged, caseyToken), fc.oneof(junkBody, readerIds), onlineStatuses),
        // Someone else's profile: RLS leaves nothing to update, so at most a no-op.
        to('PATCH', `/rest/v1/users?id=eq.${LUNA}`, fc.oneof(forged, caseyToken), junkBody, noOpPatch),
        // Her own profile, each body setting a column she may not set.
        to('PATCH', `/rest/v1/users?id=eq.${LUNA}`, fc.constant(`Bearer ${luna.accessToken}`), refusedOwnProfilePatch),
      );
      await fc.assert(
        fc.asyncProperty(endpoint, async ({ request, success }) => {
          assertAcceptable(request, await send(request), success);
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'broken and wrong-shaped bodies to sign-up, sign-in, refresh and user updates are refused',
    async () => {
      const forged = forgedAuthorization(stack.jwtSecret, DEMO_IDS.client);
      const post = (path: string, body: fc.Arbitrary<string>) => fc.record({ method: fc.constant('POST'), path: fc.constant(path), contentType, body });
      const request: fc.Arbitrary<FuzzRequest> = fc.oneof(
        post('/auth/v1/signup', refusedSignupBody),
        post('/auth/v1/token?grant_type=password', refusedPasswordGrantBody(DEMO_PASSWORD)),
        post('/auth/v1/token?grant_type=refresh_token', refusedRefreshBody(casey.refreshToken)),
        fc.record({
          method: fc.constant('PUT'),
          path: fc.constant('/auth/v1/user'),
          authorization: fc.constant(`Bearer ${casey.accessToken}`),
          contentType,
          body: refusedUserUpdateBody,
        }),
        fc.record({ method: fc.constant('PUT'), path: fc.constant('/auth/v1/user'), authorization: forged, contentType, body: junkBody }),
      );
      await fc.assert(
        fc.asyncProperty(request, async (fuzzed) => {
          assertAcceptable(fuzzed, await send(fuzzed));
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'hostile calls to the presence RPCs (anyone but the reader, a session not theirs, arguments they must not pass) get 4xx and change no presence row',
    async () => {
      await fc.assert(
        fc.asyncProperty(refusedPresenceCall(cast), async (request) => {
          const before = await presenceState();
          const answer = await sendApi(request);
          const problem = refusalProblem(answer, request.method);
          if (problem) throw new Error(`${describeRequest(request)} -> ${problem}`);
          const after = await presenceState();
          if (after !== before)
            throw new Error(`${describeRequest(request)} was refused (${answer.status}) but changed presence:\nbefore ${before}\nafter  ${after}`);
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'hostile reads of reader_cards are refused with 4xx or read within max_rows, never 5xx, never a foreign profile, never a session id',
    async () => {
      const authorization = fc.oneof(
        fc.constant(undefined),
        fc.constant(`Bearer ${casey.accessToken}`),
        fc.constant(`Bearer ${luna.accessToken}`),
        forgedAuthorization(stack.jwtSecret, LUNA),
      );
      await fc.assert(
        fc.asyncProperty(hostileCardsRead(authorization), async (read) => {
          const answer = await sendApi(read);
          const fail = (problem: string) => {
            throw new Error(`${describeRequest(read)} -> ${answer.status}: ${problem}`);
          };
          if (read.profile !== undefined && read.profile !== 'public') {
            const problem = refusalProblem(answer, read.method);
            if (problem) fail(`a profile naming schema ${JSON.stringify(read.profile)} must be refused; ${problem}`);
            return;
          }
          if (answer.status >= 400 || isAmbiguous(answer)) {
            const problem = refusalProblem(answer, read.method);
            if (problem) fail(problem);
            return;
          }
          if (answer.status !== 200 && answer.status !== 206) fail(`neither a read nor a refusal: ${JSON.stringify(answer.text.slice(0, 300))}`);
          const leaked = sessionIds.find((id) => answer.text.toLowerCase().includes(id));
          if (leaked) fail(`the answer names auth session ${leaked}`);
          if (read.method === 'HEAD' || !answer.contentType?.startsWith('application/json')) return;
          const parsed = parseJson(answer.text);
          if (!parsed.ok) fail(`a JSON read that is not JSON: ${JSON.stringify(answer.text.slice(0, 300))}`);
          if (parsed.ok && Array.isArray(parsed.value) && parsed.value.length > 1000) fail(`${parsed.value.length} rows, over max_rows`);
        }),
        fuzzSettings,
      );
    },
    TEST_TIMEOUT_MS,
  );
});

function safelyDecoded(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return pathname;
  }
}
