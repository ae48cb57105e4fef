/**
 * Video readings: what each step of a reading's life costs the database and how long a browser
 * waits for it, what the minute job that ends overdue readings costs on a table of many finished
 * ones, and a call's signalling between two signed-in supabase-js clients on the reading's private
 * topic, through the gateway and the Realtime service.
 *
 * Readings run one after another, each with a fresh client and an available reader with a live
 * device: through each path in turn, the first of each a warm-up that is not recorded. Over HTTP
 * (gateway, PostgREST, the signed-in user's token) for the waits, and as the same statement in
 * PostgreSQL with the role and claims PostgREST sets, in a transaction of its own, for the time,
 * the WAL and the messages of each step.
 */
import { randomUUID } from 'node:crypto';
import { createClient, REALTIME_SUBSCRIBE_STATES, type RealtimeChannel } from '@supabase/supabase-js';
import pg from 'pg';
import ws from 'ws';
import { signJwt } from '../../local-stack/jwt.ts';
import { checkReadAccess, checkWriteAccess } from '../../local-stack/realtime/authorization.ts';
import { autoExplained } from '../../tests/support/auto-explain.ts';
import type { BenchStack } from './bench-stack.ts';
import { actAs, currentTransactionId, rolledBackInsertsInto, transactionWalBetween, walPosition } from './database-counters.ts';
import { percentile } from './load.ts';
import {
  countTopics,
  READING_STEPS,
  signalBytes,
  signalsByEvent,
  typicalCallSignals,
  type CallSignal,
  type ReadingStep,
  type ReadingStepMeasure,
  type SignalSide,
  type Spread,
} from './reading-life-cycle.ts';
import { planBuffers } from './report.ts';

export interface OverdueJobRun {
  /** Open readings past their bound when it ran: requests that rang out, live readings one side left. */
  overdue: { ringing: number; live: number };
  /** What it returned: the readings it expired or ended. */
  ended: number;
  /** `select private.end_overdue_readings()` as the job calls it, seen from 127.0.0.1; each run rolled back, so each finds the same. */
  ms: { median: number; min: number; max: number };
  /** Shared buffers (hit and read) of its two statements that find overdue readings (and end them), from one more run (auto_explain). */
  buffers: number;
  /** The indexes those statements read. */
  indexes: string[];
  /** Whether either read public.readings sequentially. */
  seqScan: boolean;
  plan: string;
}

export interface OverdueJobMeasure {
  /** Ended readings in public.readings besides the open ones. */
  finishedReadings: number;
  /** public.readings' heap in pages, what reading it whole would touch. */
  tablePages: number;
  /** With nothing overdue (the usual minute), then with a few overdue. */
  runs: OverdueJobRun[];
}

export interface SignallingMeasure {
  calls: number;
  /** One call's messages by event, both sides together. */
  messagesPerCall: Record<string, number>;
  /** What the app hands supabase-js per call: `{ type, event, payload }` as JSON, every message. */
  payloadBytesPerCall: number;
  /** What the two participants' sockets sent and received from the first hello to the bye's acknowledgement (frames, WebSocket headers apart), median per call. */
  wireBytesPerCall: { sent: number; received: number };
  /** From a send to the other participant's handler, every message, one in flight at a time. */
  latencyMs: { p50: number; p95: number; max: number };
  /** Messages that had not reached the other participant WAIT_MS after they were sent. */
  lost: number;
  /** From subscribe() to SUBSCRIBED, each participant: socket opened, joined, read access checked. */
  joinMs: Spread;
  /** Authorisation checks the Realtime service ran in PostgreSQL per call (median), counted in the WAL: on the two joins, on the sends. */
  checksPerCall: { joins: number; sends: number };
  /** One read check and one write check as the service runs them (its own code, from this process over 127.0.0.1), medians. */
  checkMs: { read: number; write: number };
}

