/**
 * A reader's presence as they live it, through the API their browser uses (supabase-js signed in
 * as the reader; a second sign-in is a second device), and what visitors see of it meanwhile.
 * SQL only stands in for the clock: it turns a device's or a choice's times back, and runs the
 * minute job as pg_cron or the local scheduler would. Every test gets a reader of its own.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { ageDevice, auditOf, presenceNow, resetPresence, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, sql, startTestStack } from '../../support/test-stack.ts';
import {
  accessTokenOf,
  anotherDevice,
  cardOf,
  clientWithToken,
  goOffline,
  heartbeat,
  myPresence,
  sessionIdOf,
  setStatus,
  signUpReader,
  type Reader,
} from './presence-clients.ts';

let stack: RunningStack;
let db: PresenceQuery;
let visitor: SupabaseClient;

beforeAll(async () => {
  // No scheduler: the minute job runs when a test says time has passed, never by itself.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  visitor = clientFor(stack);
  // The seed's readers stay out of the way (Orion is silent and due for the job).
  await resetPresence(db);
});

beforeEach(async () => {
  // Whatever an earlier test's reader left due is recorded, so a test's job counts are its own.
  await sql(stack, 'select public.mark_inactive_readers_offline()');
});

afterAll(async () => {
  await stack?.stop();
});

/** The minute job, as pg_cron runs it; returns how many readers it changed. */
async function minuteJob(): Promise<number> {
  const [row] = await sql<{ changed: number }>(stack, 'select public.mark_inactive_readers_offline() as changed');
  return row!.changed;
}

/** Time passes for a reader's choice: chosen and expiring that much earlier. */
async function choiceAged(readerId: string, by: string): Promise<void> {
  await sql(stack, 'update private.reader_presence set chosen_at = chosen_at - $2::interval, expires_at = expires_at - $2::interval where reader_id = $1', [
    readerId,
    by,
  ]);
}

async function dbNow(): Promise<Date> {
  const [row] = await sql<{ now: Date }>(stack, 'select now()');
  return row!.now;
}

/** A reader signed up and online: one device heard just now. */
async function onlineReader(label: string): Promise<Reader> {
  const reader = await signUpReader(stack, label);
  await heartbeat(reader.client);
  return reader;
}

describe('available', () => {
  test('the first heartbeat brings a reader online: one audit row, the answer says so, and visitors see it', async () => {
    const reader = await signUpReader(stack, 'first-heartbeat');
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'offline', is_online: false, last_seen_at: null });

    const answer = await heartbeat(reader.client);
    expect(answer).toMatchObject({ status: 'available', chosen_status: 'available', status_message: null, expires_at: null, hidden: false, devices: 1 });
    // The server's clock, so the browser can correct its own.
    expect(Math.abs(new Date(answer.server_time).getTime() - (await dbNow()).getTime())).toBeLessThan(5_000);
    const card = await cardOf(visitor, reader.userId);
    expect(card).toMatchObject({ status: 'available', is_online: true, recorded_status: 'available' });
    expect(new Date(card.last_seen_at!).getTime()).toBe(new Date(answer.server_time).getTime());
    expect(await auditOf(db, reader.userId)).toEqual([{ old_status: 'offline', new_status: 'available', cause: 'heartbeat' }]);
  });

  test("heartbeats closer than 15 seconds are absorbed; a later one moves the device's clock; neither is a transition", async () => {
    const reader = await onlineReader('absorbed');
    const session = await sessionIdOf(reader.client);
    const seen = async () =>
      (await sql<{ at: Date }>(stack, 'select last_seen_at as at from private.reader_devices where session_id = $1', [session]))[0]!.at.getTime();
    const first = await seen();
    for (let i = 0; i < 5; i += 1) expect((await heartbeat(reader.client)).status).toBe('available');
    expect(await seen()).toBe(first);

    await ageDevice(db, session, { heardAgo: '30 seconds' });
    const aged = await seen();
    await heartbeat(reader.client);
    expect(await seen()).toBeGreaterThan(aged);
    expect(await auditOf(db, reader.userId)).toHaveLength(1);
  });

  test('my_presence answers without reporting: the device is not heard by it', async () => {
    const reader = await onlineReader('my-presence');
    const session = await sessionIdOf(reader.client);
    await ageDevice(db, session, { heardAgo: '1 minute' });
    const before = await sql(stack, 'select last_seen_at from private.reader_devices where session_id = $1', [session]);
    expect(await myPresence(reader.client)).toMatchObject({ status: 'available', devices: 1, hidden: false });
    expect(await sql(stack, 'select last_seen_at from private.reader_devices where session_id = $1', [session])).toEqual(before);
  });
});

