/**
 * Video readings, by actor, through the API each actor really has (supabase-js through the gateway
 * and PostgREST, users signed up through Auth): a client asks an available reader, the reader
 * accepts or declines, the client may cancel, either ends it, both keep it going with heartbeats;
 * strangers and anonymous visitors see and change nothing. SQL only stands in for the clock (it
 * turns a reading's times back), runs the minute job as pg_cron would, and reads what is stored.
 * Every refusal is also checked for what it did not write. Realtime: readings-realtime.test.ts.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { createHmac } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { auditOf, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, DEMO_IDS, sql, startTestStack } from '../../support/test-stack.ts';
import {
  accessTokenOf,
  cardOf,
  clientWithToken,
  heartbeat,
  mintToken,
  myPresence,
  sessionIdOf,
  setStatus,
  signUpApplicant,
  signUpReader,
  type Reader,
  signUpClient as signUpClientOf,
  type SignedUpClient,
} from './presence-clients.ts';

type ReadingState = 'ringing' | 'declined' | 'expired' | 'cancelled' | 'live' | 'ended';

/** What every reading function answers (public.reading_view). */
interface ReadingView {
  id: string;
  state: ReadingState;
  client_id: string;
  client_name: string;
  reader_id: string;
  reader_name: string;
  price_per_minute: number;
  requested_at: string;
  expires_at: string | null;
  started_at: string | null;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: 'hung_up' | 'connection_lost' | 'abandoned' | null;
  duration_seconds: number | null;
  amount: number | null;
  charged_until: string | null;
  server_time: string;
}

/** A row of public.readings as the database holds it (numerics as text, times as Dates). */
interface Stored {
  state: ReadingState;
  client_id: string;
  reader_id: string;
  price_per_minute: string;
  requested_at: Date;
  answered_at: Date | null;
  started_at: Date | null;
  ended_at: Date | null;
  ended_by: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
  amount: string | null;
  client_heard_at: Date | null;
  reader_heard_at: Date | null;
}

type Client = SignedUpClient;

type Answer = { data: unknown; error: { code?: string; message: string; details?: string | null } | null; status: number };

let stack: RunningStack;
let db: PresenceQuery;
let anon: SupabaseClient;

beforeAll(async () => {
  // No scheduler: the minute job runs when a test says time has passed, never by itself.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  anon = clientFor(stack);
});

afterAll(async () => {
  await stack?.stop();
});

// ---------------------------------------------------------------------------------------------
// Actors and calls
// ---------------------------------------------------------------------------------------------

const signUpClient = (label: string) => signUpClientOf(stack, label);

/** A reader signed up, approved and online: one device heard just now, so Available. */
async function availableReader(label: string): Promise<Reader> {
  const reader = await signUpReader(stack, label);
  expect((await heartbeat(reader.client)).status).toBe('available');
  return reader;
}

const request = (caller: SupabaseClient, readerId: unknown) => caller.rpc('request_reading', { reader_id: readerId }) as PromiseLike<Answer>;
const answer = (caller: SupabaseClient, readingId: unknown, accept: unknown) =>
  caller.rpc('answer_reading', { reading_id: readingId, accept }) as PromiseLike<Answer>;
const cancel = (caller: SupabaseClient, readingId: unknown) => caller.rpc('cancel_reading', { reading_id: readingId }) as PromiseLike<Answer>;
const end = (caller: SupabaseClient, readingId: unknown, reason?: unknown) =>
  caller.rpc('end_reading', reason === undefined ? { reading_id: readingId } : { reading_id: readingId, reason }) as PromiseLike<Answer>;
const beat = (caller: SupabaseClient, readingId: unknown) => caller.rpc('reading_heartbeat', { reading_id: readingId }) as PromiseLike<Answer>;
const current = (caller: SupabaseClient) => caller.rpc('current_reading') as PromiseLike<Answer>;
const mine = (caller: SupabaseClient, args: Record<string, unknown> = {}) => caller.rpc('my_readings', args) as PromiseLike<Answer>;

/** The reading a call answered, or the error it failed with (so a test sees the database's words). */
async function view(call: PromiseLike<Answer>): Promise<ReadingView> {
  const { data, error } = await call;
  if (error) throw new Error(`reading call failed: ${error.code} ${error.message} (${error.details})`);
  return data as ReadingView;
}

/** How a call was refused: HTTP status, SQLSTATE, message and details. */
async function refusal(call: PromiseLike<Answer>): Promise<{ status: number; code?: string; message: string; details?: string | null }> {
  const { data, error, status } = await call;
  if (!error) throw new Error(`expected a refusal, got ${status} ${JSON.stringify(data)}`);
  return { status, code: error.code, message: error.message, details: error.details ?? null };
}

/** A refusal PostgREST answers 409 for: the reason code is in details, the words in message. */
const conflict = (details: string, message: string) => ({ status: 409, code: 'PT409', details, message });

/** current_reading when there is none: PostgREST answers a null composite as an object of nulls. */
function isNoReading(data: unknown): boolean {
  return data === null || (typeof data === 'object' && Object.values(data as Record<string, unknown>).every((value) => value === null));
}

/** A client's request accepted: the reading is live. */
async function liveReading(client: Client, reader: Reader): Promise<ReadingView> {
  const requested = await view(request(client.client, reader.userId));
  const accepted = await view(answer(reader.client, requested.id, true));
  expect(accepted.state).toBe('live');
  return accepted;
}

// ---------------------------------------------------------------------------------------------
// What is stored, and the clock
// ---------------------------------------------------------------------------------------------

async function stored(readingId: string): Promise<Stored> {
  const [row] = await sql<Stored & pg.QueryResultRow>(
    stack,
    `select state::text, client_id, reader_id, price_per_minute::text, requested_at, answered_at, started_at, ended_at, ended_by,
            end_reason::text, duration_seconds, amount::text, client_heard_at, reader_heard_at
     from public.readings where id = $1`,
    [readingId],
  );
  if (!row) throw new Error(`no reading ${readingId}`);
  return row;
}

/** Every reading either user takes part in, oldest first, as (state, client, reader). */
async function readingsOf(...userIds: string[]): Promise<Array<{ id: string; state: string; client_id: string; reader_id: string }>> {
  return sql(
    stack,
    `select id, state::text, client_id, reader_id from public.readings
     where client_id = any ($1::uuid[]) or reader_id = any ($1::uuid[]) order by requested_at, id`,
    [userIds],
  );
}

/** Time passes for a reading: these of its times are set that long before now() (intervals, or null to leave one). */
async function turnBack(readingId: string, ages: { requested?: string; started?: string; clientHeard?: string; readerHeard?: string }): Promise<void> {
  await sql(
    stack,
    `update public.readings
     set requested_at = coalesce(now() - $2::interval, requested_at),
         started_at = coalesce(now() - $3::interval, started_at),
         client_heard_at = coalesce(now() - $4::interval, client_heard_at),
         reader_heard_at = coalesce(now() - $5::interval, reader_heard_at)
     where id = $1`,
    [readingId, ages.requested ?? null, ages.started ?? null, ages.clientHeard ?? null, ages.readerHeard ?? null],
  );
}

/**
 * The minute job 'end-overdue-readings', as pg_cron runs it: how many it said it changed, and which
 * readings that were ringing or live before it are no longer (in one transaction, so exactly its work).
 */