export interface ReadingsMeasure {
  /** Readings measured through each path (after one of each that warmed up). */
  readings: number;
  /** Ended readings in the table while the steps were measured. */
  finishedReadings: number;
  steps: ReadingStepMeasure[];
  overdueJob: OverdueJobMeasure;
  signalling: SignallingMeasure;
}

/** The options of the app's signalling channel (src/features/readings/services/reading-signalling.ts). */
const CHANNEL_OPTIONS = { config: { private: true, broadcast: { self: false, ack: true } } };
const WAIT_MS = 5_000;
const OVERDUE_OF_EACH_KIND = 3;
/** A side's last heartbeat is set this far back before its measured one, as on the 15-second interval. */
const HEARD_AGO = "interval '15 seconds'";

/** A signed-in user: their auth session is in the token, as the functions check it is still active. */
interface SignedIn {
  id: string;
  sessionId: string;
}

interface Person extends SignedIn {
  token: string;
}

interface Pair {
  client: Person;
  reader: Person;
}

interface StepCall {
  fn: string;
  by: SignalSide;
  /** The RPC's arguments: the reader asked for, or the reading. */
  args: (target: string) => Record<string, unknown>;
  /** The reading's state once it answered. */
  state: string;
}

const onReading = (target: string) => ({ reading_id: target });

const STEP_CALLS: Record<ReadingStep, StepCall> = {
  request: { fn: 'request_reading', by: 'client', args: (target) => ({ reader_id: target }), state: 'ringing' },
  accept: { fn: 'answer_reading', by: 'reader', args: (target) => ({ reading_id: target, accept: true }), state: 'live' },
  'heartbeat-client': { fn: 'reading_heartbeat', by: 'client', args: onReading, state: 'live' },
  'heartbeat-reader': { fn: 'reading_heartbeat', by: 'reader', args: onReading, state: 'live' },
  'heartbeat-absorbed': { fn: 'reading_heartbeat', by: 'client', args: onReading, state: 'live' },
  end: { fn: 'end_reading', by: 'client', args: onReading, state: 'ended' },
};

const STEP_NOTES: Record<ReadingStep, string> = {
  request: '',
  accept: '',
  'heartbeat-client': ', last heard 15 s before',
  'heartbeat-reader': ', last heard 15 s before',
  'heartbeat-absorbed': ', again at once (within 5 s: absorbed)',
  end: " (reason 'hung_up')",
};

function describeCall(step: ReadingStep): string {
  const call = STEP_CALLS[step];
  const args = Object.entries(call.args('<id>'))
    .map(([name, value]) => (value === '<id>' ? name : `${name}: ${String(value)}`))
    .join(', ');
  return `\`${call.fn}(${args})\` by the ${call.by}${STEP_NOTES[step]}`;
}

function statementOf(call: StepCall, target: string): { text: string; values: unknown[] } {
  const args = Object.entries(call.args(target));
  return {
    text: `select id::text as id, state::text as state from public.${call.fn}(${args.map(([name], index) => `${name} => $${index + 1}`).join(', ')})`,
    values: args.map(([, value]) => value),
  };
}

interface ReadingView {
  id: string;
  state: string;
}

interface StepInPostgres {
  view: ReadingView;
  postgresMs: number;
  commitMs: number;
  walBytes: number;
  topics: string[];
}

const personOf = (participants: Pair, call: StepCall) => participants[call.by];

function expectState(step: ReadingStep, view: ReadingView | undefined): ReadingView {
  const expected = STEP_CALLS[step].state;
  if (view?.state !== expected) throw new Error(`${STEP_CALLS[step].fn} (${step}) left the reading ${view?.state ?? 'missing'}, not ${expected}`);
  return view;
}

async function databaseClock(db: pg.Client): Promise<string> {
  const {
    rows: [clock],
  } = await db.query<{ at: string }>('select localtimestamp::text as at');
  return clock!.at;
}

/** The topics of the broadcasts inserted since `since` (the steps run one at a time, so these are the last step's). */
async function messagesSince(db: pg.Client, since: string): Promise<string[]> {
  const { rows } = await db.query<{ topic: string }>('select topic from realtime.messages where inserted_at >= $1::timestamp', [since]);
  return rows.map((row) => row.topic);
}