describe('busy', () => {
  test('busy with a message is what visitors see, and ends by itself two hours later when no end is given', async () => {
    const reader = await onlineReader('busy-default');
    const answer = await setStatus(reader.client, 'busy', 'In a reading');
    expect(answer).toMatchObject({ status: 'busy', chosen_status: 'busy', status_message: 'In a reading', hidden: false });
    expect(new Date(answer.expires_at!).getTime() - new Date(answer.server_time).getTime()).toBe(2 * 3600_000);
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'busy', status_message: 'In a reading', is_online: true });
    const many = await visitor.rpc('get_readers_online_status', { reader_ids: [reader.userId] });
    expect(many.data).toEqual([expect.objectContaining({ status: 'busy', status_message: 'In a reading', is_online: true })]);

    // Two hours on (the device kept reporting): no longer busy, and the message went with the choice.
    await choiceAged(reader.userId, '2 hours');
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'available', status_message: null, recorded_status: 'busy' });
    expect(await minuteJob()).toBe(1);
    expect(await myPresence(reader.client)).toMatchObject({ status: 'available', chosen_status: 'available', status_message: null, expires_at: null });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'busy', cause: 'reader_choice' },
      { old_status: 'busy', new_status: 'available', cause: 'expiry' },
    ]);
  });

  test('busy until a given time ends at that time, to the microsecond', async () => {
    const reader = await onlineReader('busy-until');
    const until = new Date(Date.now() + 30 * 60_000).toISOString();
    const answer = await setStatus(reader.client, 'busy', null, until);
    expect(new Date(answer.expires_at!).toISOString()).toBe(until);
    // Turn the clock to exactly the end: the choice is over (expires_at > now() is false).
    await sql(stack, 'update private.reader_presence set expires_at = now() where reader_id = $1', [reader.userId]);
    expect((await cardOf(visitor, reader.userId)).status).toBe('available');
    expect(await minuteJob()).toBe(1);
    expect((await auditOf(db, reader.userId)).at(-1)).toEqual({ old_status: 'busy', new_status: 'available', cause: 'expiry' });
  });

  test('a heartbeat that arrives after the end records the expiry as the job would, not as a heartbeat', async () => {
    const reader = await onlineReader('busy-heartbeat');
    await setStatus(reader.client, 'busy');
    await choiceAged(reader.userId, '2 hours');
    await ageDevice(db, await sessionIdOf(reader.client), { heardAgo: '1 minute', inputAgo: '1 minute' });
    expect((await heartbeat(reader.client)).status).toBe('available');
    expect((await auditOf(db, reader.userId)).at(-1)).toEqual({ old_status: 'busy', new_status: 'available', cause: 'expiry' });
    expect(await minuteJob()).toBe(0);
  });
});