async function overdueJob(): Promise<{ changed: number; settled: string[] }> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    await client.query('begin');
    const open = (await client.query<{ id: string }>("select id from public.readings where state in ('ringing', 'live')")).rows.map((row) => row.id);
    const [{ changed }] = (await client.query<{ changed: number }>('select private.end_overdue_readings() as changed')).rows as [{ changed: number }];
    const settled = (
      await client.query<{ id: string }>("select id from public.readings where id = any ($1::uuid[]) and state not in ('ringing', 'live') order by id", [open])
    ).rows.map((row) => row.id);
    await client.query('commit');
    return { changed, settled };
  } finally {
    await client.end();
  }
}

async function setLevel(readerId: string, level: 'Apprentice' | 'Adept' | 'Master'): Promise<number> {
  const [row] = await sql<{ price: string }>(
    stack,
    `update public.users u set level_id = l.id from public.reader_levels l where u.id = $1 and l.name = $2 returning l.base_price_per_minute::text as price`,
    [readerId, level],
  );
  return Number(row!.price);
}

const APPRENTICE_PRICE = 1.99;

// ---------------------------------------------------------------------------------------------
// A client asking
// ---------------------------------------------------------------------------------------------

describe('a client asking for a reading', () => {
  test("asks an available reader: a ringing request at the reader's level price now, with both names, ringing for 60 seconds", async () => {
    const client = await signUpClient('ask');
    const reader = await availableReader('ask');
    const price = await setLevel(reader.userId, 'Adept');
    expect(price).toBe(3.49);

    const asked = await view(request(client.client, reader.userId));
    expect(asked).toMatchObject({
      state: 'ringing',
      client_id: client.userId,
      client_name: 'Client ask',
      reader_id: reader.userId,
      reader_name: 'Reader ask',
      price_per_minute: 3.49,
      started_at: null,
      ended_at: null,
      ended_by: null,
      end_reason: null,
      duration_seconds: null,
      amount: null,
    });
    expect(new Date(asked.expires_at!).getTime() - new Date(asked.requested_at).getTime()).toBe(60_000);
    expect(Math.abs(new Date(asked.server_time).getTime() - new Date(asked.requested_at).getTime())).toBeLessThan(5_000);
    expect(await stored(asked.id)).toMatchObject({
      state: 'ringing',
      client_id: client.userId,
      reader_id: reader.userId,
      price_per_minute: '3.49',
      answered_at: null,
      started_at: null,
      client_heard_at: null,
      reader_heard_at: null,
    });

    // The price is the one agreed when asked: a later change of level does not touch it.
    await setLevel(reader.userId, 'Master');
    const accepted = await view(answer(reader.client, asked.id, true));
    expect(accepted.price_per_minute).toBe(3.49);
    expect((await stored(asked.id)).price_per_minute).toBe('3.49');
    // Nothing about the reader's presence changed by the request itself.
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat', 'reading_started']);
  });

  test('anon, oneself, a client, an applicant, an unknown id and null are refused, with nothing written', async () => {
    const client = await signUpClient('ask-wrong');
    const other = await signUpClient('ask-wrong-other');
    const applicant = await signUpApplicant(stack, 'ask-wrong-applicant');
    const reader = await availableReader('ask-wrong');

    expect(await refusal(request(anon, reader.userId))).toMatchObject({ status: 401, code: '42501' });
    expect(await refusal(request(reader.client, reader.userId))).toEqual({
      status: 400,
      code: '22023',
      message: 'you cannot ask yourself for a reading',
      details: null,
    });
    for (const id of [other.userId, applicant.userId, crypto.randomUUID()]) {
      expect(await refusal(request(client.client, id)), id).toEqual({ status: 404, code: 'P0002', message: 'no such reader', details: null });
    }
    expect(await refusal(request(client.client, null))).toEqual({ status: 400, code: '22023', message: 'choose a reader', details: null });
    expect(await readingsOf(client.userId, other.userId, applicant.userId, reader.userId)).toEqual([]);
  });

  test('a token whose session ended (signed out) or a minted one without a session is refused, for every reading call, and writes nothing', async () => {
    const client = await signUpClient('ask-ended-session');
    const reader = await availableReader('ask-ended-session');
    const reading = await view(request(client.client, reader.userId));
    const oldToken = await accessTokenOf(client.client);
    await client.client.auth.signOut({ scope: 'local' });
    const old = clientWithToken(stack, oldToken);
    const sessionless = clientWithToken(stack, mintToken(stack, { sub: client.userId }));
    for (const caller of [old, sessionless]) {
      for (const call of [request(caller, reader.userId), cancel(caller, reading.id), beat(caller, reading.id), current(caller), mine(caller)]) {
        expect(await refusal(call)).toMatchObject({ status: 403, code: '42501', message: 'this session has ended: sign in again' });
      }
    }
    expect((await readingsOf(client.userId)).map((stored) => stored.state)).toEqual(['ringing']);
  });

  test('a busy, away, auto-away or offline reader (signed out or appearing offline) is refused with why, and nothing is written', async () => {
    const client = await signUpClient('ask-unavailable');
    const busy = await availableReader('ask-busy');
    await setStatus(busy.client, 'busy', 'With a client');
    const away = await availableReader('ask-away');
    await setStatus(away.client, 'away');
    const idle = await availableReader('ask-idle');
    await sql(stack, "update private.reader_devices set last_input_at = now() - interval '10 minutes 1 second' where reader_id = $1", [idle.userId]);
    const signedOut = await signUpReader(stack, 'ask-signed-out');
    const hidden = await availableReader('ask-hidden');
    await setStatus(hidden.client, 'offline');

    for (const [reader, status, name] of [
      [busy, 'busy', 'ask-busy'],
      [away, 'away', 'ask-away'],
      [idle, 'away', 'ask-idle'],
      [signedOut, 'offline', 'ask-signed-out'],
      [hidden, 'offline', 'ask-hidden'],
    ] as const) {
      expect(await refusal(request(client.client, reader.userId)), name).toEqual(
        conflict(`reader_${status}`, `Reader ${name} is ${status}: readings are only with available readers`),
      );
    }
    expect(await readingsOf(client.userId, busy.userId, away.userId, idle.userId, signedOut.userId, hidden.userId)).toEqual([]);
  });

  test('a reader already ringing or live with someone else is refused as in another reading; so is a client with a reading under way', async () => {
    const first = await signUpClient('ask-first');
    const second = await signUpClient('ask-second');
    const reader = await availableReader('ask-taken');
    const otherReader = await availableReader('ask-taken-other');

    const ringing = await view(request(first.client, reader.userId));
    const inAnother = conflict('reader_in_reading', 'Reader ask-taken is in another reading');
    expect(await refusal(request(second.client, reader.userId))).toEqual(inAnother);
    // The first client cannot ring a second reader meanwhile, nor the same one again.
    const underWay = conflict('caller_in_reading', 'you already have a reading under way: end it first');
    expect(await refusal(request(first.client, otherReader.userId))).toEqual(underWay);
    expect(await refusal(request(first.client, reader.userId))).toEqual(underWay);

    await view(answer(reader.client, ringing.id, true));
    // Live: still "in another reading", not merely busy.
    expect(await refusal(request(second.client, reader.userId))).toEqual(inAnother);
    expect(await refusal(request(first.client, otherReader.userId))).toEqual(underWay);
    // A reader in a reading cannot ring anyone either (they may also be a client).
    expect(await refusal(request(reader.client, otherReader.userId))).toEqual(underWay);
    expect((await readingsOf(first.userId, second.userId, reader.userId, otherReader.userId)).map((row) => row.id)).toEqual([ringing.id]);

    // Once it ended, the reader may be asked again.
    await view(end(first.client, ringing.id));
    expect((await view(request(second.client, reader.userId))).state).toBe('ringing');
  });

  test('asks the same reader at most 3 times in ten minutes (429), and may again once ten minutes have passed', async () => {
    const client = await signUpClient('ask-limit-same');
    const reader = await availableReader('ask-limit-same');
    for (let i = 0; i < 3; i += 1) {
      const asked = await view(request(client.client, reader.userId));
      expect((await view(cancel(client.client, asked.id))).state).toBe('cancelled');
    }
    expect(await refusal(request(client.client, reader.userId))).toEqual({
      status: 429,
      code: 'PT429',
      message: 'too many reading requests: ask the same reader at most 3 times, and anyone at most 10 times, in 10 minutes',
      details: null,
    });
    expect(await readingsOf(client.userId)).toHaveLength(3);

    // Ten minutes and a second later the first two are out of the window.
    await sql(stack, "update public.readings set requested_at = requested_at - interval '10 minutes 1 second' where client_id = $1", [client.userId]);
    expect((await view(request(client.client, reader.userId))).state).toBe('ringing');
    expect(await readingsOf(client.userId)).toHaveLength(4);
  });

  test('asks anyone at most 10 times in ten minutes: the 11th request is refused (429) and writes nothing', async () => {
    const client = await signUpClient('ask-limit-all');
    // Nine earlier requests of this client, cancelled, two or one to each of the seed's readers.
    const { luna, orion, selene, rowan, admin } = DEMO_IDS;
    const earlier = [luna, luna, orion, orion, selene, selene, rowan, rowan, admin];
    await sql(
      stack,
      "insert into public.readings (client_id, reader_id, price_per_minute, state, answered_at) select $1, unnest($2::uuid[]), 1.99, 'cancelled', now()",
      [client.userId, earlier],
    );
    const tenth = await availableReader('ask-limit-tenth');
    const eleventh = await availableReader('ask-limit-eleventh');
    const asked = await view(request(client.client, tenth.userId));
    await view(cancel(client.client, asked.id));
    const refused = await refusal(request(client.client, eleventh.userId));
    expect([refused.status, refused.code]).toEqual([429, 'PT429']);
    expect(await readingsOf(eleventh.userId)).toEqual([]);
    expect(await readingsOf(client.userId)).toHaveLength(10);
  });

  test('two clients asking the same reader at the same moment: exactly one rings, the other is refused', async () => {
    const [one, two] = (await Promise.all(['ask-race-one', 'ask-race-two'].map(signUpClient))) as [Client, Client];
    const reader = await availableReader('ask-race');
    const answers = await Promise.all([request(one.client, reader.userId), request(two.client, reader.userId)]);
    const rang = answers.filter((each) => each.error === null);
    const refused = answers.filter((each) => each.error !== null);
    expect(rang).toHaveLength(1);
    expect(refused.map((each) => [each.status, each.error?.code, each.error?.details])).toEqual([[409, 'PT409', 'reader_in_reading']]);
    const rows = await readingsOf(reader.userId);
    expect(rows).toEqual([{ id: (rang[0]!.data as ReadingView).id, state: 'ringing', client_id: expect.any(String) as unknown, reader_id: reader.userId }]);
  });

  /** Another tab's request_reading, run by the test as that user in a transaction it commits when told. */
  async function requestInFlight(caller: Client, readerId: string): Promise<{ commit: () => Promise<void> }> {
    const claims = { sub: caller.userId, role: 'authenticated', session_id: await sessionIdOf(caller.client) };
    const other = new pg.Client({ connectionString: stack.dbUrl });
    await other.connect();
    await other.query('begin');
    await other.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify(claims)]);
    await other.query('set local role authenticated');
    await other.query('select public.request_reading($1)', [readerId]);
    return {
      commit: async () => {
        try {
          await other.query('commit');
        } finally {
          await other.end();
        }
      },
    };
  }

  /** Starts a call and reports whether it has settled yet, to see it wait for a lock. */
  function watched<T>(call: PromiseLike<T>): { done: Promise<T>; settled: () => boolean } {
    let settled = false;
    const done = Promise.resolve(call).finally(() => {
      settled = true;
    });
    return { done, settled: () => settled };
  }

  test('a client ringing two readers at once (two tabs): the second waits for the first and is refused as under way', async () => {
    const client = await signUpClient('ask-two-tabs');
    const [first, second] = await Promise.all([availableReader('ask-two-tabs-1'), availableReader('ask-two-tabs-2')]);
    const tab = await requestInFlight(client, first.userId);
    const next = watched(request(client.client, second.userId));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(next.settled()).toBe(false);
    await tab.commit();
    expect(await refusal(next.done)).toEqual(conflict('caller_in_reading', 'you already have a reading under way: end it first'));
    expect((await readingsOf(client.userId)).map((row) => [row.state, row.reader_id])).toEqual([['ringing', first.userId]]);
  });

  test('a reader being rung who rings another reader at that moment is refused: nobody is in two readings at once', async () => {
    const client = await signUpClient('ask-cross');
    const [rung, other] = await Promise.all([availableReader('ask-cross-rung'), availableReader('ask-cross-other')]);
    const ringing = await requestInFlight(client, rung.userId);
    const theirs = watched(request(rung.client, other.userId));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(theirs.settled()).toBe(false);
    await ringing.commit();
    expect(await refusal(theirs.done)).toEqual(conflict('caller_in_reading', 'you already have a reading under way: end it first'));
    expect((await readingsOf(rung.userId)).map((row) => [row.state, row.client_id, row.reader_id])).toEqual([['ringing', client.userId, rung.userId]]);
    expect(await readingsOf(other.userId)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The reader answering, the client cancelling
// ---------------------------------------------------------------------------------------------

describe('the reader answering', () => {
  test('accepts: the reading is live and the reader Busy for everyone, without their message, until it ends; then their own choice again', async () => {
    const client = await signUpClient('answer-accept');
    const reader = await availableReader('answer-accept');
    await setStatus(reader.client, 'available', 'Ask me about love');
    const asked = await view(request(client.client, reader.userId));

    const accepted = await view(answer(reader.client, asked.id, true));
    // At its very start nothing is charged yet, and that lasts no longer than the start itself.
    expect(accepted).toMatchObject({ id: asked.id, state: 'live', expires_at: null, ended_at: null, duration_seconds: null, amount: 0 });
    const live = await stored(asked.id);
    expect(live.state).toBe('live');
    expect(live.started_at!.getTime()).toBe(new Date(accepted.started_at!).getTime());
    expect(new Date(accepted.charged_until!).getTime()).toBe(live.started_at!.getTime());
    // Answered, started and heard from both sides at the same moment: the reader's accept.
    for (const at of [live.answered_at, live.client_heard_at, live.reader_heard_at]) expect(at!.getTime()).toBe(live.started_at!.getTime());

    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'busy', status_message: null, is_online: true, recorded_status: 'busy' });
    expect(await myPresence(reader.client)).toMatchObject({ status: 'busy', chosen_status: 'busy', status_message: null, expires_at: null });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'busy', cause: 'reading_started' },
    ]);
    // Choosing a status meanwhile is kept for afterwards and does not end the busy.
    await setStatus(reader.client, 'available', 'Back soon');
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'busy', status_message: null });

    const ended = await view(end(reader.client, asked.id));
    expect(ended).toMatchObject({ state: 'ended', ended_by: reader.userId, end_reason: 'hung_up' });
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'available', status_message: 'Back soon', recorded_status: 'available' });
    expect((await auditOf(db, reader.userId)).at(-1)).toEqual({ old_status: 'busy', new_status: 'available', cause: 'reading_ended' });
    expect(await auditOf(db, reader.userId)).toHaveLength(3);
  });

  test('declines: the request is declined, nothing starts, and the reader stays available with no audit row', async () => {
    const client = await signUpClient('answer-decline');
    const reader = await availableReader('answer-decline');
    const asked = await view(request(client.client, reader.userId));
    const declined = await view(answer(reader.client, asked.id, false));
    expect(declined).toMatchObject({ state: 'declined', started_at: null, expires_at: null });
    expect(await stored(asked.id)).toMatchObject({ state: 'declined', started_at: null, client_heard_at: null, reader_heard_at: null });
    expect((await stored(asked.id)).answered_at).not.toBeNull();
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'available', recorded_status: 'available' });
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat']);
    // The client may ask again (a refusal is not a limit by itself).
    expect((await view(request(client.client, reader.userId))).state).toBe('ringing');
  });

  test('only the reader answers: the client is refused (42501), a stranger and an unknown id get "no such reading", and nothing changes', async () => {
    const client = await signUpClient('answer-who');
    const stranger = await signUpClient('answer-who-stranger');
    const reader = await availableReader('answer-who');
    const asked = await view(request(client.client, reader.userId));

    expect(await refusal(answer(client.client, asked.id, true))).toEqual({
      status: 403,
      code: '42501',
      message: 'only the reader answers a reading request',
      details: null,
    });
    const nothing = { status: 404, code: 'P0002', message: 'no such reading', details: null };
    expect(await refusal(answer(stranger.client, asked.id, true))).toEqual(nothing);
    expect(await refusal(answer(stranger.client, crypto.randomUUID(), true))).toEqual(nothing);
    expect(await refusal(answer(anon, asked.id, true))).toMatchObject({ status: 401, code: '42501' });
    expect(await refusal(answer(reader.client, asked.id, null))).toEqual({ status: 400, code: '22023', message: 'accept or decline', details: null });
    expect(await stored(asked.id)).toMatchObject({ state: 'ringing', answered_at: null });
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat']);
  });

  test('answering again is refused with what the request became', async () => {
    const client = await signUpClient('answer-twice');
    const reader = await availableReader('answer-twice');
    const first = await view(request(client.client, reader.userId));
    await view(answer(reader.client, first.id, true));
    for (const accept of [true, false]) {
      expect(await refusal(answer(reader.client, first.id, accept))).toEqual(conflict('reading_live', 'this request is no longer ringing: it was live'));
    }
    await view(end(client.client, first.id));
    expect(await refusal(answer(reader.client, first.id, true))).toEqual(conflict('reading_ended', 'this request is no longer ringing: it was ended'));

    const second = await view(request(client.client, reader.userId));
    await view(answer(reader.client, second.id, false));
    expect(await refusal(answer(reader.client, second.id, true))).toEqual(conflict('reading_declined', 'this request is no longer ringing: it was declined'));
    expect((await stored(second.id)).state).toBe('declined');
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat', 'reading_started', 'reading_ended']);
  });

  test('the client cancels a ringing request; the reader cannot cancel; a cancelled one cannot be answered; an answered one is returned as it is', async () => {
    const client = await signUpClient('cancel');
    const reader = await availableReader('cancel');
    const asked = await view(request(client.client, reader.userId));
    expect(await refusal(cancel(reader.client, asked.id))).toEqual({
      status: 403,
      code: '42501',
      message: 'only the client cancels a reading request',
      details: null,
    });
    expect((await stored(asked.id)).state).toBe('ringing');

    const cancelled = await view(cancel(client.client, asked.id));
    expect(cancelled).toMatchObject({ state: 'cancelled', expires_at: null, started_at: null });
    const once = await stored(asked.id);
    expect(once.answered_at).not.toBeNull();
    expect(await view(cancel(client.client, asked.id))).toMatchObject({ state: 'cancelled' });
    expect(await stored(asked.id)).toEqual(once);
    expect(await refusal(answer(reader.client, asked.id, true))).toEqual(conflict('reading_cancelled', 'this request is no longer ringing: it was cancelled'));

    // Accepted just before the client's cancel arrived: the answer says it is live, and it stays so.
    const again = await view(request(client.client, reader.userId));
    await view(answer(reader.client, again.id, true));
    expect(await view(cancel(client.client, again.id))).toMatchObject({ id: again.id, state: 'live' });
    expect((await stored(again.id)).state).toBe('live');
    expect(await refusal(cancel(await signUpClient('cancel-stranger').then((s) => s.client), again.id))).toMatchObject({ status: 404, code: 'P0002' });
  });
});