/** One step as PostgREST runs it in PostgreSQL: the role and claims, the RPC's statement, COMMIT. */
async function stepInPostgres(db: pg.Client, step: ReadingStep, participants: Pair, target: string): Promise<StepInPostgres> {
  const call = STEP_CALLS[step];
  const { text, values } = statementOf(call, target);
  const since = await databaseClock(db);
  const from = await walPosition(db);
  await db.query('begin');
  let view: ReadingView | undefined;
  let postgresMs: number;
  let xid: string;
  try {
    const caller = personOf(participants, call);
    await actAs(db, { role: 'authenticated', sub: caller.id, session_id: caller.sessionId });
    const started = performance.now();
    const { rows } = await db.query<ReadingView>(text, values);
    postgresMs = performance.now() - started;
    view = rows[0];
    xid = await currentTransactionId(db);
  } catch (error) {
    await db.query('rollback');
    throw error;
  }
  const committing = performance.now();
  await db.query('commit');
  const commitMs = performance.now() - committing;
  const { bytes: walBytes } = await transactionWalBetween(db, xid, from, await walPosition(db));
  return { view: expectState(step, view), postgresMs, commitMs, walBytes, topics: await messagesSince(db, since) };
}

/** One step as a browser makes it: POST /rest/v1/rpc/<fn> through the gateway with the user's token. */
async function stepOverHttp(stack: BenchStack, step: ReadingStep, participants: Pair, target: string): Promise<{ view: ReadingView; httpMs: number }> {
  const call = STEP_CALLS[step];
  const started = performance.now();
  const response = await fetch(`${stack.apiUrl}/rest/v1/rpc/${call.fn}`, {
    method: 'POST',
    headers: { apikey: stack.anonKey, authorization: `Bearer ${personOf(participants, call).token}`, 'content-type': 'application/json' },
    body: JSON.stringify(call.args(target)),
  });
  const body = await response.text();
  const httpMs = performance.now() - started;
  if (!response.ok) throw new Error(`${call.fn} (${step}) over HTTP: ${response.status} ${body.slice(0, 200)}`);
  return { view: expectState(step, JSON.parse(body) as ReadingView), httpMs };
}

// ---------------------------------------------------------------------------------------------
// The people
// ---------------------------------------------------------------------------------------------

/**
 * `count` online readers from the end of `readers` (the other measures use its start) whom nobody
 * follows with notifications on, each signed in with the session of their device.
 */
async function readersForReadings(db: pg.Client, readers: readonly string[], count: number): Promise<SignedIn[]> {
  const { rows } = await db.query<SignedIn>(
    `select r.id::text as "id", d.session_id::text as "sessionId"
     from unnest($1::uuid[]) with ordinality as r(id, n)
     cross join lateral (select d.session_id from private.reader_devices d where d.reader_id = r.id order by d.session_id limit 1) d
     where not exists (select from public.favourites f where f.reader_id = r.id and f.notify)
     order by r.n desc
     limit $2`,
    [readers.slice(-Math.min(readers.length, 2 * count + 100)), count],
  );
  if (rows.length < count) throw new Error(`the readings benchmark needs ${count} readers with a device whom nobody follows, found ${rows.length}`);
  return rows;
}

/** Clients made as sign-up makes them (the auth trigger creates their profiles), one per reading, each signed in (a session). */
async function addReadingClients(db: pg.Client, count: number): Promise<SignedIn[]> {
  const { rows } = await db.query<SignedIn>(
    `with clients as (
       insert into auth.users (id, aud, role, email, raw_user_meta_data, created_at, updated_at)
       select gen_random_uuid(), 'authenticated', 'authenticated', 'reading-client-' || n || '@bench.test',
              jsonb_build_object('display_name', 'Reading client ' || n), now(), now()
       from generate_series(1, $1::int) as n
       returning id
     )
     insert into auth.sessions (id, user_id, created_at, updated_at, aal)
     select gen_random_uuid(), id, now(), now(), 'aal1' from clients
     returning user_id::text as "id", id::text as "sessionId"`,
    [count],
  );
  return rows;
}