describe('away', () => {
  test('chosen away shows with its message, and input does not end it', async () => {
    const reader = await onlineReader('away-chosen');
    expect(await setStatus(reader.client, 'away', 'Back at three')).toMatchObject({ status: 'away', chosen_status: 'away', expires_at: null });
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'away', status_message: 'Back at three', is_online: true });
    await ageDevice(db, await sessionIdOf(reader.client), { heardAgo: '1 minute' });
    expect((await heartbeat(reader.client, 0)).status).toBe('away');
    expect((await auditOf(db, reader.userId)).map((row) => row.cause)).toEqual(['heartbeat', 'reader_choice']);
  });

  test('ten minutes without input makes an available reader away (auto_away); input brings them back (heartbeat)', async () => {
    const reader = await onlineReader('auto-away');
    const session = await sessionIdOf(reader.client);
    // The device kept saying "still here" (heard a minute ago) but nobody touched it for 10:01.
    await ageDevice(db, session, { heardAgo: '1 minute', inputAgo: '10 minutes 1 second' });
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'away', is_online: true, recorded_status: 'available' });
    expect(await minuteJob()).toBe(1);
    expect(await minuteJob()).toBe(0);
    expect(await myPresence(reader.client)).toMatchObject({ status: 'away', chosen_status: 'available', hidden: false });

    // The reader moves the mouse: the next heartbeat reports input (idle_seconds 0).
    expect((await heartbeat(reader.client, 0)).status).toBe('available');
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'away', cause: 'auto_away' },
      { old_status: 'away', new_status: 'available', cause: 'heartbeat' },
    ]);
  });

  test('an idle heartbeat that finds ten minutes without input records auto_away, whoever gets there first', async () => {
    const reader = await onlineReader('idle-heartbeat');
    // The last input any heartbeat reported was 10:01 ago; the minute job has not run yet.
    await ageDevice(db, await sessionIdOf(reader.client), { heardAgo: '1 minute', inputAgo: '10 minutes 1 second' });
    expect(await presenceNow(db, reader.userId)).toMatchObject({ status: 'away', recorded_status: 'available' });
    // The browser confirms: no input for 601 seconds. This heartbeat is the first to record the change.
    expect((await heartbeat(reader.client, 601)).status).toBe('away');
    expect((await auditOf(db, reader.userId)).at(-1)).toEqual({ old_status: 'available', new_status: 'away', cause: 'auto_away' });
    expect(await minuteJob()).toBe(0);
  });

  test('the idle time a browser reports is turned into database time, never ahead of now() nor over a day back', async () => {
    const reader = await signUpReader(stack, 'idle-bounds');
    const phone = await anotherDevice(stack, reader);
    const idleOf = async (client: SupabaseClient) =>
      (
        await sql<{ idle: string }>(stack, 'select (last_seen_at - last_input_at)::text as idle from private.reader_devices where session_id = $1', [
          await sessionIdOf(client),
        ])
      )[0]!.idle;
    // An idle time past a day counts as a day: far enough for away, and no interval overflow.
    expect((await heartbeat(reader.client, 2_000_000_000)).status).toBe('away');
    expect(await idleOf(reader.client)).toBe('1 day');
    // A negative idle time counts as input now, not in the future; input on any device counts.
    expect((await heartbeat(phone, -3600)).status).toBe('available');
    expect(await idleOf(phone)).toBe('00:00:00');
  });
});

describe('appear offline', () => {
  test('visitors see offline with no message, last seen frozen at the moment of hiding; the reader sees hidden', async () => {
    const reader = await onlineReader('hidden');
    const session = await sessionIdOf(reader.client);
    const hid = await setStatus(reader.client, 'offline', 'Not here');
    expect(hid).toMatchObject({ status: 'offline', chosen_status: 'offline', status_message: 'Not here', hidden: true, devices: 1, expires_at: null });
    const card = await cardOf(visitor, reader.userId);
    expect(card).toMatchObject({ status: 'offline', status_message: null, is_online: false, recorded_status: 'offline' });
    expect(new Date(card.last_seen_at!).getTime()).toBe(new Date(hid.server_time).getTime());
    const many = await visitor.rpc('get_readers_online_status', { reader_ids: [reader.userId] });
    expect(many.data).toEqual([expect.objectContaining({ is_online: false, status: 'offline', status_message: null })]);

    // Heartbeats keep going (the device is live), and change nothing others see.
    await ageDevice(db, session, { heardAgo: '1 minute' });
    expect(await heartbeat(reader.client)).toMatchObject({ status: 'offline', hidden: true, devices: 1 });
    expect(await sql(stack, "select last_seen_at > now() - interval '1 second' as fresh from private.reader_devices where session_id = $1", [session])).toEqual(
      [{ fresh: true }],
    );
    expect(new Date((await cardOf(visitor, reader.userId)).last_seen_at!).getTime()).toBe(new Date(hid.server_time).getTime());
    expect(await minuteJob()).toBe(0);
    expect(await myPresence(reader.client)).toMatchObject({ status: 'offline', hidden: true });

    // Back to available: seen again, from now.
    const back = await setStatus(reader.client, 'available');
    expect(back).toMatchObject({ status: 'available', hidden: false });
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'available', is_online: true });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'offline', cause: 'reader_choice' },
      { old_status: 'offline', new_status: 'available', cause: 'reader_choice' },
    ]);
  });

  test('a reader who signs out while hidden is not hidden: hidden means signed in', async () => {
    const reader = await onlineReader('hidden-leaves');
    await setStatus(reader.client, 'offline');
    expect(await goOffline(reader.client)).toMatchObject({ status: 'offline', hidden: false, devices: 0 });
    // Already recorded offline: leaving is no transition.
    expect(await auditOf(db, reader.userId)).toHaveLength(2);
  });
});