// ---------------------------------------------------------------------------------------------
// Ringing out, and readings left by a crash
// ---------------------------------------------------------------------------------------------

describe('a request nobody answers', () => {
  test('rings for 60 seconds: at 59 it still rings; past 60 it has expired for whichever side reads it first', async () => {
    const client = await signUpClient('expire-read');
    const reader = await availableReader('expire-read');
    const asked = await view(request(client.client, reader.userId));

    await turnBack(asked.id, { requested: '59 seconds' });
    expect(await view(beat(reader.client, asked.id))).toMatchObject({ state: 'ringing' });
    await turnBack(asked.id, { requested: '60 seconds' });
    const expired = await view(beat(reader.client, asked.id));
    expect(expired).toMatchObject({ state: 'expired', expires_at: null, started_at: null });
    const row = await stored(asked.id);
    expect(row.state).toBe('expired');
    expect(row.answered_at).not.toBeNull();

    // The client's open tab learns it the same way.
    const { data, error } = await current(client.client);
    expect(error).toBeNull();
    expect(isNoReading(data)).toBe(true);
    expect(await refusal(answer(reader.client, asked.id, true))).toEqual(conflict('reading_expired', 'this request is no longer ringing: it was expired'));
  });

  test("the client's current_reading expires it too, and answers none", async () => {
    const client = await signUpClient('expire-current');
    const reader = await availableReader('expire-current');
    const asked = await view(request(client.client, reader.userId));
    expect(await view(current(client.client))).toMatchObject({ id: asked.id, state: 'ringing' });
    expect(await view(current(reader.client))).toMatchObject({ id: asked.id, state: 'ringing' });
    await turnBack(asked.id, { requested: '61 seconds' });
    expect(isNoReading((await current(client.client)).data)).toBe(true);
    expect((await stored(asked.id)).state).toBe('expired');
    expect(isNoReading((await current(reader.client)).data)).toBe(true);
  });

  test('the minute job expires requests nobody reads, and leaves younger ones; the reader may then be asked again', async () => {
    const client = await signUpClient('expire-job');
    const young = await signUpClient('expire-job-young');
    const reader = await availableReader('expire-job');
    const otherReader = await availableReader('expire-job-other');
    const old = await view(request(client.client, reader.userId));
    const fresh = await view(request(young.client, otherReader.userId));
    await turnBack(old.id, { requested: '61 seconds' });
    await turnBack(fresh.id, { requested: '50 seconds' });

    const { changed, settled } = await overdueJob();
    expect(changed).toBe(settled.length);
    expect(settled).toContain(old.id);
    expect(settled).not.toContain(fresh.id);
    expect(await stored(old.id)).toMatchObject({ state: 'expired', ended_at: null, end_reason: null });
    expect((await stored(fresh.id)).state).toBe('ringing');
    expect(await refusal(answer(reader.client, old.id, true))).toEqual(conflict('reading_expired', 'this request is no longer ringing: it was expired'));
    // Expiry is no presence change.
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat']);

    const another = await signUpClient('expire-job-next');
    expect((await view(request(another.client, reader.userId))).state).toBe('ringing');
  });

  test('a request rung out is settled by the next request to that reader: it is allowed', async () => {
    const client = await signUpClient('expire-next');
    const next = await signUpClient('expire-next-other');
    const reader = await availableReader('expire-next');
    const asked = await view(request(client.client, reader.userId));
    await turnBack(asked.id, { requested: '61 seconds' });
    expect((await view(request(next.client, reader.userId))).state).toBe('ringing');
    expect((await stored(asked.id)).state).toBe('expired');
    // And the first client, whose request rang out, may ask someone else.
    const elsewhere = await availableReader('expire-next-elsewhere');
    expect((await view(request(client.client, elsewhere.userId))).state).toBe('ringing');
  });
});