/**
 * The reader available with a device heard just now, recorded so: the minute jobs are off in the
 * benchmark and the heartbeat rounds were minutes ago.
 */
async function makeAvailable(db: pg.Client, readerId: string): Promise<void> {
  const devices = await db.query('update private.reader_devices set last_seen_at = now(), last_input_at = now() where reader_id = $1', [readerId]);
  if (!devices.rowCount) throw new Error(`reader ${readerId} has no device: the readings benchmark needs online readers`);
  await db.query(
    `update private.reader_presence set chosen_status = 'available', status_message = null, chosen_at = null, expires_at = null
     where reader_id = $1`,
    [readerId],
  );
  await db.query(
    `update public.users u set recorded_status = n.status
     from private.reader_presence_now n
     where n.reader_id = u.id and u.id = $1 and u.recorded_status <> n.status`,
    [readerId],
  );
}

/**
 * `count` ended readings between users of the data set over the last two months, 1 to 45 minutes
 * long: a reading's history, which no open-reading query should read. Written with the push
 * trigger off (no broadcasts for the past).
 */
async function addFinishedReadings(db: pg.Client, count: number): Promise<void> {
  await db.query('alter table public.readings disable trigger push_reading');
  try {
    await db.query(
      `with people as (select array_agg(id order by id) as ids from public.users),
            past as (
              select n, now() - interval '1 day' - (n % 60) * interval '1 day' - (n % 86400) * interval '1 second' as requested_at,
                     (1 + n % 45) * interval '1 minute' as lasted
              from generate_series(1, $1::int) as n
            )
       insert into public.readings (client_id, reader_id, price_per_minute, state, requested_at, answered_at, started_at,
                                    client_heard_at, reader_heard_at, ended_at, ended_by, end_reason)
       select p.ids[1 + n % cardinality(p.ids)], p.ids[1 + (n + 1) % cardinality(p.ids)], 2.99, 'ended', requested_at,
              requested_at + interval '15 seconds', requested_at + interval '15 seconds',
              requested_at + lasted, requested_at + lasted, requested_at + lasted,
              p.ids[1 + n % cardinality(p.ids)], 'hung_up'
       from past, people p`,
      [count],
    );
  } finally {
    await db.query('alter table public.readings enable trigger push_reading');
  }
  await db.query('vacuum analyze public.readings');
}

/** Both sides last heard `HEARD_AGO` (committed apart): their next heartbeats are writes, as on the 15-second interval. */
async function heardAgo(db: pg.Client, readingId: string): Promise<void> {
  await db.query(`update public.readings set client_heard_at = now() - ${HEARD_AGO}, reader_heard_at = now() - ${HEARD_AGO} where id = $1`, [readingId]);
}

// ---------------------------------------------------------------------------------------------
// A call's signalling
// ---------------------------------------------------------------------------------------------

function byteLength(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof ArrayBuffer) return data.byteLength;
  if (ArrayBuffer.isView(data)) return data.byteLength;
  if (Array.isArray(data)) return data.reduce((total: number, part) => total + byteLength(part), 0);
  return 0;
}

/** A WebSocket (the `ws` package, as push.ts uses) that counts the bytes of the frames it sends and receives. */
function countingTransport(bytes: { sent: number; received: number }) {
  return class CountingWebSocket extends ws {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      this.on('message', (data) => {
        bytes.received += byteLength(data);
      });
    }

    override send(data: unknown, ...rest: unknown[]): void {
      bytes.sent += byteLength(data);
      (ws.prototype.send as (this: ws, ...args: unknown[]) => void).call(this, data, ...rest);
    }
  };
}

