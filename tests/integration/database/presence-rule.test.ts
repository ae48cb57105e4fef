/**
 * THE presence rule, private.presence_status_at(), at its edges, and everything that reads presence
 * agreeing with it: the view every reader of presence goes through, reader_cards, the seed's
 * computed columns, get_readers_online_status, the directory counts and the minute jobs. If any of
 * them judged liveness, idleness or expiry by a rule of its own, a reader on an edge would show
 * one status on the card and another in the counts, and the audit would disagree with both.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { ONLINE_THRESHOLD_MINUTES, PRESENCE_UPDATE_INTERVAL } from '../../../src/features/presence/services/reader-presence.ts';
import { auditOf, createReader, giveDevice, recordStatus, resetPresence, setChoice, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, signedInAs, sql, startTestStack } from '../../support/test-stack.ts';

let stack: RunningStack;
let db: PresenceQuery;
/** Six readers, each to be put on one side of one edge. */
let readers: string[];

beforeAll(async () => {
  // No scheduler: the minute job must run only when a test runs it.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  readers = [];
  for (let i = 1; i <= 6; i += 1) readers.push(await createReader(db, `Edge ${i}`));
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(async () => {
  await resetPresence(db);
});

/** Runs `body` in one transaction on one connection, so every now() in it is the same instant; rolls back. */
async function atOneInstant<T>(body: (query: PresenceQuery) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: stack.dbUrl });
  await client.connect();
  try {
    await client.query('begin');
    return await body((text, values) => client.query(text, values));
  } finally {
    await client.query('rollback').catch(() => {});
    await client.end();
  }
}

async function one<T extends Record<string, unknown>>(query: PresenceQuery, text: string, values: unknown[] = []): Promise<T> {
  const result = await query(text, values);
  return (Array.isArray(result) ? result : result.rows)[0] as T;
}