describe('a live reading one side left', () => {
  test('the reader silent for two minutes: the job ends it at their last heartbeat, abandoned, by nobody, and the reader is no longer busy', async () => {
    const client = await signUpClient('crash-reader');
    const reader = await availableReader('crash-reader');
    const live = await liveReading(client, reader);
    await turnBack(live.id, { started: '5 minutes', clientHeard: '10 seconds', readerHeard: '1 minute 59 seconds' });
    expect((await overdueJob()).settled).not.toContain(live.id);

    // The same moment for every clock (one statement's now()), so the length is exact.
    await turnBack(live.id, { started: '5 minutes', clientHeard: '10 seconds', readerHeard: '2 minutes 1 second' });
    const before = await stored(live.id);
    const { changed, settled } = await overdueJob();
    expect(settled).toContain(live.id);
    expect(changed).toBe(settled.length);
    const after = await stored(live.id);
    expect(after).toMatchObject({ state: 'ended', end_reason: 'abandoned', ended_by: null });
    expect(after.ended_at!.getTime()).toBe(before.reader_heard_at!.getTime());
    // 5:00 - 2:01 of reading: 179 seconds, three started minutes.
    expect([after.duration_seconds, after.amount]).toEqual([179, (3 * APPRENTICE_PRICE).toFixed(2)]);
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'available', recorded_status: 'available' });
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat', 'reading_started', 'reading_ended']);
    // Both sides now read it as ended.
    expect(await view(beat(client.client, live.id))).toMatchObject({ state: 'ended', end_reason: 'abandoned', ended_by: null });
  });

  test("the client silent for two minutes: ended at the client's last heartbeat; the reader's next heartbeat is the first to find it", async () => {
    const client = await signUpClient('crash-client');
    const reader = await availableReader('crash-client');
    const live = await liveReading(client, reader);
    await turnBack(live.id, { started: '3 minutes', clientHeard: '2 minutes', readerHeard: '20 seconds' });
    const heardLast = (await stored(live.id)).client_heard_at!;
    // No job yet: the reader's own heartbeat settles it, and answers what it became.
    const found = await view(beat(reader.client, live.id));
    expect(found).toMatchObject({ state: 'ended', end_reason: 'abandoned', ended_by: null, duration_seconds: 60, amount: APPRENTICE_PRICE });
    expect(new Date(found.ended_at!).getTime()).toBe(heardLast.getTime());
    expect((await stored(live.id)).ended_at!.getTime()).toBe(heardLast.getTime());
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'available' });
  });

  test("both sides' heartbeats keep it going; when only one side keeps sending, it ends at the other's last", async () => {
    const client = await signUpClient('crash-beats');
    const reader = await availableReader('crash-beats');
    const live = await liveReading(client, reader);
    // A minute and fifty seconds since either was heard; both heartbeats arrive now.
    await turnBack(live.id, { started: '10 minutes', clientHeard: '1 minute 50 seconds', readerHeard: '1 minute 50 seconds' });
    for (const side of [client.client, reader.client]) expect((await view(beat(side, live.id))).state).toBe('live');
    const heard = await stored(live.id);
    expect(Date.now() - heard.client_heard_at!.getTime()).toBeLessThan(10_000);
    expect(Date.now() - heard.reader_heard_at!.getTime()).toBeLessThan(10_000);

    // Another 1:50 passes for everything: still fine, as both were heard.
    await sql(
      stack,
      `update public.readings set started_at = started_at - interval '110 seconds', client_heard_at = client_heard_at - interval '110 seconds',
              reader_heard_at = reader_heard_at - interval '110 seconds' where id = $1`,
      [live.id],
    );
    expect((await overdueJob()).settled).not.toContain(live.id);
    // Only the client keeps sending; the reader's side is 3:40 silent after the next 1:50.
    expect((await view(beat(client.client, live.id))).state).toBe('live');
    await sql(
      stack,
      `update public.readings set started_at = started_at - interval '110 seconds', client_heard_at = client_heard_at - interval '110 seconds',
              reader_heard_at = reader_heard_at - interval '110 seconds' where id = $1`,
      [live.id],
    );
    const before = await stored(live.id);
    expect((await overdueJob()).settled).toContain(live.id);
    const after = await stored(live.id);
    expect(after).toMatchObject({ state: 'ended', end_reason: 'abandoned', ended_by: null });
    expect(after.ended_at!.getTime()).toBe(before.reader_heard_at!.getTime());
  });

  test('a heartbeat within five seconds of the last writes nothing, and still answers the reading as it stands', async () => {
    const client = await signUpClient('beat-absorbed');
    const reader = await availableReader('beat-absorbed');
    const live = await liveReading(client, reader);
    const accepted = await stored(live.id);
    // Right after the accept (which counts as both sides heard): absorbed.
    for (const side of [reader.client, client.client]) {
      expect(await view(beat(side, live.id))).toMatchObject({ id: live.id, state: 'live', reader_id: reader.userId, client_id: client.userId });
    }
    expect(await stored(live.id)).toEqual(accepted);
    // Six seconds later: the reader's heartbeat is written, the client's clock is left alone.
    await turnBack(live.id, { readerHeard: '6 seconds', clientHeard: '6 seconds' });
    const aged = await stored(live.id);
    expect((await view(beat(reader.client, live.id))).state).toBe('live');
    const beaten = await stored(live.id);
    expect(beaten.reader_heard_at!.getTime()).toBeGreaterThan(aged.reader_heard_at!.getTime());
    expect(beaten.client_heard_at).toEqual(aged.client_heard_at);
  });
});