/** A participant's browser: a supabase-js client signed in with the user's token, its socket counted. */
function participantClient(stack: BenchStack, token: string, bytes: { sent: number; received: number }) {
  return createClient(stack.apiUrl, stack.anonKey, {
    accessToken: () => Promise.resolve(token),
    realtime: { transport: countingTransport(bytes) as never },
  });
}

function joined(channel: RealtimeChannel): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new Error(`joining ${channel.topic} took over 10 s`));
    }, 10_000);
    channel.subscribe((status, error) => {
      if (settled) return;
      if (status === REALTIME_SUBSCRIBE_STATES.SUBSCRIBED) {
        settled = true;
        clearTimeout(timer);
        resolve(performance.now() - started);
      } else if (status !== REALTIME_SUBSCRIBE_STATES.CLOSED) {
        settled = true;
        clearTimeout(timer);
        reject(new Error(`joining ${channel.topic} ended ${status}${error ? `: ${error.message}` : ''}`));
      }
    });
  });
}

async function waitUntil(condition: () => boolean, deadline: number): Promise<void> {
  while (!condition() && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 1));
}

interface CallFigures {
  joinMs: number[];
  latencies: number[];
  lost: number;
  wire: { sent: number; received: number };
  checks: { joins: number; sends: number };
}

/**
 * Both participants join `reading:<id>` with the app's options and exchange `signals`, each sent
 * once the one before reached the other side; the Realtime service's authorisation checks are
 * counted in the WAL between the joins and between the sends (nothing else runs meanwhile).
 */
async function signallingCall(stack: BenchStack, db: pg.Client, readingId: string, participants: Pair, signals: readonly CallSignal[]): Promise<CallFigures> {
  const bytes = { sent: 0, received: 0 };
  const topic = `reading:${readingId}`;
  const clients = { client: participantClient(stack, participants.client.token, bytes), reader: participantClient(stack, participants.reader.token, bytes) };
  const received: Record<SignalSide, number[]> = { client: [], reader: [] };
  const channelOf = (side: SignalSide) =>
    clients[side].channel(topic, CHANNEL_OPTIONS).on('broadcast', { event: '*' }, () => {
      received[side].push(performance.now());
    });
  const channels = { client: channelOf('client'), reader: channelOf('reader') };
  try {
    const beforeJoins = await walPosition(db);
    const joinMs = await Promise.all([joined(channels.client), joined(channels.reader)]);
    const afterJoins = await walPosition(db);
    const wireBefore = { ...bytes };
    const latencies: number[] = [];
    let lost = 0;
    for (const signal of signals) {
      const to: SignalSide = signal.from === 'client' ? 'reader' : 'client';
      const arrived = received[to].length + 1;
      const sentAt = performance.now();
      const result = await channels[signal.from].send({ type: 'broadcast', event: signal.event, payload: signal.payload });
      if (result !== 'ok') throw new Error(`the ${signal.from}'s "${signal.event}" on ${topic} was not sent: ${result}`);
      await waitUntil(() => received[to].length >= arrived, sentAt + WAIT_MS);
      if (received[to].length >= arrived) latencies.push(received[to][arrived - 1]! - sentAt);
      else lost += 1;
    }
    const wire = { sent: bytes.sent - wireBefore.sent, received: bytes.received - wireBefore.received };
    const afterSends = await walPosition(db);
    return {
      joinMs,
      latencies,
      lost,
      wire,
      checks: {
        joins: await rolledBackInsertsInto(db, 'realtime.messages', beforeJoins, afterJoins),
        sends: await rolledBackInsertsInto(db, 'realtime.messages', afterJoins, afterSends),
      },
    };
  } finally {
    for (const client of Object.values(clients)) {
      await client.removeAllChannels();
      await client.realtime.disconnect();
    }
  }
}

/**
 * One read check and one write check of `reading:<id>` as the Realtime service runs them (its own
 * code), timed; on the benchmark's superuser connection, where the service logs in as
 * supabase_realtime_admin: both insert the probe past RLS, and the checks run as the user either way.
 */
