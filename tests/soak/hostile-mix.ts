/**
 * The hostile-mix soak: for SOAK_SECONDS (default 60) a closed loop of ~20 clients sends the stack a
 * mix of malformed raw requests, open-proxy attempts, 5 MB bodies, slowloris heads, junk JSON to the
 * RPCs and auth, presence spam from a signed-up reader (heartbeats, status changes), presence calls
 * by intruders and with refused arguments, hostile reader_cards reads and deep embeds that run into
 * the statement timeout, and legitimate readers-page reads and sign-ins, all on loopback. The proof:
 * every request sent completely was answered, every legitimate read succeeded, every intruder was
 * refused with a 4xx, no presence call or reader_cards read failed with a 5xx it should not, no
 * other reader's presence row changed, no process of the stack restarted, the open-proxy target was
 * never reached, and PostgREST's memory stayed bounded.
 *
 * Run by tests/soak/hostile-mix.test.ts (`npm run test:soak`), or alone: `npx tsx tests/soak/hostile-mix.ts`.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import fc from 'fast-check';
import { runLoad } from '../../bench/lib/load.ts';
import {
  FOREIGN_PROFILES,
  forgedAuthorization,
  hostileCardsRead,
  hostileRawRequest,
  junkBody,
  openProxyRequest,
  READERS_PAGE_PATH,
  refusedPasswordGrantBody,
  refusedPresenceCall,
  refusedRefreshBody,
  refusedSignupBody,
  refusedUserUpdateBody,
  renderRawRequest,
  statusArgs,
  type ApiRequest,
  type PresenceCast,
} from '../support/hostile-requests.ts';
import { startChildStack, type ChildStackInfo } from '../support/child-stack.ts';
import { exchange, isAmbiguousEmbedding, startTrap, type Exchange, type Trap } from '../support/raw-http.ts';
import { approveReaderApplications } from '../support/presence-fixtures.ts';
import { dbOf, DEMO_IDS, DEMO_PASSWORD, sql, uniqueEmail } from '../support/test-stack.ts';

export interface SoakOptions {
  seconds: number;
  concurrency: number;
  /** Seeds the request mix and the junk in it, so a run can be repeated. */
  seed: number;
}

/** How each kind of request fared. "Answered": a complete, well-formed HTTP response came back. */
export interface KindStats {
  kind: string;
  sent: number;
  /** Every byte left (for fetch: the request did not fail while its body was going out). */
  sentCompletely: number;
  answered: number;
  /** Sent completely, yet no answer (the server closed, reset or never answered): a failure. */
  unanswered: number;
  /** Not sent completely and not answered: the server cut an upload short (oversized bodies). */
  cutOff: number;
  /** An answer that is not well-formed HTTP: a failure. */
  malformed: number;
  /** For kinds with an expected answer: answered, but not with one expected (a failure). */
  unsuccessful: number;
  statuses: Map<string, number>;
  firstProblem?: string;
}

export interface ProcessWatch {
  stackPid: number;
  postgrestPid: number | undefined;
  postmasterPid: number | undefined;
  postmasterStart: string;
}

export interface SoakResult {
  options: SoakOptions;
  durationMs: number;
  requestsPerSecond: number;
  kinds: KindStats[];
  before: ProcessWatch;
  after: ProcessWatch & { stackAlive: boolean; postgrestAlive: boolean };
  /** Connections the open-proxy trap received (must be 0). */
  trapConnections: number;
  postgrestRssMb: { start: number; max: number; end: number };
  stackRssMb: { start: number; max: number; end: number };
  /** The stack's own log lines during the soak (5xx causes, restarts), counted by message. */
  stackLog: Map<string, number>;
  /** Presence rows of the seed's readers, whom nobody in the mix may change (the jobs write other tables). */
  bystandersBefore: string;
  bystandersAfter: string;
}