describe('several devices', () => {
  test('a second device does not bring the reader online twice; leaving one keeps them available; leaving the last is one sign_out', async () => {
    const reader = await signUpReader(stack, 'two-devices');
    const laptop = reader.client;
    const phone = await anotherDevice(stack, reader);
    expect((await heartbeat(laptop)).devices).toBe(1);
    expect((await heartbeat(phone)).devices).toBe(2);

    expect(await goOffline(laptop)).toMatchObject({ status: 'available', devices: 1 });
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'available', is_online: true });
    expect(await auditOf(db, reader.userId)).toHaveLength(1);

    expect(await goOffline(phone)).toMatchObject({ status: 'offline', devices: 0 });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
    ]);
  });

  test('signing out on one device (scope local) takes only that device offline', async () => {
    const reader = await signUpReader(stack, 'sign-out-local');
    const phone = await anotherDevice(stack, reader);
    await heartbeat(reader.client);
    await heartbeat(phone);
    expect((await reader.client.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect(await myPresence(phone)).toMatchObject({ status: 'available', devices: 1 });
    expect(await auditOf(db, reader.userId)).toHaveLength(1);

    expect((await phone.auth.signOut({ scope: 'local' })).error).toBeNull();
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'offline', is_online: false });
    expect((await auditOf(db, reader.userId)).at(-1)).toEqual({ old_status: 'available', new_status: 'offline', cause: 'sign_out' });
  });

  test('signing out everywhere (scope global) takes every device offline at once, in one transition', async () => {
    const reader = await signUpReader(stack, 'sign-out-global');
    const phone = await anotherDevice(stack, reader);
    const tablet = await anotherDevice(stack, reader);
    for (const device of [reader.client, phone, tablet]) await heartbeat(device);
    const tokens = await Promise.all([reader.client, phone, tablet].map((device) => accessTokenOf(device)));
    expect((await phone.auth.signOut({ scope: 'global' })).error).toBeNull();
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'offline', is_online: false });
    expect(await sql(stack, 'select count(*)::int as n from private.reader_devices where reader_id = $1', [reader.userId])).toEqual([{ n: 0 }]);
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
    ]);
    // Every device's access token outlives its session, and every one is refused.
    for (const token of tokens) {
      const beat = await clientWithToken(stack, token).rpc('reader_heartbeat', { idle_seconds: 0 });
      expect([beat.status, beat.error?.code]).toEqual([403, '42501']);
    }
    expect(await auditOf(db, reader.userId)).toHaveLength(2);
  });

  test('a device silent past five minutes while another is live changes nothing', async () => {
    const reader = await signUpReader(stack, 'one-silent');
    const phone = await anotherDevice(stack, reader);
    await heartbeat(reader.client);
    await heartbeat(phone);
    await ageDevice(db, await sessionIdOf(phone), { heardAgo: '5 minutes 1 second' });
    expect(await cardOf(visitor, reader.userId)).toMatchObject({ status: 'available', is_online: true });
    expect(await minuteJob()).toBe(0);
    expect(await myPresence(reader.client)).toMatchObject({ status: 'available', devices: 1 });
    expect(await auditOf(db, reader.userId)).toHaveLength(1);
  });

  test('input on any device counts: an idle laptop and a used phone are available', async () => {
    const reader = await signUpReader(stack, 'input-anywhere');
    const phone = await anotherDevice(stack, reader);
    await heartbeat(reader.client);
    await heartbeat(phone);
    await ageDevice(db, await sessionIdOf(reader.client), { inputAgo: '30 minutes' });
    expect((await presenceNow(db, reader.userId)).status).toBe('available');
    expect(await minuteJob()).toBe(0);
  });

  test('two new devices of an offline reader reporting at the same moment make one transition', async () => {
    const reader = await signUpReader(stack, 'concurrent');
    const devices = [reader.client, ...(await Promise.all([1, 2, 3].map(() => anotherDevice(stack, reader))))];
    const answers = await Promise.all(devices.map((device) => heartbeat(device)));
    expect(answers.every((answer) => answer.status === 'available')).toBe(true);
    expect(await presenceNow(db, reader.userId)).toMatchObject({ status: 'available', recorded_status: 'available', live_devices: 4 });
    expect(await auditOf(db, reader.userId)).toEqual([{ old_status: 'offline', new_status: 'available', cause: 'heartbeat' }]);
  });
});