async function timedChecks(pool: pg.Pool, readingId: string, person: Person): Promise<{ read: number; write: number }> {
  const topic = `reading:${readingId}`;
  const claims = { sub: person.id, role: 'authenticated', aud: 'authenticated', session_id: person.sessionId, exp: Math.floor(Date.now() / 1000) + 3600 };
  const readStarted = performance.now();
  const read = await checkReadAccess(pool, topic, claims, ['broadcast']);
  const readMs = performance.now() - readStarted;
  const writeStarted = performance.now();
  const write = await checkWriteAccess(pool, topic, claims, ['broadcast']);
  const writeMs = performance.now() - writeStarted;
  if (!read.ok || !read.allowed.broadcast || !write.ok || !write.allowed.broadcast) {
    throw new Error(`a participant of live reading ${readingId} was refused: read ${JSON.stringify(read)}, write ${JSON.stringify(write)}`);
  }
  return { read: readMs, write: writeMs };
}

// ---------------------------------------------------------------------------------------------
// The minute job
// ---------------------------------------------------------------------------------------------

/** The statements of end_overdue_readings() itself that look for overdue readings (not its triggers'). */
const OWN_STATEMENT = /reading_is_overdue/;

/** The indexes a plan reads, bitmap index scans included ("Bitmap Index Scan on <index>"). */
export function indexesRead(plan: string): string[] {
  return [...new Set([...plan.matchAll(/(?: using |Bitmap Index Scan on )(\w+)/g)].map((match) => match[1]!))];
}

async function overdueRun(db: pg.Client, overdue: { ringing: number; live: number }, repeats = 5): Promise<OverdueJobRun> {
  const runs: Array<{ ms: number; ended: number }> = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    await db.query('begin');
    try {
      const started = performance.now();
      const {
        rows: [result],
      } = await db.query<{ ended: number }>('select private.end_overdue_readings() as ended');
      runs.push({ ms: performance.now() - started, ended: result!.ended });
    } finally {
      await db.query('rollback');
    }
  }
  await db.query('begin');
  let plans: string[];
  try {
    plans = await autoExplained(db, async () => {
      await db.query('select private.end_overdue_readings()');
    });
  } finally {
    await db.query('rollback');
  }
  const own = plans.filter((plan) => OWN_STATEMENT.test(plan));
  runs.sort((a, b) => a.ms - b.ms);
  const middle = runs[Math.floor(runs.length / 2)]!;
  return {
    overdue,
    ended: middle.ended,
    ms: { median: middle.ms, min: runs[0]!.ms, max: runs.at(-1)!.ms },
    buffers: own.reduce((total, plan) => total + (planBuffers(plan) ?? 0), 0),
    indexes: [...new Set(own.flatMap(indexesRead))],
    seqScan: own.some((plan) => /Seq Scan on readings/.test(plan)),
    plan: own.join('\n\n'),
  };
}

/** A reading made through the functions (role and claims set) and committed, not measured. */
async function callAs(db: pg.Client, step: ReadingStep, participants: Pair, target: string): Promise<ReadingView> {
  return (await stepInPostgres(db, step, participants, target)).view;
}

/**
 * The job with nothing overdue (every minute, nearly always), then with OVERDUE_OF_EACH_KIND requests
 * that rang out and as many live readings one side left, made through the functions and set back in
 * time, among `finishedReadings` ended ones.
 */