describe('private.presence_status_at(): the one rule, at its edges', () => {
  // A fixed instant: the rule is pure, so the edges are exact to the microsecond.
  const at = '2026-06-01 12:00:00+00';

  test('a device heard exactly five minutes ago is live; a microsecond earlier it is not', async () => {
    const [row] = await sql(
      stack,
      `
      select private.presence_status_at(null, null, $1::timestamptz - interval '5 minutes', $1::timestamptz - interval '5 minutes', $1) as heard_5m,
             private.presence_status_at(null, null, $1::timestamptz - interval '5 minutes 0.000001 seconds', $1, $1) as heard_5m_1us,
             private.presence_status_at('busy', null, $1::timestamptz - interval '5 minutes 0.000001 seconds', $1, $1) as busy_but_silent,
             private.presence_status_at(null, null, null, null, $1) as never_heard,
             private.device_is_live($1::timestamptz - interval '5 minutes', $1) as live_5m,
             private.device_is_live($1::timestamptz - interval '5 minutes 0.000001 seconds', $1) as live_5m_1us`,
      [at],
    );
    expect(row).toEqual({
      heard_5m: 'available',
      heard_5m_1us: 'offline',
      // Nobody is busy, away or hidden without a live device.
      busy_but_silent: 'offline',
      never_heard: 'offline',
      live_5m: true,
      live_5m_1us: false,
    });
  });

  test('no input for exactly ten minutes is still available; a microsecond more is away', async () => {
    const [row] = await sql(
      stack,
      `
      select private.presence_status_at(null, null, $1, $1::timestamptz - interval '10 minutes', $1) as idle_10m,
             private.presence_status_at(null, null, $1, $1::timestamptz - interval '10 minutes 0.000001 seconds', $1) as idle_10m_1us,
             private.presence_status_at('available', null, $1, $1::timestamptz - interval '1 hour', $1) as chose_available_idle,
             -- A choice in force is what others see, whatever the input.
             private.presence_status_at('busy', null, $1, $1::timestamptz - interval '1 hour', $1) as busy_idle,
             private.presence_status_at('away', null, $1, $1, $1) as away_with_input`,
      [at],
    );
    expect(row).toEqual({
      idle_10m: 'available',
      idle_10m_1us: 'away',
      chose_available_idle: 'away',
      busy_idle: 'busy',
      away_with_input: 'away',
    });
  });

  test('a choice is no longer in force at exactly its expires_at; a microsecond before, it is', async () => {
    const [row] = await sql(
      stack,
      `
      select private.presence_status_at('busy', $1, $1, $1, $1) as busy_at_expiry,
             private.presence_status_at('busy', $1::timestamptz + interval '0.000001 seconds', $1, $1, $1) as busy_before_expiry,
             private.presence_status_at('offline', $1, $1, $1, $1) as hidden_at_expiry,
             private.presence_status_at('offline', null, $1, $1, $1) as hidden_for_good,
             private.choice_in_force('away', $1, $1) as away_in_force_at_expiry,
             private.choice_in_force('available', null, $1) as available_is_no_choice`,
      [at],
    );
    expect(row).toEqual({
      busy_at_expiry: 'available',
      busy_before_expiry: 'busy',
      hidden_at_expiry: 'available',
      hidden_for_good: 'offline',
      away_in_force_at_expiry: false,
      available_is_no_choice: false,
    });
  });

  test('others last saw a reader appearing offline at the moment they hid, before and after their next heartbeat', async () => {
    // public_last_seen_at(chosen, expires_at, chosen_at, last_heard_at, at)
    const [row] = await sql(
      stack,
      `
      select private.public_last_seen_at('offline', null, $1::timestamptz - interval '1 hour', $1, $1) as heard_since,
             private.public_last_seen_at('offline', null, $1::timestamptz - interval '1 hour', $1::timestamptz - interval '1 hour 1 minute', $1) as heard_just_before,
             private.public_last_seen_at('offline', null, $1::timestamptz - interval '1 hour', $1::timestamptz - interval '3 hours', $1) as hid_while_offline,
             private.public_last_seen_at('offline', $1, $1::timestamptz - interval '1 hour', $1, $1) as hiding_ended,
             private.public_last_seen_at('busy', null, $1::timestamptz - interval '1 hour', $1, $1) as busy`,
      [at],
    );
    expect(row).toEqual({
      heard_since: new Date('2026-06-01T11:00:00Z'),
      heard_just_before: new Date('2026-06-01T11:00:00Z'),
      hid_while_offline: new Date('2026-06-01T09:00:00Z'),
      hiding_ended: new Date('2026-06-01T12:00:00Z'),
      busy: new Date('2026-06-01T12:00:00Z'),
    });
  });
});

