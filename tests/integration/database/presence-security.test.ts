/**
 * Who may do what to presence, by actor, through the API each actor really has (supabase-js
 * through the gateway and PostgREST), and, last, as the database roles themselves in SQL: what
 * PostgREST would let through if a request reached the database some other way.
 * Every refusal is also checked for what it did not write.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { auditOf, resetPresence, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, DEMO_IDS, signedInAs, sql, startTestStack } from '../../support/test-stack.ts';
import {
  accessTokenOf,
  anotherDevice,
  cardOf,
  clientWithToken,
  goOffline,
  heartbeat,
  mintToken,
  myPresence,
  sessionIdOf,
  setStatus,
  signUpReader,
  type OwnPresence,
  type Reader,
} from './presence-clients.ts';

let stack: RunningStack;
let db: PresenceQuery;
let anon: SupabaseClient;
let service: SupabaseClient;
let client: { client: SupabaseClient; userId: string };

beforeAll(async () => {
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  anon = clientFor(stack);
  service = clientFor(stack, stack.serviceRoleKey);
  client = await signedInAs(stack, 'client@demo.test');
  await resetPresence(db);
});

afterAll(async () => {
  await stack?.stop();
});

const PRESENCE_CALLS: Array<[string, Record<string, unknown>]> = [
  ['reader_heartbeat', { idle_seconds: 0 }],
  ['reader_go_offline', {}],
  ['set_reader_status', { status: 'available' }],
  ['my_presence', {}],
];

async function devicesOf(userId: string): Promise<number> {
  return (await sql<{ n: number }>(stack, 'select count(*)::int as n from private.reader_devices where reader_id = $1', [userId]))[0]!.n;
}

async function profileRow(id: string) {
  const [row] = await sql(stack, 'select recorded_status::text, is_reader, average_rating, level_id, display_name, bio from public.users where id = $1', [id]);
  return row!;
}

describe('as anon', () => {
  test("reads the readers' cards and nothing of anyone else: no client, no private field", async () => {
    const { data, error } = await anon
      .from('reader_cards')
      .select('*')
      .order('recorded_status')
      .order('average_rating', { ascending: false })
      .order('id')
      .overrideTypes<Array<{ id: string } & Record<string, unknown>>, { merge: false }>();
    expect(error).toBeNull();
    expect(data!.map((card) => card.id)).not.toContain(DEMO_IDS.client);
    expect(data!.length).toBeGreaterThanOrEqual(4);
    expect(Object.keys(data![0]!).sort()).toEqual(
      [
        'average_rating',
        'avatar_url',
        'bio',
        'display_name',
        'id',
        'is_online',
        'last_seen_at',
        'level_id',
        'recorded_status',
        'review_count',
        'server_time',
        'specialties',
        'specialties_search',
        'status',
        'status_message',
        'next_window_starts_at',
        'next_window_ends_at',
      ].sort(),
    );
  });

  test('cannot report presence: every presence call is 401 with 42501, and nothing is written', async () => {
    for (const [fn, args] of PRESENCE_CALLS) {
      const { error, status } = await anon.rpc(fn, args);
      expect([fn, status, error?.code]).toEqual([fn, 401, '42501']);
    }
    expect(await sql(stack, 'select count(*)::int as n from private.reader_devices')).toEqual([{ n: 0 }]);
  });

  test('cannot write profiles or presence, read the audit log, or run the jobs', async () => {
    expect((await anon.from('users').update({ display_name: 'Hacked' }).eq('id', DEMO_IDS.luna)).error?.code).toBe('42501');
    expect((await anon.from('users').update({ recorded_status: 'available' }).eq('id', DEMO_IDS.luna)).error?.code).toBe('42501');
    expect((await anon.from('users').insert({ id: crypto.randomUUID(), display_name: 'Ghost' })).error?.code).toBe('42501');
    const cardWrite = await anon.from('reader_cards').update({ status: 'available' }).eq('id', DEMO_IDS.luna);
    expect([cardWrite.status, cardWrite.error?.code]).toEqual([401, '42501']);
    expect((await anon.from('presence_audit_log').select('*')).error?.code).toBe('42501');
    for (const fn of ['mark_inactive_readers_offline', 'cleanup_reader_presence', 'purge_presence_audit_log']) {
      expect((await anon.rpc(fn)).error?.code, fn).toBe('42501');
    }
    expect(await profileRow(DEMO_IDS.luna)).toMatchObject({ display_name: 'Luna Starweaver', recorded_status: 'offline' });
  });

  test('cannot reach the private schema: PostgREST does not expose it, for reads or calls', async () => {
    const table = await anon.schema('private').from('reader_devices').select('*');
    expect([table.status, table.error?.code]).toEqual([406, 'PGRST106']);
    const call = await anon.schema('private').rpc('settle_presence', { reader: DEMO_IDS.luna, cause: 'heartbeat' });
    expect([call.status, call.error?.code]).toEqual([406, 'PGRST106']);
  });
});

describe('as a signed-in client (not a reader)', () => {
  test('cannot report presence: 403 with 42501 "only readers report presence", nothing written', async () => {
    for (const [fn, args] of PRESENCE_CALLS) {
      const { error, status } = await client.client.rpc(fn, args);
      expect([fn, status, error?.code, error?.message]).toEqual([fn, 403, '42501', 'only readers report presence']);
    }
    expect(await devicesOf(client.userId)).toBe(0);
    expect(await profileRow(client.userId)).toMatchObject({ recorded_status: 'offline' });
  });

  test("reads their own profile and the readers' cards; is never a card", async () => {
    expect((await client.client.from('users').select('display_name').eq('id', client.userId)).data).toEqual([{ display_name: 'Casey Client' }]);
    expect((await client.client.from('reader_cards').select('id').eq('id', client.userId)).data).toEqual([]);
  });

  test("asks many readers' statuses in one call: non-readers are left out, more than 1000 ids refused", async () => {
    const statuses = await client.client.rpc('get_readers_online_status', { reader_ids: [DEMO_IDS.luna, DEMO_IDS.rowan, client.userId] });
    expect(statuses.error).toBeNull();
    expect((statuses.data as Array<{ id: string }>).map((row) => row.id).sort()).toEqual([DEMO_IDS.luna, DEMO_IDS.rowan].sort());
    const tooMany = await client.client.rpc('get_readers_online_status', { reader_ids: Array.from({ length: 1001 }, () => crypto.randomUUID()) });
    expect(tooMany.error?.code).toBe('22023');
  });

  test("cannot read the audit log or anyone's devices", async () => {
    expect((await client.client.from('presence_audit_log').select('*')).error?.code).toBe('42501');
    expect((await client.client.schema('private').from('reader_devices').select('*')).error?.code).toBe('PGRST106');
  });
});

describe('as a reader', () => {
  let reader: Reader;

  beforeAll(async () => {
    reader = await signUpReader(stack, 'security');
  });

  test('cannot write their recorded status or any presence column, even to look available', async () => {
    await heartbeat(reader.client);
    await goOffline(reader.client);
    const forged = await reader.client.from('users').update({ recorded_status: 'available' }).eq('id', reader.userId);
    expect([forged.status, forged.error?.code]).toEqual([403, '42501']);
    const cardWrite = await reader.client.from('reader_cards').update({ status: 'available' }).eq('id', reader.userId);
    expect([cardWrite.status, cardWrite.error?.code]).toEqual([403, '42501']);
    const cardDelete = await reader.client.from('reader_cards').delete().eq('id', reader.userId);
    expect([cardDelete.status, cardDelete.error?.code]).toEqual([403, '42501']);
    expect((await profileRow(reader.userId)).recorded_status).toBe('offline');
    expect((await cardOf(anon, reader.userId)).status).toBe('offline');
  });

  test('cannot raise their own standing: is_reader, rating, reviews, level', async () => {
    const before = await profileRow(reader.userId);
    for (const change of [{ is_reader: false }, { average_rating: 5 }, { level_id: 3 }, { review_count: 9999 }]) {
      const { error } = await reader.client.from('users').update(change).eq('id', reader.userId);
      expect(error?.code, JSON.stringify(change)).toBe('42501');
    }
    expect(await profileRow(reader.userId)).toEqual(before);
  });

  test("edits their own card, and not another reader's", async () => {
    expect((await reader.client.from('users').update({ bio: 'My bio' }).eq('id', reader.userId).select('bio')).data).toEqual([{ bio: 'My bio' }]);
    expect((await reader.client.from('users').update({ bio: 'Defaced' }).eq('id', DEMO_IDS.luna).select('bio')).data).toEqual([]);
    expect((await profileRow(DEMO_IDS.luna)).bio).not.toBe('Defaced');
  });

  test('cannot read the audit log (not even their own rows), reach private, or run the jobs', async () => {
    await heartbeat(reader.client);
    expect((await reader.client.from('presence_audit_log').select('*').eq('user_id', reader.userId)).error?.code).toBe('42501');
    expect((await reader.client.schema('private').from('reader_presence').select('*')).error?.code).toBe('PGRST106');
    for (const fn of ['mark_inactive_readers_offline', 'cleanup_reader_presence', 'purge_presence_audit_log']) {
      expect((await reader.client.rpc(fn)).error?.code, fn).toBe('42501');
    }
    await goOffline(reader.client);
  });
});

describe('hostile input to set_reader_status', () => {
  let reader: Reader;
  let before: OwnPresence;

  beforeAll(async () => {
    reader = await signUpReader(stack, 'hostile');
    await heartbeat(reader.client);
    before = await setStatus(reader.client, 'busy', 'In a reading');
  });

  // [what, arguments, code, message]: each refused with a code and words a person can act on.
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an 81-character message', { status: 'busy', message: 'x'.repeat(81) }, '23514', /reader_status_message_length/],
    ['a line break', { status: 'busy', message: 'Line one\nLine two' }, '23514', /reader_status_message_plain/],
    ['a terminal escape', { status: 'busy', message: '\u001b[31mred' }, '23514', /reader_status_message_plain/],
    ['a tab among spaces', { status: 'busy', message: ' \t ' }, '23514', /reader_status_message_plain/],
    ['a line separator', { status: 'busy', message: 'One\u2028Two' }, '23514', /reader_status_message_plain/],
    ['a right-to-left override', { status: 'busy', message: 'Back at \u202e3pm' }, '23514', /reader_status_message_plain/],
    ['no-break spaces only', { status: 'busy', message: '\u00a0\u00a0\u00a0' }, '23514', /reader_status_message_plain/],
    ['zero-width spaces only', { status: 'busy', message: '\u200b\u200b' }, '23514', /reader_status_message_plain/],
    ['a NUL character', { status: 'busy', message: 'a\u0000b' }, '22P05', /unicode|escape/i],
    ['an unknown status', { status: 'sleeping' }, '22P02', /invalid input value for enum presence_status/],
    ['a null status', { status: null }, '22023', /choose a status/],
    ['an end in the past', { status: 'busy', expires_at: new Date(Date.now() - 60_000).toISOString() }, '22023', /must be in the future/],
    ['an end more than a day ahead', { status: 'busy', expires_at: new Date(Date.now() + 25 * 3600_000).toISOString() }, '22023', /must be within/],
    ['a malformed end', { status: 'busy', expires_at: 'next tuesday-ish' }, '22007', /invalid input syntax for type timestamp/],
  ];

  test.each(cases)('%s is refused and changes nothing', async (_what, args, code, message) => {
    const { error, status } = await reader.client.rpc('set_reader_status', args);
    expect(status).toBe(400);
    expect(error?.code).toBe(code);
    expect(error?.message).toMatch(message);
    const after = await myPresence(reader.client);
    expect({ ...after, server_time: '' }).toEqual({ ...before, server_time: '' });
    expect(await auditOf(db, reader.userId)).toHaveLength(2);
  });

  test('whitespace only is no message; 80 characters fit; text that looks like SQL is only text', async () => {
    expect((await setStatus(reader.client, 'busy', '    ')).status_message).toBeNull();
    expect((await setStatus(reader.client, 'busy', 'é'.repeat(80))).status_message).toBe('é'.repeat(80));
    const sqlish = "'); update public.users set is_reader = false; --";
    expect((await setStatus(reader.client, 'busy', sqlish)).status_message).toBe(sqlish);
    expect((await cardOf(anon, reader.userId)).status_message).toBe(sqlish);
    expect((await profileRow(DEMO_IDS.luna)).is_reader).toBe(true);
    // Same status throughout: no transition.
    expect(await auditOf(db, reader.userId)).toHaveLength(2);
  });
});

describe('the transition limit: six a minute per reader', () => {
  test('flapping online and offline writes at most six audit rows a minute; the rest is absorbed without an error', async () => {
    const reader = await signUpReader(stack, 'flapping');
    const answers: string[] = [];
    for (let i = 0; i < 10; i += 1) {
      answers.push((await heartbeat(reader.client)).status, (await goOffline(reader.client)).status);
    }
    // Each absorbed call answers the status the reader really has: offline after the sixth transition.
    expect(answers).toEqual([...Array<string[]>(3).fill(['available', 'offline']).flat(), ...Array<string>(14).fill('offline')]);
    expect(await auditOf(db, reader.userId)).toHaveLength(6);

    // A minute later the reader comes online again.
    await sql(stack, "update public.presence_audit_log set changed_at = changed_at - interval '61 seconds' where user_id = $1", [reader.userId]);
    expect((await heartbeat(reader.client)).status).toBe('available');
    expect(await auditOf(db, reader.userId)).toHaveLength(7);
  });

  test('a reader at the limit who goes offline stays online until the five-minute rule: nothing is lost, only delayed', async () => {
    const reader = await signUpReader(stack, 'limit-offline');
    await heartbeat(reader.client);
    for (const status of ['busy', 'available', 'busy', 'available', 'away'] as const) await setStatus(reader.client, status);
    expect(await auditOf(db, reader.userId)).toHaveLength(6);
    expect(await goOffline(reader.client)).toMatchObject({ status: 'away', devices: 1 });
    expect(await auditOf(db, reader.userId)).toHaveLength(6);
  });

  test('set_reader_status over the limit answers 54000 and changes nothing', async () => {
    const reader = await signUpReader(stack, 'limit-choice');
    await heartbeat(reader.client);
    for (const status of ['busy', 'available', 'busy', 'available'] as const) await setStatus(reader.client, status);
    const before = await setStatus(reader.client, 'busy', 'Sixth');
    expect(await auditOf(db, reader.userId)).toHaveLength(6);

    const { error, status } = await reader.client.rpc('set_reader_status', { status: 'away', message: 'Seventh' });
    expect([status, error?.code]).toEqual([429, '54000']);
    expect(error?.message).toMatch(/too many status changes/);
    // As any rate limit says when to come back (supabase-js does not pass headers on, so a raw call).
    const raw = await fetch(`${stack.apiUrl}/rest/v1/rpc/set_reader_status`, {
      method: 'POST',
      headers: { apikey: stack.anonKey, authorization: `Bearer ${await accessTokenOf(reader.client)}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status: 'away' }),
    });
    expect([raw.status, raw.headers.get('retry-after')]).toEqual([429, '60']);
    expect({ ...(await myPresence(reader.client)), server_time: '' }).toEqual({ ...before, server_time: '' });
    expect(await auditOf(db, reader.userId)).toHaveLength(6);
    // A new message on the same status is no transition, so it is not limited.
    expect((await setStatus(reader.client, 'busy', 'Still sixth')).status_message).toBe('Still sixth');
  });
});

describe('sessions that ended, and tokens that are no session', () => {
  test('after sign-out, the old access token is refused (403, 42501) and writes nothing', async () => {
    const reader = await signUpReader(stack, 'signed-out');
    const phone = await anotherDevice(stack, reader);
    await heartbeat(reader.client);
    await heartbeat(phone);
    const oldToken = await accessTokenOf(reader.client);
    const oldSession = await sessionIdOf(reader.client);
    await reader.client.auth.signOut({ scope: 'local' });
    const old = clientWithToken(stack, oldToken);
    const auditBefore = await auditOf(db, reader.userId);

    const beat = await old.rpc('reader_heartbeat', { idle_seconds: 0 });
    expect([beat.status, beat.error?.code, beat.error?.message]).toEqual([403, '42501', 'this session has ended: sign in again']);
    // The choice is shown on the card: a token of an ended session cannot set it either.
    const choice = await old.rpc('set_reader_status', { status: 'busy', message: 'Not me' });
    expect([choice.status, choice.error?.code]).toEqual([403, '42501']);

    expect(await sql(stack, 'select count(*)::int as n from private.reader_devices where session_id = $1', [oldSession])).toEqual([{ n: 0 }]);
    expect(await myPresence(phone)).toMatchObject({ status: 'available', chosen_status: 'available', status_message: null, devices: 1 });
    expect(await auditOf(db, reader.userId)).toEqual(auditBefore);
  });

  test('a banned reader goes offline at once, and their tokens are refused', async () => {
    const reader = await signUpReader(stack, 'banned');
    const phone = await anotherDevice(stack, reader);
    await heartbeat(reader.client);
    await heartbeat(phone);
    await sql(stack, "update auth.users set banned_until = now() + interval '1 day' where id = $1", [reader.userId]);

    expect(await devicesOf(reader.userId)).toBe(0);
    expect(await cardOf(anon, reader.userId)).toMatchObject({ status: 'offline', is_online: false, recorded_status: 'offline' });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
    ]);
    for (const device of [reader.client, phone]) {
      const beat = await device.rpc('reader_heartbeat', { idle_seconds: 0 });
      expect([beat.status, beat.error?.code]).toEqual([403, '42501']);
      expect((await device.rpc('set_reader_status', { status: 'busy', message: 'Banned but busy' })).error?.code).toBe('42501');
    }
    expect(await devicesOf(reader.userId)).toBe(0);
    expect(await auditOf(db, reader.userId)).toHaveLength(2);

    // A ban that has ended is no ban: the same session reports again.
    await sql(stack, "update auth.users set banned_until = now() - interval '1 second' where id = $1", [reader.userId]);
    expect((await heartbeat(phone)).status).toBe('available');
  });

  test('a token signed with the JWT secret but without a session is refused (403, 42501)', async () => {
    const token = mintToken(stack, { sub: DEMO_IDS.rowan });
    const forged = clientWithToken(stack, token);
    for (const [fn, args] of PRESENCE_CALLS) {
      const { error, status } = await forged.rpc(fn, args);
      expect([fn, status, error?.code, error?.message]).toEqual([fn, 403, '42501', 'presence needs a signed-in reader with a session']);
    }
    expect(await devicesOf(DEMO_IDS.rowan)).toBe(0);
  });

  test("a session_id that is not a UUID, that never existed, or that is another reader's is refused and touches nothing", async () => {
    const victim = await signUpReader(stack, 'victim');
    await heartbeat(victim.client);
    const victimSession = await sessionIdOf(victim.client);
    const [before] = await sql(stack, 'select last_seen_at, last_input_at from private.reader_devices where session_id = $1', [victimSession]);

    for (const sessionId of ['not-a-uuid', crypto.randomUUID(), victimSession]) {
      const forged = clientWithToken(stack, mintToken(stack, { sub: DEMO_IDS.rowan, session_id: sessionId }));
      const beat = await forged.rpc('reader_heartbeat', { idle_seconds: 0 });
      expect([sessionId, beat.status, beat.error?.code]).toEqual([sessionId, 403, '42501']);
      expect((await forged.rpc('set_reader_status', { status: 'offline' })).error?.code, sessionId).toBe('42501');
      // Whatever it answers (there is no device of Rowan's to take offline), it must not take the victim's.
      await forged.rpc('reader_go_offline');
    }
    expect(await devicesOf(DEMO_IDS.rowan)).toBe(0);
    expect(await sql(stack, 'select last_seen_at, last_input_at from private.reader_devices where session_id = $1', [victimSession])).toEqual([before]);
    expect(await myPresence(victim.client)).toMatchObject({ status: 'available', devices: 1 });
  });
});

describe('as service_role (ops through the API)', () => {
  test('reads the audit log and runs the jobs, which answer how many readers they changed', async () => {
    // Whatever earlier tests' readers left due is recorded first, so the counts below are this reader's.
    await sql(stack, 'select public.mark_inactive_readers_offline(), public.cleanup_reader_presence()');
    const reader = await signUpReader(stack, 'ops');
    await heartbeat(reader.client);
    await sql(stack, "update private.reader_devices set last_seen_at = now() - interval '6 minutes' where reader_id = $1", [reader.userId]);
    const job = await service.rpc('mark_inactive_readers_offline');
    expect([job.error, job.data]).toEqual([null, 1]);
    expect((await service.rpc('mark_inactive_readers_offline')).data).toBe(0);
    expect((await service.rpc('cleanup_reader_presence')).data).toBe(0);
    const audit = await service.from('presence_audit_log').select('old_status, new_status, cause').eq('user_id', reader.userId).order('changed_at');
    expect(audit.data).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'offline', cause: 'inactivity' },
    ]);
    // Not even ops write the log through the API: only the presence functions do.
    expect(
      (await service.from('presence_audit_log').insert({ user_id: reader.userId, old_status: 'offline', new_status: 'busy', cause: 'heartbeat' })).error?.code,
    ).toBe('42501');
  });
});

describe('as the database roles themselves (a request that got past PostgREST)', () => {
  async function asRole(role: 'anon' | 'authenticated', statement: string): Promise<string> {
    const db = new pg.Client({ connectionString: stack.dbUrl });
    await db.connect();
    try {
      await db.query('begin');
      await db.query(`set local role ${role}`);
      await db.query("select set_config('request.jwt.claims', $1, true)", [JSON.stringify({ sub: DEMO_IDS.luna, role })]);
      return await db.query(statement).then(
        () => 'allowed',
        (error: pg.DatabaseError) => `${error.code}`,
      );
    } finally {
      await db.query('rollback');
      await db.end();
    }
  }

  test.each(['anon', 'authenticated'] as const)('%s can neither read nor write the private tables, nor call its writers', async (role) => {
    const statements = [
      'select * from private.reader_devices',
      'select * from private.reader_presence',
      'select * from private.reader_presence_now',
      'select * from private.reader_directory_stats',
      `insert into private.reader_devices (session_id, reader_id, last_seen_at, last_input_at) values (gen_random_uuid(), '${DEMO_IDS.luna}', now(), now())`,
      `update private.reader_presence set chosen_status = 'busy'`,
      `select private.settle_presence('${DEMO_IDS.luna}', 'heartbeat')`,
      `select private.record_due_transitions('inactivity', interval '0 seconds')`,
      'select private.refresh_reader_directory_stats()',
      `update public.users set recorded_status = 'available' where id = '${DEMO_IDS.luna}'`,
      'select * from public.presence_audit_log',
      `insert into public.presence_audit_log (user_id, old_status, new_status, cause) values ('${DEMO_IDS.luna}', 'offline', 'available', 'heartbeat')`,
    ];
    const outcomes = await Promise.all(statements.map((statement) => asRole(role, statement)));
    expect(Object.fromEntries(statements.map((statement, i) => [statement, outcomes[i]]))).toEqual(
      Object.fromEntries(statements.map((statement) => [statement, '42501'])),
    );
  });

  test('the rule itself is theirs to call: reader_cards needs it', async () => {
    expect(await asRole('anon', 'select private.presence_status_at(null, null, now(), now(), now())')).toBe('allowed');
    expect(await asRole('anon', 'select * from public.reader_cards')).toBe('allowed');
  });
});