async function measureOverdueJob(db: pg.Client, finishedReadings: number, pairs: readonly Pair[]): Promise<OverdueJobMeasure> {
  const quiet = await overdueRun(db, { ringing: 0, live: 0 });
  const ringing: string[] = [];
  const live: string[] = [];
  for (const [index, participants] of pairs.entries()) {
    await makeAvailable(db, participants.reader.id);
    const requested = await callAs(db, 'request', participants, participants.reader.id);
    if (index < OVERDUE_OF_EACH_KIND) {
      ringing.push(requested.id);
    } else {
      await callAs(db, 'accept', participants, requested.id);
      live.push(requested.id);
    }
  }
  await db.query(`update public.readings set requested_at = now() - interval '2 minutes' where id = any($1::uuid[])`, [ringing]);
  await db.query(
    `update public.readings
     set requested_at = now() - interval '11 minutes', answered_at = now() - interval '10 minutes', started_at = now() - interval '10 minutes',
         client_heard_at = now() - interval '3 minutes', reader_heard_at = now() - interval '3 minutes'
     where id = any($1::uuid[])`,
    [live],
  );
  await db.query('analyze public.readings');
  const busy = await overdueRun(db, { ringing: ringing.length, live: live.length });
  const {
    rows: [size],
  } = await db.query<{ pages: number }>(`select (pg_relation_size('public.readings') / current_setting('block_size')::int)::int as pages`);
  return { finishedReadings, tablePages: size!.pages, runs: [quiet, busy] };
}

// ---------------------------------------------------------------------------------------------
// The measure
// ---------------------------------------------------------------------------------------------

interface StepSamples {
  httpMs: number[];
  postgresMs: number[];
  commitMs: number[];
  walBytes: number[];
  messages: number[];
  topics: string[];
}

const noSamples = (): StepSamples => ({ httpMs: [], postgresMs: [], commitMs: [], walBytes: [], messages: [], topics: [] });

function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p95: percentile(sorted, 0.95) };
}

const median = (values: readonly number[]) => spread(values).p50;

/** A reading's life through PostgreSQL as PostgREST runs it: every step's time, WAL and messages. */
async function readingInPostgres(db: pg.Client, participants: Pair): Promise<Record<ReadingStep, StepInPostgres>> {
  await makeAvailable(db, participants.reader.id);
  const request = await stepInPostgres(db, 'request', participants, participants.reader.id);
  const readingId = request.view.id;
  const accept = await stepInPostgres(db, 'accept', participants, readingId);
  await heardAgo(db, readingId);
  const heartbeatClient = await stepInPostgres(db, 'heartbeat-client', participants, readingId);
  const heartbeatReader = await stepInPostgres(db, 'heartbeat-reader', participants, readingId);
  const heartbeatAbsorbed = await stepInPostgres(db, 'heartbeat-absorbed', participants, readingId);
  const end = await stepInPostgres(db, 'end', participants, readingId);
  return { request, accept, 'heartbeat-client': heartbeatClient, 'heartbeat-reader': heartbeatReader, 'heartbeat-absorbed': heartbeatAbsorbed, end };
}

/** A reading's life as the browsers live it: every step over HTTP, and the call's signalling while it is live. */
async function readingOverHttp(
  stack: BenchStack,
  db: pg.Client,
  pool: pg.Pool,
  participants: Pair,
  signals: readonly CallSignal[],
): Promise<{ httpMs: Record<ReadingStep, number>; call: CallFigures; checkMs: { read: number; write: number } }> {
  await makeAvailable(db, participants.reader.id);
  const request = await stepOverHttp(stack, 'request', participants, participants.reader.id);
  const readingId = request.view.id;
  const accept = await stepOverHttp(stack, 'accept', participants, readingId);
  const call = await signallingCall(stack, db, readingId, participants, signals);
  const checkMs = await timedChecks(pool, readingId, participants.client);
  await heardAgo(db, readingId);
  const heartbeatClient = await stepOverHttp(stack, 'heartbeat-client', participants, readingId);
  const heartbeatReader = await stepOverHttp(stack, 'heartbeat-reader', participants, readingId);
  const heartbeatAbsorbed = await stepOverHttp(stack, 'heartbeat-absorbed', participants, readingId);
  const end = await stepOverHttp(stack, 'end', participants, readingId);
  return {
    httpMs: {
      request: request.httpMs,
      accept: accept.httpMs,
      'heartbeat-client': heartbeatClient.httpMs,
      'heartbeat-reader': heartbeatReader.httpMs,
      'heartbeat-absorbed': heartbeatAbsorbed.httpMs,
      end: end.httpMs,
    },
    call,
    checkMs,
  };
}