/** PostgREST may use this much memory at most; a leak per request would pass it within a minute. */
export const POSTGREST_RSS_CAP_MB = 300;
const ANSWER_TIMEOUT_MS = 15_000;
const OVERSIZED_BODY_BYTES = 5 * 1024 * 1024;
const WRITE_CHUNK_BYTES = 64 * 1024;
const STOP_TIMEOUT_MS = 30_000;
const RSS_SAMPLE_MS = 1_000;
/** Deep embeds each hold a database connection until the statement timeout; this many at a time. */
const DEEP_EMBEDS_IN_FLIGHT = 1;
/** The seed's readers, and Selene's live session (not the soak reader's). */
const SEED_READERS = [DEMO_IDS.luna, DEMO_IDS.orion, DEMO_IDS.selene, DEMO_IDS.rowan];
const SELENE_SEED_SESSION = 'aaaaaaaa-4444-4444-8444-444444444444';
/** Distinct junk requests generated per kind; the mix draws from them at random. */
const POOL_SIZE = 400;

interface SoakStack {
  info: ChildStackInfo;
  child: ChildProcess;
  exited: Promise<void>;
  /** Log lines by message, numbers and ids blanked so that repeats count together. */
  log: Map<string, number>;
  stop(): Promise<void>;
}

/** The stack in a child process, ready when it prints its JSON line; its log counted by message. */
async function startSoakStack(): Promise<SoakStack> {
  const log = new Map<string, number>();
  const { info, child, exited, stop } = await startChildStack({ seed: true }, (line) => {
    const message = line.slice(0, 200).replace(/\d+/g, 'N');
    log.set(message, (log.get(message) ?? 0) + 1);
  });
  return { info, child, exited, log, stop };
}

/** Direct children of `pid` by command name (the stack spawns PostgREST and the postmaster itself). */
function childrenOf(pid: number): Array<{ pid: number; command: string }> {
  let output: string;
  try {
    output = execFileSync('ps', ['--ppid', String(pid), '-o', 'pid=,comm='], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there are none.
  }
  return output
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [childPid, command = ''] = line.trim().split(/\s+/, 2);
      return { pid: Number(childPid), command };
    });
}

async function watchProcesses(stack: SoakStack): Promise<ProcessWatch> {
  const stackPid = stack.child.pid!;
  const children = childrenOf(stackPid);
  const [row] = await sql<{ started: Date }>(stack.info, 'select pg_postmaster_start_time() as started');
  return {
    stackPid,
    postgrestPid: children.find((child) => child.command === 'postgrest')?.pid,
    postmasterPid: children.find((child) => child.command === 'postgres')?.pid,
    postmasterStart: row!.started.toISOString(),
  };
}

function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resident memory of `pid` in MB (Linux /proc), 0 once it is gone. */
function rssMb(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
    return Math.round(kb / 102.4) / 10;
  } catch {
    return 0;
  }
}

/** A small seeded generator (mulberry32): the same seed, the same mix. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Kind {
  name: string;
  weight: number;
  run: () => Promise<void>;
}

function newStats(kind: string): KindStats {
  return { kind, sent: 0, sentCompletely: 0, answered: 0, unanswered: 0, cutOff: 0, malformed: 0, unsuccessful: 0, statuses: new Map() };
}

function countStatus(stats: KindStats, status: string): void {
  stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
}

/** Books one raw exchange; `mustAnswer` false for requests that are incomplete on purpose. */
function recordExchange(stats: KindStats, { outcome, sentCompletely }: Exchange, mustAnswer = true): void {
  stats.sent += 1;
  if (sentCompletely) stats.sentCompletely += 1;
  if (outcome.kind === 'answered') {
    stats.answered += 1;
    countStatus(stats, String(outcome.response.status));
  } else if (outcome.kind === 'malformed') {
    stats.malformed += 1;
    stats.firstProblem ??= `malformed answer: ${outcome.reason}`;
  } else if (!mustAnswer) {
    countStatus(stats, `none (${outcome.how})`);
  } else if (sentCompletely) {
    stats.unanswered += 1;
    countStatus(stats, `none (${outcome.how})`);
    stats.firstProblem ??= `no answer (${outcome.how}) after ${JSON.stringify(outcome.received.slice(0, 80))}`;
  } else {
    stats.cutOff += 1;
    countStatus(stats, `cut off (${outcome.how})`);
  }
}