describe('every reader of presence agrees with the rule on its edges', () => {
  /**
   * At one instant: R1 heard exactly 5 minutes ago, R2 5 minutes and a microsecond ago; R3 with
   * input exactly 10 minutes ago, R4 a microsecond longer; R5 busy until exactly now, R6 busy a
   * microsecond longer. Each recorded as it was before time moved (available, or busy).
   */
  async function edges(query: PresenceQuery): Promise<void> {
    const [r1, r2, r3, r4, r5, r6] = readers as [string, string, string, string, string, string];
    await giveDevice(query, r1, { heardAgo: '5 minutes' });
    await giveDevice(query, r2, { heardAgo: '5 minutes 0.000001 seconds' });
    await giveDevice(query, r3, { inputAgo: '10 minutes' });
    await giveDevice(query, r4, { inputAgo: '10 minutes 0.000001 seconds' });
    await giveDevice(query, r5);
    await setChoice(query, r5, 'busy', { message: 'In a reading', expiresIn: '0 seconds', chosenAgo: '2 hours' });
    await giveDevice(query, r6);
    await setChoice(query, r6, 'busy', { message: 'In a reading', expiresIn: '0.000001 seconds', chosenAgo: '2 hours' });
    for (const id of [r1, r2, r3, r4]) await recordStatus(query, id, 'available');
    for (const id of [r5, r6]) await recordStatus(query, id, 'busy');
  }

  const expected = () => {
    const [r1, r2, r3, r4, r5, r6] = readers as [string, string, string, string, string, string];
    return { [r1]: 'available', [r2]: 'offline', [r3]: 'available', [r4]: 'away', [r5]: 'available', [r6]: 'busy' };
  };

  test('the view, reader_cards, the computed columns and get_readers_online_status, at the same instant', async () => {
    await atOneInstant(async (query) => {
      await edges(query);
      const statuses = async (text: string) => {
        const result = await query(text, [readers]);
        const rows = (Array.isArray(result) ? result : result.rows) as Array<{ id: string; status: string; is_online?: boolean }>;
        return Object.fromEntries(rows.map((row) => [row.id, row.status]));
      };
      expect(await statuses('select reader_id as id, status::text from private.reader_presence_now where reader_id = any ($1)')).toEqual(expected());
      expect(await statuses('select id, status::text from public.reader_cards where id = any ($1)')).toEqual(expected());
      expect(await statuses('select id, status::text from public.get_readers_online_status($1)')).toEqual(expected());
      const online = Object.fromEntries(Object.entries(expected()).map(([id, status]) => [id, status !== 'offline']));
      const flags = async (text: string) => {
        const result = await query(text, [readers]);
        const rows = (Array.isArray(result) ? result : result.rows) as Array<{ id: string; is_online: boolean }>;
        return Object.fromEntries(rows.map((row) => [row.id, row.is_online]));
      };
      expect(await flags('select id, is_online from public.reader_cards where id = any ($1)')).toEqual(online);
      expect(await flags('select id, is_online from public.get_readers_online_status($1)')).toEqual(online);
      expect(await flags('select u.id, u.is_online from public.users u where u.id = any ($1)')).toEqual(online);
    });
  });

  test('the directory counts, live and as the minute job records them', async () => {
    await atOneInstant(async (query) => {
      await edges(query);
      const anyNumber: unknown = expect.any(Number);
      const counts = { readers: anyNumber, available: 3, busy: 1, away: 1, online: 5 };
      const summary = 'select readers::int, available::int, busy::int, away::int, online::int from public.reader_directory_summary()';
      expect(await one(query, summary)).toEqual(counts);
      await query('select private.refresh_reader_directory_stats()');
      expect(await one(query, 'select available::int, busy::int, away::int from private.reader_directory_stats')).toEqual({ available: 3, busy: 1, away: 1 });
      expect(await one(query, summary)).toEqual(counts);
    });
  });

  test('the minute job records exactly the readers on the far side of each edge, with the cause of each', async () => {
    await atOneInstant(async (query) => {
      await edges(query);
      const [r1, r2, r3, r4, r5, r6] = readers as [string, string, string, string, string, string];
      expect(await one(query, 'select public.mark_inactive_readers_offline() as changed')).toEqual({ changed: 3 });
      expect(await auditOf(query, r2)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
      expect(await auditOf(query, r4)).toEqual([{ old_status: 'available', new_status: 'away', cause: 'auto_away' }]);
      expect(await auditOf(query, r5)).toEqual([{ old_status: 'busy', new_status: 'available', cause: 'expiry' }]);
      for (const id of [r1, r3, r6]) expect(await auditOf(query, id), id).toEqual([]);
      const recorded = await query('select id, recorded_status::text as status from public.users where id = any ($1)', [readers]);
      const rows = (Array.isArray(recorded) ? recorded : recorded.rows) as Array<{ id: string; status: string }>;
      expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual(expected());
      // Nothing more is due at the same instant.
      expect(await one(query, 'select public.mark_inactive_readers_offline() as changed')).toEqual({ changed: 0 });
    });
  });

  test('the safety-net cleanup records a silent reader only at ten minutes of silence, exactly included', async () => {
    await atOneInstant(async (query) => {
      const [r1, r2, r3] = readers as [string, string, string];
      await giveDevice(query, r1, { heardAgo: '10 minutes' });
      await giveDevice(query, r2, { heardAgo: '9 minutes 59.999999 seconds' });
      // Silent for six minutes: offline by the rule, but not the cleanup's to record.
      await giveDevice(query, r3, { heardAgo: '6 minutes' });
      for (const id of [r1, r2, r3]) await recordStatus(query, id, 'available');
      expect(await one(query, 'select public.cleanup_reader_presence() as changed')).toEqual({ changed: 1 });
      expect(await auditOf(query, r1)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'cleanup' }]);
      expect(await auditOf(query, r2)).toEqual([]);
      expect(await auditOf(query, r3)).toEqual([]);
    });
  });

  test('through the API: a reader heard 4:50 ago is online and one heard 5:10 ago is not, for every reader of presence', async () => {
    // The exact edge is pinned above at one instant; here real requests take real time, so each
    // side is ten seconds from the edge, and the devices are set again before each visitor's reads.
    const [fresh, stale] = readers as [string, string];
    const anon = clientFor(stack);
    const visitor = await signedInAs(stack, 'client@demo.test');

    let freshDevice: string | undefined;
    let staleDevice: string | undefined;
    for (const client of [anon, visitor.client]) {
      freshDevice = await giveDevice(db, fresh, { heardAgo: '4 minutes 50 seconds', sessionId: freshDevice });
      staleDevice = await giveDevice(db, stale, { heardAgo: '5 minutes 10 seconds', sessionId: staleDevice });
      await recordStatus(db, fresh, 'available');
      await recordStatus(db, stale, 'available');
      const cards = await client.from('reader_cards').select('id, status, is_online').in('id', [fresh, stale]).order('id');
      expect(cards.error).toBeNull();
      expect(Object.fromEntries(cards.data!.map((card) => [card.id, [card.status, card.is_online]]))).toEqual({
        [fresh]: ['available', true],
        [stale]: ['offline', false],
      });
      const many = await client.rpc('get_readers_online_status', { reader_ids: [fresh, stale] });
      expect(Object.fromEntries((many.data as Array<{ id: string; is_online: boolean }>).map((row) => [row.id, row.is_online]))).toEqual({
        [fresh]: true,
        [stale]: false,
      });
      // The seed's way of asking still works, and gives the same answer.
      const seedStyle = await client.from('users').select('id, is_online, last_seen_at').in('id', [fresh, stale]);
      expect(Object.fromEntries(seedStyle.data!.map((row) => [row.id, row.is_online]))).toEqual({ [fresh]: true, [stale]: false });
      const summary = await client.rpc('reader_directory_summary').single();
      expect(summary.data).toMatchObject({ available: 1, busy: 0, away: 0, online: 1 });
    }

    const service = clientFor(stack, stack.serviceRoleKey);
    expect((await service.rpc('mark_inactive_readers_offline')).data).toBe(1);
    expect(await auditOf(db, stale)).toEqual([{ old_status: 'available', new_status: 'offline', cause: 'inactivity' }]);
    expect(await auditOf(db, fresh)).toEqual([]);
  });
});

describe("the app's constants and the database's thresholds", () => {
  test('the browser judges "online" by the database\'s threshold, and says "still here" well inside it', async () => {
    const [row] = await sql<{ minutes: number; auto_away_minutes: number }>(
      stack,
      `
      select extract(epoch from private.presence_online_threshold())::float / 60 as minutes,
             extract(epoch from private.presence_auto_away_after())::float / 60 as auto_away_minutes`,
    );
    expect(ONLINE_THRESHOLD_MINUTES).toBe(row!.minutes);
    // A heartbeat lost or late must not take a reader offline: at least two fit in the threshold.
    expect(PRESENCE_UPDATE_INTERVAL * 2).toBeLessThan(row!.minutes * 60_000);
    // Input is reported with the heartbeats: they must come often enough to undo auto-away in time.
    expect(PRESENCE_UPDATE_INTERVAL).toBeLessThan(row!.auto_away_minutes * 60_000);
  });
});