/**
 * `readers` are online readers (a device each); those used come from its end and are left
 * available. `readings` readings through each path, `finishedReadings` ended ones in the table.
 */
export async function measureReadings(
  stack: BenchStack,
  db: pg.Client,
  readers: readonly string[],
  { readings, finishedReadings }: { readings: number; finishedReadings: number },
): Promise<ReadingsMeasure> {
  // The first reading of each path warms up PostgREST's connections and the plans; it is not recorded.
  const rounds = readings + 1;
  const people = 2 * rounds + 2 * OVERDUE_OF_EACH_KIND;
  const signedInReaders = await readersForReadings(db, readers, people);
  const signedInClients = await addReadingClients(db, people);
  const expires = Math.floor(Date.now() / 1000) + 24 * 3600;
  const person = ({ id, sessionId }: SignedIn): Person => ({
    id,
    sessionId,
    token: signJwt({ sub: id, role: 'authenticated', aud: 'authenticated', session_id: sessionId, exp: expires }, stack.jwtSecret),
  });
  const pairs = signedInReaders.map((reader, index): Pair => ({ client: person(signedInClients[index]!), reader: person(reader) }));
  await addFinishedReadings(db, finishedReadings);

  const samples = Object.fromEntries(READING_STEPS.map((step) => [step, noSamples()])) as Record<ReadingStep, StepSamples>;
  const calls: CallFigures[] = [];
  const checks: Array<{ read: number; write: number }> = [];
  const signals = typicalCallSignals({ client: randomUUID(), reader: randomUUID() });
  const pool = new pg.Pool({ connectionString: stack.dbUrl, max: 1, application_name: 'bench realtime checks' });
  try {
    for (let round = 0; round < rounds; round += 1) {
      const inPostgres = await readingInPostgres(db, pairs[2 * round]!);
      const overHttp = await readingOverHttp(stack, db, pool, pairs[2 * round + 1]!, typicalCallSignals({ client: randomUUID(), reader: randomUUID() }));
      if (round === 0) continue;
      for (const step of READING_STEPS) {
        const measured = inPostgres[step];
        const into = samples[step];
        into.httpMs.push(overHttp.httpMs[step]);
        into.postgresMs.push(measured.postgresMs);
        into.commitMs.push(measured.commitMs);
        into.walBytes.push(measured.walBytes);
        into.messages.push(measured.topics.length);
        into.topics = measured.topics;
      }
      calls.push(overHttp.call);
      checks.push(overHttp.checkMs);
    }
  } finally {
    await pool.end();
  }
  const overdueJob = await measureOverdueJob(db, finishedReadings, pairs.slice(2 * rounds));

  const latencies = calls.flatMap((call) => call.latencies).sort((a, b) => a - b);
  return {
    readings,
    finishedReadings,
    steps: READING_STEPS.map((step) => ({
      step,
      call: describeCall(step),
      httpMs: spread(samples[step].httpMs),
      postgresMs: spread(samples[step].postgresMs),
      commitMs: spread(samples[step].commitMs),
      walBytes: spread(samples[step].walBytes),
      messages: median(samples[step].messages),
      topics: countTopics(samples[step].topics),
    })),
    overdueJob,
    signalling: {
      calls: calls.length,
      messagesPerCall: signalsByEvent(signals),
      payloadBytesPerCall: signals.reduce((total, signal) => total + signalBytes(signal), 0),
      wireBytesPerCall: { sent: median(calls.map((call) => call.wire.sent)), received: median(calls.map((call) => call.wire.received)) },
      latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: latencies.at(-1) ?? 0 },
      lost: calls.reduce((total, call) => total + call.lost, 0),
      joinMs: spread(calls.flatMap((call) => call.joinMs)),
      checksPerCall: { joins: median(calls.map((call) => call.checks.joins)), sends: median(calls.map((call) => call.checks.sends)) },
      checkMs: { read: median(checks.map((check) => check.read)), write: median(checks.map((check) => check.write)) },
    },
  };
}