/** One fetch through the gateway, booked; `success` says whether an answer is the one expected. */
async function recordFetch(stats: KindStats, url: string, init: RequestInit, success?: (status: number, text: string) => boolean): Promise<void> {
  stats.sent += 1;
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) });
    const text = await response.text();
    stats.sentCompletely += 1;
    stats.answered += 1;
    countStatus(stats, String(response.status));
    if (success && !success(response.status, text)) {
      stats.unsuccessful += 1;
      stats.firstProblem ??= `${response.status}: ${text.slice(0, 120)}`;
    }
  } catch (error) {
    const cause = error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined;
    if (cause?.code === 'EPIPE') {
      // The server closed while the body was still going out (a body over the gateway's limit).
      stats.cutOff += 1;
      countStatus(stats, 'cut off (EPIPE)');
      return;
    }
    // Anything else is booked as sent, conservatively: the failure is the answer's.
    stats.sentCompletely += 1;
    stats.unanswered += 1;
    countStatus(stats, 'none (fetch failed)');
    stats.firstProblem ??= error instanceof Error ? `${error.message}${cause ? ` (${String(cause)})` : ''}` : String(error);
  }
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}

interface SoakSession {
  userId: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
}

function soakSession(session: { access_token: string; refresh_token: string; user: { id: string } }): SoakSession {
  const claims = JSON.parse(Buffer.from(session.access_token.split('.')[1]!, 'base64url').toString('utf8')) as { session_id: string };
  return { userId: session.user.id, accessToken: session.access_token, refreshToken: session.refresh_token, sessionId: claims.session_id };
}

const SOAK_READER_PASSWORD = 'soak-reader-password';

/** A reader of the soak's own, signed up (and so signed in) through the API, and approved. */
async function signUpReader(info: ChildStackInfo): Promise<SoakSession & { email: string }> {
  const email = uniqueEmail('soak-reader');
  const response = await fetch(`${info.apiUrl}/auth/v1/signup`, {
    method: 'POST',
    headers: { apikey: info.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: SOAK_READER_PASSWORD, data: { display_name: 'Soak Reader', is_reader: true } }),
  });
  if (response.status !== 200) throw new Error(`signing up the soak reader answered ${response.status}: ${await response.text()}`);
  const session = soakSession((await response.json()) as never);
  await approveReaderApplications(dbOf(info), [session.userId]);
  return { ...session, email };
}