describe('the audit trail', () => {
  test('every transition lands once, with its cause; calls that change nothing write nothing', async () => {
    const reader = await onlineReader('audit');
    await setStatus(reader.client, 'busy', 'Reading');
    // Same status, another message: not a transition.
    await setStatus(reader.client, 'busy', 'Still reading');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'away');
    await setStatus(reader.client, 'available');
    await heartbeat(reader.client);
    await myPresence(reader.client);
    expect(await goOffline(reader.client)).toMatchObject({ status: 'offline' });
    // A device that is not online going offline again: nothing to write.
    expect(await goOffline(reader.client)).toMatchObject({ status: 'offline' });
    expect(await auditOf(db, reader.userId)).toEqual([
      { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
      { old_status: 'available', new_status: 'busy', cause: 'reader_choice' },
      { old_status: 'busy', new_status: 'away', cause: 'reader_choice' },
      { old_status: 'away', new_status: 'available', cause: 'reader_choice' },
      { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
    ]);
  });

  test('a choice made while offline is no transition; it shows when the reader comes online', async () => {
    const reader = await signUpReader(stack, 'choice-offline');
    expect(await setStatus(reader.client, 'busy', 'Back soon')).toMatchObject({ status: 'offline', chosen_status: 'busy', devices: 0 });
    expect(await auditOf(db, reader.userId)).toEqual([]);
    expect((await heartbeat(reader.client)).status).toBe('busy');
    expect(await auditOf(db, reader.userId)).toEqual([{ old_status: 'offline', new_status: 'busy', cause: 'heartbeat' }]);
  });

  test("transitions never touch the profile's updated_at; a profile edit does", async () => {
    const reader = await signUpReader(stack, 'updated-at');
    await sql(stack, "update public.users set updated_at = now() - interval '1 day' where id = $1", [reader.userId]);
    await heartbeat(reader.client);
    await setStatus(reader.client, 'busy');
    await goOffline(reader.client);
    expect(await sql(stack, "select updated_at < now() - interval '23 hours' as untouched from public.users where id = $1", [reader.userId])).toEqual([
      { untouched: true },
    ]);
    expect((await reader.client.from('users').update({ bio: 'New bio' }).eq('id', reader.userId)).error).toBeNull();
    expect(await sql(stack, "select updated_at > now() - interval '1 minute' as moved from public.users where id = $1", [reader.userId])).toEqual([
      { moved: true },
    ]);
  });
});