// ---------------------------------------------------------------------------------------------
// The record of a reading: duration and amount
// ---------------------------------------------------------------------------------------------

describe('the record of a reading', () => {
  test.each([
    ['0 seconds', 0, 0],
    ['1 second', 1, 1],
    ['60 seconds', 60, 1],
    ['61 seconds', 61, 2],
    ['125 seconds', 125, 3],
  ])('%s of reading cost every started minute: %i seconds, %i minutes at the agreed price', async (length, seconds, minutes) => {
    const client = await signUpClient(`record-${seconds}`);
    const reader = await availableReader(`record-${seconds}`);
    const live = await liveReading(client, reader);
    // Both sides last heard exactly `length` after the start, long ago: the job ends it at that moment.
    await sql(
      stack,
      `update public.readings
       set started_at = now() - interval '10 minutes',
           client_heard_at = now() - interval '10 minutes' + $2::interval,
           reader_heard_at = now() - interval '10 minutes' + $2::interval
       where id = $1`,
      [live.id, length],
    );
    expect((await overdueJob()).settled).toContain(live.id);
    const row = await stored(live.id);
    expect(row.ended_at!.getTime() - row.started_at!.getTime()).toBe(seconds * 1000);
    expect([row.duration_seconds, row.amount]).toEqual([seconds, (minutes * APPRENTICE_PRICE).toFixed(2)]);
    const record = await view(beat(client.client, live.id));
    expect([record.duration_seconds, record.amount]).toEqual([seconds, Number((minutes * APPRENTICE_PRICE).toFixed(2))]);
  });

  test('while live, both sides are told the cost so far and when it next grows, by the same rule', async () => {
    const client = await signUpClient('record-so-far');
    const reader = await availableReader('record-so-far');
    const price = await setLevel(reader.userId, 'Master');
    const live = await liveReading(client, reader);
    for (const [age, minutes] of [
      ['59 seconds', 1],
      ['61 seconds', 2],
      ['10 minutes 30 seconds', 11],
    ] as const) {
      await turnBack(live.id, { started: age, clientHeard: '1 second', readerHeard: '1 second' });
      const started = (await stored(live.id)).started_at!.getTime();
      for (const told of [await view(beat(client.client, live.id)), await view(beat(reader.client, live.id)), await view(current(client.client))]) {
        expect(told).toMatchObject({ state: 'live', amount: Number((minutes * price).toFixed(2)), duration_seconds: null });
        expect(new Date(told.charged_until!).getTime() - started).toBe(minutes * 60_000);
      }
    }
    // Once ended, the amount is the record's and nothing grows any more.
    const ended = await view(end(client.client, live.id));
    expect(ended).toMatchObject({ state: 'ended', amount: Number((11 * price).toFixed(2)), charged_until: null });
  });

  test("a reader hanging up: ended now by the server's clock, by them, hung_up; a started second and minute count", async () => {
    const client = await signUpClient('record-hang-up');
    const reader = await availableReader('record-hang-up');
    const price = await setLevel(reader.userId, 'Master');
    const live = await liveReading(client, reader);
    await turnBack(live.id, { started: '61 seconds' });
    const ended = await view(end(reader.client, live.id, 'hung_up'));
    const row = await stored(live.id);
    expect(row).toMatchObject({ state: 'ended', ended_by: reader.userId, end_reason: 'hung_up' });
    expect(Date.now() - row.ended_at!.getTime()).toBeLessThan(10_000);
    const exact = (row.ended_at!.getTime() - row.started_at!.getTime()) / 1000;
    // ended_at is microseconds; Date keeps milliseconds: the stored duration is the exact one rounded up.
    expect(row.duration_seconds).toBeGreaterThanOrEqual(Math.ceil(exact));
    expect(row.duration_seconds).toBeLessThanOrEqual(Math.ceil(exact) + 1);
    expect(row.duration_seconds).toBeGreaterThanOrEqual(62);
    expect(row.amount).toBe((2 * price).toFixed(2));
    expect(ended).toMatchObject({ state: 'ended', ended_by: reader.userId, end_reason: 'hung_up', duration_seconds: row.duration_seconds, amount: 2 * price });
  });

  test("a client's browser giving up: connection_lost, by the client; the default reason is hung_up", async () => {
    const client = await signUpClient('record-lost');
    const reader = await availableReader('record-lost');
    const live = await liveReading(client, reader);
    await turnBack(live.id, { started: '58 seconds' });
    expect(await view(end(client.client, live.id, 'connection_lost'))).toMatchObject({ ended_by: client.userId, end_reason: 'connection_lost' });
    const row = await stored(live.id);
    expect(row.duration_seconds).toBeGreaterThanOrEqual(59);
    expect(row.amount).toBe(APPRENTICE_PRICE.toFixed(2));

    const other = await signUpClient('record-default');
    const again = await liveReading(other, reader);
    expect(await view(end(other.client, again.id))).toMatchObject({ ended_by: other.userId, end_reason: 'hung_up', amount: APPRENTICE_PRICE });
  });

  test('nobody may say abandoned, nor no reason; ending an ended reading again returns it unchanged; one that did not start cannot end', async () => {
    const client = await signUpClient('record-rules');
    const reader = await availableReader('record-rules');
    const live = await liveReading(client, reader);
    const why = { status: 400, code: '22023', message: 'a reading ends because someone hung up or the connection was lost', details: null };
    expect(await refusal(end(client.client, live.id, 'abandoned'))).toEqual(why);
    expect(await refusal(end(reader.client, live.id, null))).toEqual(why);
    expect(await refusal(end(reader.client, live.id, 'exploded'))).toMatchObject({ status: 400, code: '22P02' });
    expect((await stored(live.id)).state).toBe('live');

    const first = await view(end(client.client, live.id));
    const once = await stored(live.id);
    // Both hang up at once: the second sees the first's ending.
    expect(await view(end(reader.client, live.id, 'connection_lost'))).toMatchObject({
      state: 'ended',
      ended_by: client.userId,
      end_reason: 'hung_up',
      ended_at: first.ended_at,
    });
    expect(await stored(live.id)).toEqual(once);
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat', 'reading_started', 'reading_ended']);

    const ringing = await view(request(client.client, reader.userId));
    expect(await refusal(end(client.client, ringing.id))).toEqual(conflict('reading_ringing', 'this reading did not start: it was ringing'));
    await view(answer(reader.client, ringing.id, false));
    expect(await refusal(end(reader.client, ringing.id))).toEqual(conflict('reading_declined', 'this reading did not start: it was declined'));
    expect(await stored(ringing.id)).toMatchObject({ state: 'declined', ended_at: null, ended_by: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Who sees a reading
// ---------------------------------------------------------------------------------------------

describe('who sees a reading', () => {
  let client: Client;
  let stranger: Client;
  let reader: Reader;
  let live: ReadingView;

  beforeAll(async () => {
    client = await signUpClient('see-client');
    stranger = await signUpClient('see-stranger');
    reader = await availableReader('see-reader');
    live = await liveReading(client, reader);
  });

  test('the two participants read the row; a third user reads nothing of it and anon is refused', async () => {
    for (const participant of [client.client, reader.client]) {
      const { data, error } = await participant.from('readings').select('id, state, client_id, reader_id, price_per_minute');
      expect(error).toBeNull();
      expect(data).toEqual([{ id: live.id, state: 'live', client_id: client.userId, reader_id: reader.userId, price_per_minute: APPRENTICE_PRICE }]);
    }
    expect((await stranger.client.from('readings').select('*')).data).toEqual([]);
    expect((await stranger.client.from('readings').select('*').eq('id', live.id)).data).toEqual([]);
    const asAnon = await anon.from('readings').select('*');
    expect([asAnon.status, asAnon.error?.code]).toEqual([401, '42501']);
  });

  test('nobody writes the table, participants included: only the functions do', async () => {
    const before = await stored(live.id);
    const update = await client.client.from('readings').update({ state: 'ended', price_per_minute: 0 }).eq('id', live.id);
    expect(update.error?.code).toBe('42501');
    const insert = await client.client.from('readings').insert({ client_id: client.userId, reader_id: reader.userId, price_per_minute: 0 });
    expect(insert.error?.code).toBe('42501');
    const remove = await reader.client.from('readings').delete().eq('id', live.id);
    expect(remove.error?.code).toBe('42501');
    expect(await stored(live.id)).toEqual(before);
  });

  test('the participants get it from heartbeat and current_reading; a third user gets "no such reading" or none; anon is refused', async () => {
    for (const participant of [client.client, reader.client]) {
      expect(await view(beat(participant, live.id))).toMatchObject({ id: live.id, state: 'live' });
      expect(await view(current(participant))).toMatchObject({
        id: live.id,
        state: 'live',
        client_name: 'Client see-client',
        reader_name: 'Reader see-reader',
      });
    }
    const nothing = { status: 404, code: 'P0002', message: 'no such reading', details: null };
    expect(await refusal(beat(stranger.client, live.id))).toEqual(nothing);
    expect(await refusal(end(stranger.client, live.id))).toEqual(nothing);
    expect(await refusal(cancel(stranger.client, live.id))).toEqual(nothing);
    const theirs = await current(stranger.client);
    expect([theirs.error, isNoReading(theirs.data)]).toEqual([null, true]);
    for (const call of [beat(anon, live.id), current(anon), mine(anon), end(anon, live.id), cancel(anon, live.id)]) {
      expect(await refusal(call)).toMatchObject({ status: 401, code: '42501' });
    }
    expect((await stored(live.id)).state).toBe('live');
  });
});

// ---------------------------------------------------------------------------------------------
// The call's ICE servers: TURN credentials for the participants of a live reading only
// ---------------------------------------------------------------------------------------------

describe('ICE servers for the call', () => {
  const TURN_SECRET = 'shared-with-the-relay-0123456789';
  const iceServers = (caller: SupabaseClient, readingId: unknown) => caller.rpc('reading_ice_servers', { reading_id: readingId }) as PromiseLike<Answer>;
  const configure = (urls: string[] | null, secret: string | null) =>
    sql(stack, 'insert into private.reading_ice_servers (urls, turn_secret) values ($1, $2)', [urls, secret]);

  afterAll(async () => {
    await sql(stack, 'delete from private.reading_ice_servers');
  });

  test('none configured (as locally): the participants of a live reading get an empty list', async () => {
    const client = await signUpClient('ice-none');
    const reader = await availableReader('ice-none');
    const live = await liveReading(client, reader);
    for (const participant of [client.client, reader.client]) expect(await iceServers(participant, live.id)).toMatchObject({ data: [], error: null });
  });

  test('STUN as configured; TURN with a day-long credential of each participant their own, which the relay can check with the secret', async () => {
    await configure(['stun:stun.example.org:3478'], null);
    await configure(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'], TURN_SECRET);
    try {
      const client = await signUpClient('ice-turn');
      const reader = await availableReader('ice-turn');
      const live = await liveReading(client, reader);
      for (const participant of [client, reader]) {
        const before = Date.now();
        const { data, error } = await iceServers(participant.client, live.id);
        expect(error).toBeNull();
        const [stun, turn] = data as [RTCIceServer, { urls: string[]; username: string; credential: string }];
        expect(stun).toEqual({ urls: ['stun:stun.example.org:3478'] });
        expect(turn.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
        const [expiry, userId] = turn.username.split(':');
        expect(userId).toBe(participant.userId);
        expect(Number(expiry) * 1000 - before).toBeGreaterThan(24 * 3600_000 - 10_000);
        expect(Number(expiry) * 1000 - before).toBeLessThan(24 * 3600_000 + 10_000);
        expect(turn.credential).toBe(createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64'));
        expect(JSON.stringify(data)).not.toContain(TURN_SECRET);
      }
    } finally {
      await sql(stack, 'delete from private.reading_ice_servers');
    }
  });

  test('a stranger gets "no such reading", anon is refused, and a reading not under way gets none, with why', async () => {
    await configure(['turn:turn.example.org:3478'], TURN_SECRET);
    try {
      const client = await signUpClient('ice-refused');
      const stranger = await signUpClient('ice-stranger');
      const reader = await availableReader('ice-refused');
      const asked = await view(request(client.client, reader.userId));
      for (const participant of [client.client, reader.client]) {
        expect(await refusal(iceServers(participant, asked.id))).toMatchObject({ status: 409, code: 'PT409', details: 'reading_ringing' });
      }
      await view(answer(reader.client, asked.id, true));
      expect(await refusal(iceServers(stranger.client, asked.id))).toEqual({ status: 404, code: 'P0002', message: 'no such reading', details: null });
      expect(await refusal(iceServers(anon, asked.id))).toMatchObject({ status: 401, code: '42501' });
      for (const hostile of ['not-a-uuid', null, 42, 'x'.repeat(100_000)]) {
        expect((await refusal(iceServers(client.client, hostile))).status).toBeGreaterThanOrEqual(400);
      }
      await view(end(reader.client, asked.id));
      expect(await refusal(iceServers(client.client, asked.id))).toMatchObject({ status: 409, code: 'PT409', details: 'reading_ended' });
      // The secret is not reachable through the API, not even with the service key.
      const service = clientFor(stack, stack.serviceRoleKey);
      expect(
        (
          await service
            .schema('private' as 'public')
            .from('reading_ice_servers')
            .select('*')
        ).error,
      ).not.toBeNull();
    } finally {
      await sql(stack, 'delete from private.reading_ice_servers');
    }
  });

  test.each([
    ['no URL', [], null],
    ['nine URLs', Array.from({ length: 9 }, (_, n) => `stun:stun${n}.example.org`), null],
    ['an http URL', ['https://stun.example.org'], null],
    ['a scheme alone', ['stun:'], null],
    ['a URL with a space', ['stun:stun.example.org 3478'], null],
    ['a null URL', ['stun:stun.example.org', null], null],
    ['STUN and TURN in one row', ['stun:stun.example.org', 'turn:turn.example.org'], TURN_SECRET],
    ['TURN without its secret', ['turn:turn.example.org'], null],
    ['STUN with a secret', ['stun:stun.example.org'], TURN_SECRET],
    ['a secret too short to keep anyone out', ['turn:turn.example.org'], 'short'],
  ])('operations configuring %s are refused by the table, and nothing is stored', async (_case, urls, secret) => {
    await expect(configure(urls as string[], secret)).rejects.toMatchObject({ code: '23514' });
    expect(await sql(stack, 'select * from private.reading_ice_servers')).toEqual([]);
  });
});

describe('my_readings', () => {
  test('lists the readings that took place, as client or reader, newest first, a page at a time; nothing of anyone else', async () => {
    const client = await signUpClient('history-client');
    const both = await availableReader('history-both');
    const other = await availableReader('history-other');
    const stranger = await signUpClient('history-stranger');

    // The client's reading with `both`, then `both` as a client of `other`; a declined and a ringing request are no history.
    const first = await liveReading(client, both);
    await turnBack(first.id, { started: '2 minutes' });
    await view(end(client.client, first.id));
    const second = await liveReading({ client: both.client, userId: both.userId }, other);
    await view(end(other.client, second.id));
    const declined = await view(request(client.client, other.userId));
    await view(answer(other.client, declined.id, false));
    await view(request(client.client, both.userId));

    const idsOf = async (caller: SupabaseClient, args: Record<string, unknown> = {}) => {
      const { data, error } = await mine(caller, args);
      expect(error).toBeNull();
      return (data as ReadingView[]).map((row) => [row.id, row.state]);
    };
    expect(await idsOf(both.client)).toEqual([
      [second.id, 'ended'],
      [first.id, 'ended'],
    ]);
    expect(await idsOf(client.client)).toEqual([[first.id, 'ended']]);
    expect(await idsOf(other.client)).toEqual([[second.id, 'ended']]);
    expect(await idsOf(stranger.client)).toEqual([]);

    const [newest] = (await mine(both.client, { page_size: 1 })).data as ReadingView[];
    expect(newest).toMatchObject({ id: second.id, client_id: both.userId, reader_id: other.userId, client_name: 'Reader history-both' });
    expect(await idsOf(both.client, { page_size: 1, before: newest!.started_at })).toEqual([[first.id, 'ended']]);
    expect(await idsOf(both.client, { page_size: 100, before: new Date(Date.now() - 3_600_000).toISOString() })).toEqual([]);
  });

  test('a page size outside 1 to 100, or none, is refused', async () => {
    const client = await signUpClient('history-pages');
    for (const pageSize of [0, 101, -1, null]) {
      expect(await refusal(mine(client.client, { page_size: pageSize })), String(pageSize)).toEqual({
        status: 400,
        code: '22023',
        message: `page_size must be between 1 and 100, got ${pageSize === null ? '<NULL>' : pageSize}`,
        details: null,
      });
    }
    expect(await refusal(mine(client.client, { page_size: 'ten' }))).toMatchObject({ status: 400, code: '22P02' });
    expect(await refusal(mine(client.client, { page_size: 1e12 }))).toMatchObject({ status: 400, code: '22003' });
    expect(await refusal(mine(client.client, { before: 'last tuesday-ish' }))).toMatchObject({ status: 400, code: '22007' });
  });
});

// ---------------------------------------------------------------------------------------------
// Hostile input
// ---------------------------------------------------------------------------------------------

describe('hostile input', () => {
  test('malformed ids, huge strings, wrong types and extra parameters are refused cleanly and write nothing', async () => {
    const client = await signUpClient('hostile');
    const reader = await availableReader('hostile');
    const malformed = ['not-a-uuid', 'a'.repeat(100_000), "'); delete from public.readings; --", `${reader.userId}x`, 42, ['x'], { id: reader.userId }, true];
    for (const readerId of malformed) {
      const refused = await refusal(request(client.client, readerId));
      expect([refused.status, refused.code], JSON.stringify(readerId).slice(0, 60)).toEqual([400, '22P02']);
    }
    // A parameter the function does not have: no such function, so no call.
    const extra = await client.client.rpc('request_reading', { reader_id: reader.userId, price_per_minute: 0 });
    expect([extra.status, extra.error?.code]).toEqual([404, 'PGRST202']);
    const missing = await client.client.rpc('request_reading', {});
    expect([missing.status, missing.error?.code]).toEqual([404, 'PGRST202']);
    expect(await readingsOf(client.userId, reader.userId)).toEqual([]);

    const asked = await view(request(client.client, reader.userId));
    const before = await stored(asked.id);
    for (const [name, args] of [
      ['answer_reading', { reading_id: 'not-a-uuid', accept: true }],
      ['answer_reading', { reading_id: asked.id, accept: 'maybe' }],
      ['answer_reading', { reading_id: asked.id, accept: 'x'.repeat(100_000) }],
      ['cancel_reading', { reading_id: ['x'] }],
      ['end_reading', { reading_id: asked.id, reason: 'x'.repeat(10_000) }],
      ['reading_heartbeat', { reading_id: 12345 }],
    ] as const) {
      const refused = await refusal(reader.client.rpc(name, args) as PromiseLike<Answer>);
      expect([refused.status, refused.code], `${name} ${JSON.stringify(args).slice(0, 60)}`).toEqual([400, '22P02']);
    }
    for (const [name, args] of [
      ['answer_reading', { reading_id: asked.id, accept: true, started_at: '2000-01-01T00:00:00Z' }],
      ['end_reading', { reading_id: asked.id, reason: 'hung_up', ended_at: '2000-01-01T00:00:00Z' }],
      ['reading_heartbeat', { reading_id: asked.id, reader_heard_at: '2100-01-01T00:00:00Z' }],
      ['my_readings', { client_id: client.userId }],
    ] as const) {
      const { status, error } = await reader.client.rpc(name, args);
      expect([status, error?.code], name).toEqual([404, 'PGRST202']);
    }
    expect(await stored(asked.id)).toEqual(before);
    expect(await readingsOf(client.userId, reader.userId)).toHaveLength(1);
  });

  test('the internal functions are not reachable through the API', async () => {
    const client = await signUpClient('hostile-private');
    for (const fn of ['end_overdue_readings', 'own_reading', 'reading_view', 'refuse_reading']) {
      const { error } = await client.client.schema('private' as never).rpc(fn as never);
      expect(error, fn).not.toBeNull();
    }
    const asFunction = await client.client.rpc('end_overdue_readings' as never);
    expect([asFunction.status, asFunction.error?.code]).toEqual([404, 'PGRST202']);
  });
});

describe('readings go with either account', () => {
  test("deleting a client's account removes their readings; a reader in a live one is busy no longer, recorded at once", async () => {
    const client = await signUpClient('account-client');
    const reader = await availableReader('account-reader');
    const live = await liveReading(client, reader);
    await sql(stack, 'delete from auth.users where id = $1', [client.userId]);
    expect(await readingsOf(reader.userId)).toEqual([]);
    expect((await cardOf(anon, reader.userId)).status).toBe('available');
    // Recorded with its audit row by the deletion itself, not a minute later by the job.
    expect(await sql(stack, 'select recorded_status::text from public.users where id = $1', [reader.userId])).toEqual([{ recorded_status: 'available' }]);
    expect((await auditOf(db, reader.userId)).at(-1)).toMatchObject({ old_status: 'busy', new_status: 'available', cause: 'reading_ended' });
    expect(await sql(stack, 'select reading_id from private.reader_presence where reader_id = $1', [reader.userId])).toEqual([{ reading_id: null }]);
    expect(await sql(stack, 'select count(*)::int as n from public.readings where id = $1', [live.id])).toEqual([{ n: 0 }]);
  });
});