async function signIn(info: ChildStackInfo, email: string, password: string): Promise<SoakSession> {
  const response = await fetch(`${info.apiUrl}/auth/v1/token?grant_type=password`, {
    method: 'POST',
    headers: { apikey: info.anonKey, 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (response.status !== 200) throw new Error(`signing in ${email} answered ${response.status}: ${await response.text()}`);
  return soakSession((await response.json()) as never);
}

/** Who plays whom in the presence attacks: the soak reader, Luna, the demo client, sessions not the reader's. */
async function presenceCast(info: ChildStackInfo, reader: SoakSession & { email: string }): Promise<PresenceCast> {
  const client = await signIn(info, 'client@demo.test', DEMO_PASSWORD);
  const ended = await signIn(info, reader.email, SOAK_READER_PASSWORD);
  const signOut = await fetch(`${info.apiUrl}/auth/v1/logout?scope=local`, {
    method: 'POST',
    headers: { apikey: info.anonKey, authorization: `Bearer ${ended.accessToken}` },
  });
  if (signOut.status !== 204) throw new Error(`signing out answered ${signOut.status}`);
  return {
    jwtSecret: info.jwtSecret,
    reader: { id: reader.userId, sessionId: reader.sessionId, accessToken: reader.accessToken },
    otherReaderId: DEMO_IDS.luna,
    client: { id: client.userId, accessToken: client.accessToken },
    foreignSessionIds: [ended.sessionId, SELENE_SEED_SESSION, client.sessionId, 'bbbbbbbb-0000-4000-8000-000000000000'],
  };
}

/** The devices and choices of the seed's readers, as JSON text (the jobs write neither). */
async function bystanderPresence(info: ChildStackInfo): Promise<string> {
  const [row] = await sql<{ state: string }>(
    info,
    `select json_build_object(
       'reader_devices', (select coalesce(json_agg(d order by d.session_id), '[]') from private.reader_devices d where d.reader_id = any ($1)),
       'reader_presence', (select coalesce(json_agg(p order by p.reader_id), '[]') from private.reader_presence p where p.reader_id = any ($1))
     )::text as state`,
    [SEED_READERS],
  );
  return row!.state;
}

function errorCode(text: string): unknown {
  try {
    return (JSON.parse(text) as { code?: unknown }).code;
  } catch {
    return undefined;
  }
}

/** A refusal: 4xx, and a JSON error (or no body). */
function isRefusal(status: number, text: string): boolean {
  if (isAmbiguousEmbedding(status, text)) return true;
  if (status < 400 || status >= 500) return false;
  if (text === '') return true;
  try {
    return typeof (JSON.parse(text) as { message?: unknown }).message === 'string';
  } catch {
    return false;
  }
}

function fetchInit(api: string, anonKey: string, request: ApiRequest): [string, RequestInit] {
  return [`${api}${request.path}`, { method: request.method, headers: { apikey: anonKey, ...request.headers }, body: request.body }];
}

/** The request kinds of the mix, each drawing its junk from a seeded pool. */
function requestKinds(
  info: ChildStackInfo,
  trap: Trap,
  reader: SoakSession,
  cast: PresenceCast,
  random: () => number,
  seed: number,
): { kinds: Kind[]; stats: Map<string, KindStats> } {
  const port = Number(new URL(info.apiUrl).port);
  const api = info.apiUrl;
  const anon = { apikey: info.anonKey };
  const pick = <T>(pool: readonly T[]): T => pool[Math.floor(random() * pool.length)]!;
  const sample = <T>(arbitrary: fc.Arbitrary<T>, offset: number): T[] => fc.sample(arbitrary, { seed: seed + offset, numRuns: POOL_SIZE });

  // Complete requests only: each must be answered. The incomplete kind is slowloris, below.
  const malformed = sample(hostileRawRequest(trap.host), 1)
    .map(renderRawRequest)
    .filter((request) => request.complete)
    .map((request) => request.bytes);
  const proxyAttempts = sample(openProxyRequest(info.anonKey, trap.host), 2).map((spec) => renderRawRequest(spec).bytes);
  const forged = sample(forgedAuthorization(info.jwtSecret, DEMO_IDS.client), 3);
  const junk = sample(junkBody, 4);
  const authJunk = [
    ...sample(refusedSignupBody, 5).map((body) => ({ path: '/auth/v1/signup', method: 'POST', body, token: undefined })),
    ...sample(refusedPasswordGrantBody(DEMO_PASSWORD), 6).map((body) => ({
      path: '/auth/v1/token?grant_type=password',
      method: 'POST',
      body,
      token: undefined,
    })),
    ...sample(refusedRefreshBody(reader.refreshToken), 7).map((body) => ({
      path: '/auth/v1/token?grant_type=refresh_token',
      method: 'POST',
      body,
      token: undefined,
    })),
    ...sample(refusedUserUpdateBody, 8).map((body) => ({ path: '/auth/v1/user', method: 'PUT', body, token: reader.accessToken })),
  ];
  const rpcs = [
    'reader_heartbeat',
    'reader_go_offline',
    'set_reader_status',
    'my_presence',
    'get_readers_online_status',
    'reader_directory_summary',
    'favourite_reader_cards',
    'mark_inactive_readers_offline',
    'presence_online_threshold',
    'no_such_function',
  ];
  const demoEmails = ['luna@demo.test', 'orion@demo.test', 'selene@demo.test', 'rowan@demo.test', 'client@demo.test'];
  const readersPage = `${api}${READERS_PAGE_PATH}`;
  const intruderCalls = sample(refusedPresenceCall(cast), 9);
  const statusChanges = sample(statusArgs, 10).map((args) => JSON.stringify(args));
  const cardsAuthorization = fc.oneof(
    fc.constant(undefined),
    fc.constant(`Bearer ${cast.client.accessToken}`),
    fc.constant(`Bearer ${reader.accessToken}`),
    forgedAuthorization(info.jwtSecret, reader.userId),
  );
  const cardsReads = sample(hostileCardsRead(cardsAuthorization), 11);
  let deepSelect = 'id';
  for (let level = 0; level < 16; level += 1) deepSelect = `id,l${level}:level_id(id,reader_cards(${deepSelect}))`;
  const deepEmbed = `${api}/rest/v1/reader_cards?select=${encodeURIComponent(deepSelect)}&limit=1`;
  let deepInFlight = 0;

  const oversizedBody = (prefix: string) => Buffer.concat([Buffer.from(prefix), Buffer.alloc(OVERSIZED_BODY_BYTES, 'a'), Buffer.from('"]}')]);
  const headFor = (target: string, extra: string[]) =>
    Buffer.from([`POST ${target} HTTP/1.1`, 'Host: 127.0.0.1', `apikey: ${info.anonKey}`, 'Content-Type: application/json', ...extra, '', ''].join('\r\n'));
  const oversizedTargets = ['/rest/v1/rpc/get_readers_online_status', '/auth/v1/signup'];

  const stats = new Map<string, KindStats>();
  const kind = (name: string, weight: number, run: (tally: KindStats) => Promise<void>): Kind => {
    const kindStats = newStats(name);
    stats.set(name, kindStats);
    return { name, weight, run: () => run(kindStats) };
  };

  const kinds = [
    kind('malformed raw request', 20, async (tally) => recordExchange(tally, await exchange(port, pick(malformed), { timeoutMs: ANSWER_TIMEOUT_MS }))),
    kind('open-proxy attempt', 8, async (tally) => recordExchange(tally, await exchange(port, pick(proxyAttempts), { timeoutMs: ANSWER_TIMEOUT_MS }))),
    kind('5 MB body, content-length', 1, async (tally) => {
      const body = oversizedBody('{"reader_ids":["');
      const request = [headFor(pick(oversizedTargets), [`Content-Length: ${body.length}`]), body];
      recordExchange(tally, await exchange(port, request, { timeoutMs: ANSWER_TIMEOUT_MS, writeChunkBytes: WRITE_CHUNK_BYTES }));
    }),
    kind('5 MB body, chunked', 1, async (tally) => {
      const chunks: Buffer[] = [];
      const body = oversizedBody('{"email":"');
      for (let offset = 0; offset < body.length; offset += WRITE_CHUNK_BYTES) {
        const piece = body.subarray(offset, offset + WRITE_CHUNK_BYTES);
        chunks.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
      }
      chunks.push(Buffer.from('0\r\n\r\n'));
      const request = [headFor(pick(oversizedTargets), ['Transfer-Encoding: chunked']), Buffer.concat(chunks)];
      recordExchange(tally, await exchange(port, request, { timeoutMs: ANSWER_TIMEOUT_MS, writeChunkBytes: WRITE_CHUNK_BYTES }));
    }),
    // No length at all: the body is not one, the server reads it as the next request(s).
    kind('5 MB body, unframed', 1, async (tally) => {
      const request = [headFor('/auth/v1/signup', []), oversizedBody('{"email":"')];
      recordExchange(tally, await exchange(port, request, { timeoutMs: ANSWER_TIMEOUT_MS, writeChunkBytes: WRITE_CHUNK_BYTES }));
    }),
    // A head dribbled out a line at a time, then abandoned: nothing is owed, but nothing may break.
    kind('slowloris head', 4, async (tally) => {
      const lines = 3 + Math.floor(random() * 6);
      const parts = [Buffer.from(`GET /rest/v1/users?select=id HTTP/1.1\r\nHost: 127.0.0.1\r\napikey: ${info.anonKey}\r\n`)];
      for (let line = 0; line < lines; line += 1) parts.push(Buffer.from(`X-Slow-${line}: ${'z'.repeat(10)}\r\n`));
      recordExchange(tally, await exchange(port, parts, { timeoutMs: lines * 250 + 200, pauseBetweenPartsMs: 250 }), false);
    }),
    kind('junk JSON to RPCs', 15, (tally) =>
      recordFetch(tally, `${api}/rest/v1/rpc/${pick(rpcs)}`, {
        method: 'POST',
        headers: { ...anon, 'content-type': 'application/json', ...authorizationHeader(pick(forged)) },
        body: pick(junk),
      }),
    ),
    kind('junk JSON to auth', 8, (tally) => {
      const request = pick(authJunk);
      const authorization = request.token ? `Bearer ${request.token}` : pick(forged);
      return recordFetch(tally, `${api}${request.path}`, {
        method: request.method,
        headers: { ...anon, 'content-type': 'application/json', ...authorizationHeader(authorization) },
        body: request.body,
      });
    }),
    kind('reader heartbeat / go-offline', 10, (tally) =>
      recordFetch(tally, `${api}/rest/v1/rpc/${random() < 0.7 ? 'reader_heartbeat' : 'reader_go_offline'}`, {
        method: 'POST',
        headers: { ...anon, authorization: `Bearer ${reader.accessToken}`, 'content-type': 'application/json' },
        body: '{}',
      }),
    ),
    // Every one must be refused (4xx), whatever else the reader is doing meanwhile.
    kind('presence call by intruders / refused args', 8, (tally) => {
      const [url, init] = fetchInit(api, info.anonKey, pick(intruderCalls));
      return recordFetch(tally, url, init, isRefusal);
    }),
    // The soak reader's own choices: applied (200) or over the transition limit (54000), never a 5xx.
    kind('reader status change / my_presence', 5, (tally) => {
      const headers = { ...anon, authorization: `Bearer ${reader.accessToken}`, 'content-type': 'application/json' };
      if (random() < 0.25) return recordFetch(tally, `${api}/rest/v1/rpc/my_presence`, { method: 'POST', headers, body: '{}' }, (status) => status === 200);
      return recordFetch(
        tally,
        `${api}/rest/v1/rpc/set_reader_status`,
        { method: 'POST', headers, body: pick(statusChanges) },
        (status, text) => status === 200 || (status === 429 && errorCode(text) === '54000'),
      );
    }),
    // Refused (4xx; always for a foreign profile) or read (2xx), never a 5xx.
    kind('hostile reader_cards read', 10, (tally) => {
      const read = pick(cardsReads);
      const foreign = read.profile !== undefined && FOREIGN_PROFILES.includes(read.profile);
      const [url, init] = fetchInit(api, info.anonKey, read);
      return recordFetch(tally, url, init, (status, text) => (foreign ? isRefusal(status, text) : status < 300 || isRefusal(status, text)));
    }),
    // Exponential, so the statement timeout (3 s for anon) ends it: PostgREST's 500 57014, and
    // meanwhile the legitimate reads must still succeed. One at a time, else a plain hostile read.
    kind('deep embed (statement timeout)', 1, async (tally) => {
      if (deepInFlight >= DEEP_EMBEDS_IN_FLIGHT) {
        const [url, init] = fetchInit(api, info.anonKey, pick(cardsReads));
        await fetch(url, { ...init, signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS) })
          .then((response) => response.arrayBuffer())
          .catch(() => undefined);
        return;
      }
      deepInFlight += 1;
      try {
        await recordFetch(tally, deepEmbed, { headers: anon }, (status, text) => status === 200 || (status === 500 && errorCode(text) === '57014'));
      } finally {
        deepInFlight -= 1;
      }
    }),
    kind(LEGIT_READS, 20, (tally) => recordFetch(tally, readersPage, { headers: anon }, (status, text) => status === 200 && isJsonArray(text))),
    kind('legit sign-in', 2, (tally) =>
      recordFetch(tally, `${api}/auth/v1/token?grant_type=password`, {
        method: 'POST',
        headers: { ...anon, 'content-type': 'application/json' },
        body: JSON.stringify({ email: pick(demoEmails), password: DEMO_PASSWORD }),
      }),
    ),
  ];
  return { kinds, stats };
}

function authorizationHeader(value: string | undefined): Record<string, string> {
  return value === undefined ? {} : { authorization: value };
}

/**
 * Ends what a stack process that died left running (PostgREST, the postmaster: its children, which
 * outlive it), by pid, and removes its database folder.
 */
async function reapOrphans(watch: ProcessWatch, dataDir: string): Promise<void> {
  const orphans = [
    { pid: watch.postgrestPid, signal: 'SIGTERM' as const },
    // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for clients).
    { pid: watch.postmasterPid, signal: 'SIGINT' as const },
  ].filter(({ pid }) => isAlive(pid));
  for (const { pid, signal } of orphans) process.kill(pid!, signal);
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (orphans.some(({ pid }) => isAlive(pid)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  for (const { pid } of orphans) if (isAlive(pid)) process.kill(pid!, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Starts a stack, runs the mix against it, checks its processes, and stops everything again. */
export async function runHostileMix(options: SoakOptions): Promise<SoakResult> {
  const trap = await startTrap();
  let stack: SoakStack | undefined;
  /** For the clean-up: what to reap if the stack process dies. */
  let started: ProcessWatch | undefined;
  try {
    stack = await startSoakStack();
    const before = await watchProcesses(stack);
    started = before;
    const reader = await signUpReader(stack.info);
    const cast = await presenceCast(stack.info, reader);
    const random = seededRandom(options.seed);
    const { kinds, stats } = requestKinds(stack.info, trap, reader, cast, random, options.seed);
    const bystandersBefore = await bystanderPresence(stack.info);
    const totalWeight = kinds.reduce((sum, kind) => sum + kind.weight, 0);
    const pickKind = () => {
      let ticket = random() * totalWeight;
      return kinds.find((kind) => (ticket -= kind.weight) < 0) ?? kinds.at(-1)!;
    };

    const postgrestRss = { start: rssMb(before.postgrestPid), max: 0, end: 0 };
    const stackRss = { start: rssMb(before.stackPid), max: 0, end: 0 };
    const sampleRss = () => {
      postgrestRss.max = Math.max(postgrestRss.max, rssMb(before.postgrestPid));
      stackRss.max = Math.max(stackRss.max, rssMb(before.stackPid));
    };
    const sampler = setInterval(sampleRss, RSS_SAMPLE_MS);
    stack.log.clear();

    let stackExited = false;
    void stack.exited.then(() => (stackExited = true));
    const load = await runLoad({
      concurrency: options.concurrency,
      durationMs: options.seconds * 1000,
      request: async () => {
        // A dead stack refuses at once; pausing keeps the loop from spinning until the deadline.
        if (stackExited) await new Promise((resolve) => setTimeout(resolve, 100));
        else await pickKind().run();
      },
    });
    clearInterval(sampler);
    sampleRss();
    postgrestRss.end = rssMb(before.postgrestPid);
    stackRss.end = rssMb(before.stackPid);

    const stackAlive = !stackExited && isAlive(before.stackPid);
    const bystandersAfter = stackAlive ? await bystanderPresence(stack.info) : 'stack process gone';
    const after = stackAlive
      ? { ...(await watchProcesses(stack)), stackAlive, postgrestAlive: isAlive(before.postgrestPid) }
      : { ...before, postgrestPid: undefined, postmasterPid: undefined, postmasterStart: 'stack process gone', stackAlive, postgrestAlive: false };
    return {
      options,
      durationMs: load.durationMs,
      requestsPerSecond: load.perSecond,
      kinds: [...stats.values()],
      before,
      after,
      trapConnections: trap.connections(),
      postgrestRssMb: postgrestRss,
      stackRssMb: stackRss,
      stackLog: new Map(stack.log),
      bystandersBefore,
      bystandersAfter,
    };
  } finally {
    await stack?.stop();
    if (stack && started) await reapOrphans(started, stack.info.dataDir);
    await trap.close();
  }
}

const LEGIT_READS = 'legit readers-page read';

/** What the soak must show, each unmet check as one line (none: the stack stood). */
export function hostileMixFailures(result: SoakResult): string[] {
  const failures: string[] = [];
  for (const kind of result.kinds) {
    if (kind.unanswered > 0)
      failures.push(`${kind.kind}: ${kind.unanswered} of ${kind.sentCompletely} complete requests got no answer (first: ${kind.firstProblem})`);
    if (kind.malformed > 0) failures.push(`${kind.kind}: ${kind.malformed} answers were not well-formed HTTP (first: ${kind.firstProblem})`);
  }
  const reads = result.kinds.find((kind) => kind.kind === LEGIT_READS);
  if (!reads || reads.sent === 0) failures.push('no legitimate reads were sent');
  else if (reads.unsuccessful > 0 || reads.unanswered > 0)
    failures.push(`legitimate reads: ${reads.unsuccessful + reads.unanswered} of ${reads.sent} failed (first: ${reads.firstProblem})`);
  for (const kind of result.kinds) {
    if (kind.kind !== LEGIT_READS && kind.unsuccessful > 0)
      failures.push(`${kind.kind}: ${kind.unsuccessful} of ${kind.answered} answers were not the ones expected (first: ${kind.firstProblem})`);
  }
  if (result.bystandersAfter !== result.bystandersBefore) {
    failures.push(`presence rows of the seed's readers changed:\n  before ${result.bystandersBefore}\n  after  ${result.bystandersAfter}`);
  }
  const { before, after } = result;
  if (!after.stackAlive) failures.push(`the stack process (pid ${before.stackPid}) is gone`);
  if (before.postgrestPid === undefined) failures.push("PostgREST was not found among the stack process's children");
  else if (after.postgrestPid !== before.postgrestPid || !after.postgrestAlive)
    failures.push(`PostgREST restarted or died (pid ${before.postgrestPid} -> ${after.postgrestPid ?? 'none'})`);
  if (after.postmasterStart !== before.postmasterStart)
    failures.push(`PostgreSQL restarted (postmaster start ${before.postmasterStart} -> ${after.postmasterStart})`);
  if (after.postmasterPid !== before.postmasterPid) failures.push(`the postmaster changed (pid ${before.postmasterPid} -> ${after.postmasterPid ?? 'none'})`);
  if (result.trapConnections > 0) failures.push(`the open-proxy trap received ${result.trapConnections} connections`);
  if (result.postgrestRssMb.max >= POSTGREST_RSS_CAP_MB) failures.push(`PostgREST grew to ${result.postgrestRssMb.max} MB (cap ${POSTGREST_RSS_CAP_MB} MB)`);
  return failures;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

export function formatSummary(result: SoakResult): string {
  const rows = result.kinds.map((kind) => [
    kind.kind,
    String(kind.sent),
    String(kind.sentCompletely),
    String(kind.answered),
    String(kind.unanswered),
    String(kind.cutOff),
    String(kind.malformed),
    String(kind.unsuccessful),
    [...kind.statuses]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, count]) => `${status}:${count}`)
      .join(' '),
  ]);
  const total = (field: 'sent' | 'sentCompletely' | 'answered' | 'unanswered' | 'cutOff' | 'malformed' | 'unsuccessful') =>
    String(result.kinds.reduce((sum, kind) => sum + kind[field], 0));
  rows.push([
    'total',
    total('sent'),
    total('sentCompletely'),
    total('answered'),
    total('unanswered'),
    total('cutOff'),
    total('malformed'),
    total('unsuccessful'),
    '',
  ]);
  const { before, after, options } = result;
  return [
    `hostile mix: ${(result.durationMs / 1000).toFixed(1)} s, concurrency ${options.concurrency}, seed ${options.seed}, ${result.requestsPerSecond.toFixed(0)} requests/s`,
    table(['kind', 'sent', 'complete', 'answered', 'unanswered', 'cut off', 'malformed', 'unexpected', 'statuses'], rows),
    '',
    `stack process  pid ${before.stackPid}: ${after.stackAlive ? 'running' : 'GONE'}; RSS ${result.stackRssMb.start} -> max ${result.stackRssMb.max} -> ${result.stackRssMb.end} MB`,
    `PostgREST      pid ${before.postgrestPid} -> ${after.postgrestPid ?? 'none'}; RSS ${result.postgrestRssMb.start} -> max ${result.postgrestRssMb.max} -> ${result.postgrestRssMb.end} MB (cap ${POSTGREST_RSS_CAP_MB})`,
    `PostgreSQL     postmaster pid ${before.postmasterPid} -> ${after.postmasterPid ?? 'none'}, started ${before.postmasterStart} -> ${after.postmasterStart}`,
    `open-proxy trap connections: ${result.trapConnections}`,
    `presence rows of the seed's readers: ${result.bystandersAfter === result.bystandersBefore ? 'unchanged' : 'CHANGED'}`,
    'stack log during the soak (count, message):',
    ...[...result.stackLog]
      .sort(([, a], [, b]) => b - a)
      .slice(0, 12)
      .map(([message, count]) => `  ${String(count).padStart(5)}  ${message}`),
  ].join('\n');
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

export function soakOptionsFromEnv(): SoakOptions {
  return { seconds: envInt('SOAK_SECONDS', 60), concurrency: envInt('SOAK_CONCURRENCY', 20), seed: envInt('SOAK_SEED', 20_251_201) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runHostileMix(soakOptionsFromEnv());
  console.log(formatSummary(result));
  const failures = hostileMixFailures(result);
  console.log(failures.length === 0 ? '\nthe stack stood' : `\nFAILED:\n- ${failures.join('\n- ')}`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}
