/**
 * Reader hours (20251125000800_reader_hours.sql): who may read and write a reader's time zone,
 * weekly windows and days off, through the API each actor has (supabase-js through the gateway);
 * what bad hours are refused with, changing nothing; the rule of the next window
 * (private.next_reader_window) across the daylight-saving changes of Europe/London,
 * America/New_York and Australia/Sydney in both directions, with every expected instant worked out
 * by hand and shown in the time zones of clients elsewhere as a browser shows it (Intl); the next
 * window kept on users and shown on reader_cards, by the triggers and by the minute job; that hours
 * never change a status; and the plans at 100,000 readers.
 */
import type { SupabaseClient } from '@supabase/supabase-js';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningStack } from '../../../local-stack/stack.ts';
import { loadBulkReaders } from '../../support/bulk-readers.ts';
import { auditOf, createReader, giveDevice, recordAsIs, resetPresence, setChoice, type PresenceQuery } from '../../support/presence-fixtures.ts';
import { clientFor, dbOf, signedInAs, sql, startTestStack } from '../../support/test-stack.ts';
import { cardOf, heartbeat, signUpReader, type Reader } from './presence-clients.ts';

let stack: RunningStack;
let db: PresenceQuery;
let anon: SupabaseClient;
let client: { client: SupabaseClient; userId: string };

beforeAll(async () => {
  // No scheduler: the jobs run when a test runs them.
  stack = await startTestStack({ presenceJobs: false });
  db = dbOf(stack);
  anon = clientFor(stack);
  client = await signedInAs(stack, 'client@demo.test');
  await resetPresence(db);
});

afterAll(async () => {
  await stack?.stop();
});

type Window = [weekday: number, starts: string, ends: string];

interface NextWindow {
  starts_at: string;
  ends_at: string;
}

const iso = (value: Date | string | null | undefined) => (value == null ? null : new Date(value).toISOString());

/** A reader made in SQL with a time zone and windows (as the database owner: set-ups, not the API under test). */
async function readerWithHours(timeZone: string, windows: Window[]): Promise<string> {
  const id = await createReader(db);
  await sql(stack, 'insert into public.reader_schedules (reader_id, time_zone) values ($1, $2)', [id, timeZone]);
  for (const [weekday, starts, ends] of windows) {
    await sql(stack, 'insert into public.reader_hours (reader_id, weekday, starts, ends) values ($1, $2, $3, $4)', [id, weekday, starts, ends]);
  }
  return id;
}

/** THE rule: the reader's next window after a moment, as UTC ISO strings, or null. */
async function nextWindow(readerId: string, after: string): Promise<NextWindow | null> {
  const rows = await sql<{ starts_at: Date; ends_at: Date }>(stack, 'select starts_at, ends_at from private.next_reader_window($1, $2)', [readerId, after]);
  expect(rows.length).toBeLessThanOrEqual(1);
  return rows[0] ? { starts_at: iso(rows[0].starts_at)!, ends_at: iso(rows[0].ends_at)! } : null;
}

/** What the database keeps on users for the card. */
async function keptWindow(readerId: string) {
  const [row] = await sql<{ starts_at: Date | null; ends_at: Date | null; refresh_at: Date | null }>(
    stack,
    `select u.next_window_starts_at as starts_at, u.next_window_ends_at as ends_at, s.next_window_refresh_at as refresh_at
     from public.users u left join public.reader_schedules s on s.reader_id = u.id where u.id = $1`,
    [readerId],
  );
  return { starts_at: iso(row!.starts_at), ends_at: iso(row!.ends_at), refresh_at: iso(row!.refresh_at) };
}

/** The rule applied now, for comparing with what is kept. */
async function nextWindowNow(readerId: string) {
  const [row] = await sql<{ starts_at: Date | null; ends_at: Date | null }>(
    stack,
    'select w.starts_at, w.ends_at from (select 1) one left join private.next_reader_window($1, now()) w on true',
    [readerId],
  );
  return { starts_at: iso(row!.starts_at), ends_at: iso(row!.ends_at) };
}

/** An instant as a browser in that zone shows it: "Mon 30/03, 13:00". */
const shownIn = (timeZone: string, instant: string) =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant));

async function countsOf(readerId: string) {
  const [row] = await sql<{ schedules: number; hours: number; days_off: number }>(
    stack,
    `select (select count(*) from public.reader_schedules where reader_id = $1)::int as schedules,
            (select count(*) from public.reader_hours where reader_id = $1)::int as hours,
            (select count(*) from public.reader_days_off where reader_id = $1)::int as days_off`,
    [readerId],
  );
  return row!;
}

async function hoursOf(readerId: string) {
  return sql(stack, 'select weekday, starts::text, ends::text from public.reader_hours where reader_id = $1 order by weekday, starts', [readerId]);
}

/** The reader's own date (in their zone) n days from today, as YYYY-MM-DD. */
async function localDate(readerId: string, days: number): Promise<string> {
  const [row] = await sql<{ day: string }>(
    stack,
    `select ((now() at time zone s.time_zone)::date + $2::int)::text as day from public.reader_schedules s where s.reader_id = $1`,
    [readerId, days],
  );
  return row!.day;
}

type ApiAnswer = { error: { code?: string; message: string; details?: string | null } | null; status: number };

/** The error an API call was refused with, as [status, code, message]. */
const refusal = ({ error, status }: ApiAnswer) => [status, error?.code, error?.message];

describe('as the reader', () => {
  let reader: Reader;

  beforeAll(async () => {
    reader = await signUpReader(stack, 'hours-owner');
  });

  test('sets a time zone and weekly windows, reads them back, and the card shows the next window the rule gives', async () => {
    const zone = await reader.client.from('reader_schedules').insert({ reader_id: reader.userId, time_zone: 'Europe/London' });
    expect(zone.error).toBeNull();
    const added = await reader.client
      .from('reader_hours')
      .insert([
        { reader_id: reader.userId, weekday: 1, starts: '18:00', ends: '22:00' },
        { reader_id: reader.userId, weekday: 1, starts: '09:00', ends: '12:00' },
        { reader_id: reader.userId, weekday: 5, starts: '22:00', ends: '24:00' },
        { reader_id: reader.userId, weekday: 6, starts: '00:00', ends: '02:00' },
      ])
      .select('weekday, starts, ends');
    expect(added.error).toBeNull();
    expect(added.data).toHaveLength(4);
    expect(await hoursOf(reader.userId)).toEqual([
      { weekday: 1, starts: '09:00:00', ends: '12:00:00' },
      { weekday: 1, starts: '18:00:00', ends: '22:00:00' },
      { weekday: 5, starts: '22:00:00', ends: '24:00:00' },
      { weekday: 6, starts: '00:00:00', ends: '02:00:00' },
    ]);

    const card = await anon.from('reader_cards').select('next_window_starts_at, next_window_ends_at, server_time').eq('id', reader.userId).single();
    expect(card.error).toBeNull();
    const expected = await nextWindowNow(reader.userId);
    expect(expected.starts_at).not.toBeNull();
    expect({ starts_at: iso(card.data!.next_window_starts_at as string), ends_at: iso(card.data!.next_window_ends_at as string) }).toEqual(expected);
    // The next window is one of the four, in London: its local start is one of theirs.
    expect(['09:00', '18:00', '22:00', '00:00']).toContain(shownIn('Europe/London', expected.starts_at!).slice(-5));
    expect(new Date(expected.ends_at!).getTime()).toBeGreaterThan(new Date(card.data!.server_time as string).getTime());
  });

  test('changes a window, and removes one; the card follows at once', async () => {
    const before = await keptWindow(reader.userId);
    const moved = await reader.client
      .from('reader_hours')
      .update({ starts: '19:00' })
      .eq('reader_id', reader.userId)
      .eq('weekday', 1)
      .eq('starts', '18:00')
      .select('starts');
    expect([moved.error, moved.data]).toEqual([null, [{ starts: '19:00:00' }]]);
    const removed = await reader.client.from('reader_hours').delete().eq('reader_id', reader.userId).eq('weekday', 1).eq('starts', '09:00').select('weekday');
    expect([removed.error, removed.data]).toEqual([null, [{ weekday: 1 }]]);
    const after = await keptWindow(reader.userId);
    expect({ starts_at: after.starts_at, ends_at: after.ends_at }).toEqual(await nextWindowNow(reader.userId));
    expect(after.refresh_at).toBe(after.ends_at);
    expect(before.starts_at).not.toBeNull();
  });

  test('moves to another time zone (one call, an upsert): the same local hours become other instants', async () => {
    const inLondon = await nextWindowNow(reader.userId);
    const upsert = await reader.client.from('reader_schedules').upsert({ reader_id: reader.userId, time_zone: 'Asia/Tokyo' }, { onConflict: 'reader_id' });
    expect(upsert.error).toBeNull();
    const inTokyo = await keptWindow(reader.userId);
    expect({ starts_at: inTokyo.starts_at, ends_at: inTokyo.ends_at }).toEqual(await nextWindowNow(reader.userId));
    expect(inTokyo.starts_at).not.toEqual(inLondon.starts_at);
    expect(['19:00', '22:00', '00:00']).toContain(shownIn('Asia/Tokyo', inTokyo.starts_at!).slice(-5));
    await reader.client.from('reader_schedules').update({ time_zone: 'Europe/London' }).eq('reader_id', reader.userId);
    expect(['19:00', '22:00', '00:00']).toContain(shownIn('Europe/London', (await keptWindow(reader.userId)).starts_at!).slice(-5));
  });

  test('adds days off, reads them (only they can), and the next window skips them; removing one brings it back', async () => {
    const next = (await keptWindow(reader.userId)).starts_at!;
    const [row] = await sql<{ day: string }>(stack, `select (($1::timestamptz) at time zone 'Europe/London')::date::text as day`, [next]);
    const added = await reader.client.from('reader_days_off').insert({ reader_id: reader.userId, day: row!.day });
    expect(added.error).toBeNull();
    expect((await reader.client.from('reader_days_off').select('day')).data).toEqual([{ day: row!.day }]);
    const skipped = await keptWindow(reader.userId);
    expect(skipped.starts_at).not.toBe(next);
    expect({ starts_at: skipped.starts_at, ends_at: skipped.ends_at }).toEqual(await nextWindowNow(reader.userId));
    expect((await reader.client.from('reader_days_off').delete().eq('day', row!.day)).error).toBeNull();
    expect((await keptWindow(reader.userId)).starts_at).toBe(next);
  });

  test('deletes the schedule: hours and days off go with it, and the card has no window', async () => {
    const other = await signUpReader(stack, 'hours-deleter');
    await other.client.from('reader_schedules').insert({ reader_id: other.userId, time_zone: 'UTC' });
    await other.client.from('reader_hours').insert({ reader_id: other.userId, weekday: 3, starts: '10:00', ends: '11:00' });
    await other.client.from('reader_days_off').insert({ reader_id: other.userId, day: await localDate(other.userId, 30) });
    expect(await countsOf(other.userId)).toEqual({ schedules: 1, hours: 1, days_off: 1 });
    expect((await keptWindow(other.userId)).starts_at).not.toBeNull();
    expect((await other.client.from('reader_schedules').delete().eq('reader_id', other.userId)).error).toBeNull();
    expect(await countsOf(other.userId)).toEqual({ schedules: 0, hours: 0, days_off: 0 });
    const card = await anon.from('reader_cards').select('next_window_starts_at, next_window_ends_at').eq('id', other.userId).single();
    expect(card.data).toEqual({ next_window_starts_at: null, next_window_ends_at: null });
  });

  test('a deleted account takes its hours with it', async () => {
    const id = await readerWithHours('UTC', [[2, '10:00', '12:00']]);
    await sql(stack, 'delete from auth.users where id = $1', [id]);
    expect(await countsOf(id)).toEqual({ schedules: 0, hours: 0, days_off: 0 });
  });
});

describe('as anon', () => {
  let readerId: string;

  beforeAll(async () => {
    readerId = await readerWithHours('Europe/London', [[1, '18:00', '22:00']]);
  });

  test("reads a reader's time zone and hours, and the next window on the card", async () => {
    expect((await anon.from('reader_schedules').select('time_zone').eq('reader_id', readerId)).data).toEqual([{ time_zone: 'Europe/London' }]);
    expect((await anon.from('reader_hours').select('weekday, starts, ends').eq('reader_id', readerId)).data).toEqual([
      { weekday: 1, starts: '18:00:00', ends: '22:00:00' },
    ]);
    const card = await anon.from('reader_cards').select('next_window_starts_at').eq('id', readerId).single();
    expect(iso(card.data!.next_window_starts_at as string)).toBe((await nextWindowNow(readerId)).starts_at);
  });

  test('cannot read days off, nor write schedules, hours or days off: 401 42501, and nothing changes', async () => {
    await sql(stack, 'insert into public.reader_days_off (reader_id, day) select $1, current_date + 3', [readerId]);
    const before = await countsOf(readerId);
    expect(refusal(await anon.from('reader_days_off').select('*'))).toEqual([401, '42501', 'permission denied for table reader_days_off']);
    expect(refusal(await anon.from('reader_schedules').insert({ reader_id: readerId, time_zone: 'UTC' }))).toEqual([
      401,
      '42501',
      'permission denied for table reader_schedules',
    ]);
    expect(refusal(await anon.from('reader_schedules').update({ time_zone: 'UTC' }).eq('reader_id', readerId))).toEqual([
      401,
      '42501',
      'permission denied for table reader_schedules',
    ]);
    expect(refusal(await anon.from('reader_hours').insert({ reader_id: readerId, weekday: 2, starts: '10:00', ends: '11:00' }))).toEqual([
      401,
      '42501',
      'permission denied for table reader_hours',
    ]);
    expect(refusal(await anon.from('reader_hours').delete().eq('reader_id', readerId))).toEqual([401, '42501', 'permission denied for table reader_hours']);
    expect(refusal(await anon.from('reader_days_off').delete().eq('reader_id', readerId))).toEqual([
      401,
      '42501',
      'permission denied for table reader_days_off',
    ]);
    const kept = await keptWindow(readerId);
    const write = await anon.from('users').update({ next_window_starts_at: new Date().toISOString() }).eq('id', readerId);
    expect(write.error?.code).toBe('42501');
    expect(await countsOf(readerId)).toEqual(before);
    expect((await sql(stack, 'select time_zone from public.reader_schedules where reader_id = $1', [readerId]))[0]).toEqual({ time_zone: 'Europe/London' });
    expect(await keptWindow(readerId)).toEqual(kept);
  });
});

describe("as another reader, or a client, with the reader's ids", () => {
  let owner: Reader;
  let intruder: Reader;

  beforeAll(async () => {
    owner = await signUpReader(stack, 'hours-victim');
    intruder = await signUpReader(stack, 'hours-intruder');
    await owner.client.from('reader_schedules').insert({ reader_id: owner.userId, time_zone: 'America/New_York' });
    await owner.client.from('reader_hours').insert({ reader_id: owner.userId, weekday: 2, starts: '08:00', ends: '12:00' });
    await owner.client.from('reader_days_off').insert({ reader_id: owner.userId, day: await localDate(owner.userId, 10) });
  });

  test("cannot add, change or delete another reader's zone, hours or days off, nor read their days off; nothing changes", async () => {
    const before = { counts: await countsOf(owner.userId), hours: await hoursOf(owner.userId), kept: await keptWindow(owner.userId) };
    for (const actor of [intruder.client, client.client]) {
      const rls = (table: string) => [403, '42501', `new row violates row-level security policy for table "${table}"`];
      expect(refusal(await actor.from('reader_schedules').insert({ reader_id: owner.userId, time_zone: 'UTC' }))).toEqual(rls('reader_schedules'));
      expect(refusal(await actor.from('reader_hours').insert({ reader_id: owner.userId, weekday: 3, starts: '08:00', ends: '09:00' }))).toEqual(
        rls('reader_hours'),
      );
      expect(refusal(await actor.from('reader_days_off').insert({ reader_id: owner.userId, day: await localDate(owner.userId, 11) }))).toEqual(
        rls('reader_days_off'),
      );
      // Updates and deletes find no row of someone else's.
      expect(await actor.from('reader_schedules').update({ time_zone: 'UTC' }).eq('reader_id', owner.userId).select()).toMatchObject({ error: null, data: [] });
      expect(await actor.from('reader_hours').update({ starts: '07:00' }).eq('reader_id', owner.userId).select()).toMatchObject({ error: null, data: [] });
      expect(await actor.from('reader_hours').delete().eq('reader_id', owner.userId).select()).toMatchObject({ error: null, data: [] });
      expect(await actor.from('reader_days_off').delete().eq('reader_id', owner.userId).select()).toMatchObject({ error: null, data: [] });
      expect(await actor.from('reader_schedules').delete().eq('reader_id', owner.userId).select()).toMatchObject({ error: null, data: [] });
      expect(await actor.from('reader_days_off').select('*').eq('reader_id', owner.userId)).toMatchObject({ error: null, data: [] });
      // Moving one's own window to someone else is no column one may set.
      expect((await actor.from('reader_hours').update({ reader_id: owner.userId }).eq('reader_id', intruder.userId)).error?.code).toBe('42501');
      // Nor is the kept window, or when the database refreshes it.
      expect((await actor.from('users').update({ next_window_starts_at: null }).eq('id', owner.userId)).error?.code).toBe('42501');
      expect((await actor.from('reader_schedules').update({ next_window_refresh_at: null }).eq('reader_id', owner.userId)).error?.code).toBe('42501');
    }
    expect({ counts: await countsOf(owner.userId), hours: await hoursOf(owner.userId), kept: await keptWindow(owner.userId) }).toEqual(before);
  });

  test('a reader cannot take over a schedule by upserting it with their own time zone', async () => {
    const answer = await intruder.client.from('reader_schedules').upsert({ reader_id: owner.userId, time_zone: 'UTC' }, { onConflict: 'reader_id' });
    expect(answer.error?.code).toBe('42501');
    expect((await sql(stack, 'select time_zone from public.reader_schedules where reader_id = $1', [owner.userId]))[0]).toEqual({
      time_zone: 'America/New_York',
    });
  });

  test('a client (not a reader) cannot have a time zone or hours', async () => {
    expect(refusal(await client.client.from('reader_schedules').insert({ reader_id: client.userId, time_zone: 'UTC' }))).toEqual([
      403,
      '42501',
      'new row violates row-level security policy for table "reader_schedules"',
    ]);
    const hours = await client.client.from('reader_hours').insert({ reader_id: client.userId, weekday: 1, starts: '10:00', ends: '11:00' });
    expect([hours.error?.code, hours.error?.message]).toEqual([
      '23503',
      'insert or update on table "reader_hours" violates foreign key constraint "reader_hours_need_schedule"',
    ]);
    const dayOff = await client.client.from('reader_days_off').insert({ reader_id: client.userId, day: '2099-01-01' });
    expect(dayOff.error?.code).toBe('23503');
    expect(await countsOf(client.userId)).toEqual({ schedules: 0, hours: 0, days_off: 0 });
  });
});

describe('bad hours are refused with a clear error and change nothing', () => {
  let reader: Reader;
  let before: { counts: Awaited<ReturnType<typeof countsOf>>; hours: unknown[] };

  beforeAll(async () => {
    reader = await signUpReader(stack, 'hours-validation');
    await reader.client.from('reader_schedules').insert({ reader_id: reader.userId, time_zone: 'Australia/Sydney' });
    await reader.client.from('reader_hours').insert([
      { reader_id: reader.userId, weekday: 1, starts: '09:00', ends: '12:00' },
      { reader_id: reader.userId, weekday: 1, starts: '13:00', ends: '15:00' },
      { reader_id: reader.userId, weekday: 1, starts: '16:00', ends: '18:00' },
    ]);
    before = { counts: await countsOf(reader.userId), hours: await hoursOf(reader.userId) };
  });

  // Nothing written, and the kept window still what the rule says now.
  const unchanged = async () => {
    expect({ counts: await countsOf(reader.userId), hours: await hoursOf(reader.userId) }).toEqual({ counts: before.counts, hours: before.hours });
    const kept = await keptWindow(reader.userId);
    expect({ starts_at: kept.starts_at, ends_at: kept.ends_at }).toEqual(await nextWindowNow(reader.userId));
    expect(kept.refresh_at).toBe(kept.ends_at);
  };

  const addWindow = (weekday: unknown, starts: unknown, ends: unknown) =>
    reader.client.from('reader_hours').insert({ reader_id: reader.userId, weekday, starts, ends });

  test('overlapping or touching windows of one day: 23P01 naming reader_hours_no_overlap', async () => {
    for (const [starts, ends] of [
      ['11:00', '14:00'], // overlaps two
      ['10:00', '11:00'], // inside one
      ['08:00', '20:00'], // around all three
      ['12:00', '13:00'], // touches both neighbours: make them one window
      ['18:00', '19:00'], // touches the last
    ]) {
      const answer = await addWindow(1, starts, ends);
      expect([answer.status, answer.error?.code, answer.error?.message], `${starts}-${ends}`).toEqual([
        400,
        '23P01',
        'conflicting key value violates exclusion constraint "reader_hours_no_overlap"',
      ]);
    }
    // Moving an existing window onto another is refused the same way.
    const moved = await reader.client.from('reader_hours').update({ starts: '10:00', ends: '14:00' }).eq('reader_id', reader.userId).eq('starts', '16:00');
    expect(moved.error?.code).toBe('23P01');
    await unchanged();
  });

  test('an end not after the start: 23514 naming reader_hours_ends_after_starts', async () => {
    for (const [starts, ends] of [
      ['20:00', '19:00'],
      ['20:00', '20:00'],
      ['22:00', '02:00'], // across midnight: split it into two windows
    ]) {
      const answer = await addWindow(2, starts, ends);
      expect([answer.error?.code, answer.error?.message]).toEqual([
        '23514',
        'new row for relation "reader_hours" violates check constraint "reader_hours_ends_after_starts"',
      ]);
    }
    await unchanged();
  });

  test('a weekday outside ISO 1 (Monday) to 7 (Sunday): 23514 naming reader_hours_weekday_iso; not a number: 22P02', async () => {
    for (const weekday of [0, 8, -1, 32767]) {
      const answer = await addWindow(weekday, '10:00', '11:00');
      expect([answer.error?.code, answer.error?.message], String(weekday)).toEqual([
        '23514',
        'new row for relation "reader_hours" violates check constraint "reader_hours_weekday_iso"',
      ]);
    }
    for (const weekday of ['Monday', 1.5, 40000, true, [1]]) {
      const answer = await addWindow(weekday, '10:00', '11:00');
      expect(['22P02', '22003', '42804'], JSON.stringify(weekday)).toContain(answer.error?.code);
      expect(answer.status, JSON.stringify(weekday)).toBe(400);
    }
    await unchanged();
  });

  test('seconds, times that are no time, wrong types and 10 KB strings: 23514 or 22xxx, 400', async () => {
    const seconds = await addWindow(2, '10:00:30', '11:00');
    expect([seconds.error?.code, seconds.error?.message]).toEqual([
      '23514',
      'new row for relation "reader_hours" violates check constraint "reader_hours_whole_minutes"',
    ]);
    for (const [starts, ends] of [
      ['25:00', '26:00'],
      ['10:00', '24:01'],
      ['ten', 'eleven'],
      ['10:00' + 'x'.repeat(10_000), '11:00'],
      [{ h: 10 }, '11:00'],
      [null, '11:00'],
    ] as const) {
      const answer = await addWindow(2, starts, ends);
      expect(answer.status, JSON.stringify(starts).slice(0, 40)).toBe(400);
      expect(answer.error?.code, JSON.stringify(starts).slice(0, 40)).toMatch(/^(22|23502)/);
    }
    await unchanged();
  });

  test('a fifth window on one day: 23514 naming reader_hours_per_day_limit, also when sent at once', async () => {
    expect((await addWindow(1, '19:00', '20:00')).error).toBeNull();
    const fifth = await addWindow(1, '21:00', '22:00');
    expect([fifth.status, fifth.error?.code, fifth.error?.message, fifth.error?.details]).toEqual([
      400,
      '23514',
      'new row for relation "reader_hours" violates check constraint "reader_hours_per_day_limit"',
      'At most 4 windows a day; weekday 1 would have 5.',
    ]);
    // Moving a window of another day onto the full one counts too (one that overlaps none there).
    await addWindow(4, '22:30', '23:00');
    const moved = await reader.client.from('reader_hours').update({ weekday: 1 }).eq('reader_id', reader.userId).eq('weekday', 4);
    expect(moved.error?.message).toContain('"reader_hours_per_day_limit"');
    await reader.client.from('reader_hours').delete().eq('reader_id', reader.userId).in('weekday', [1, 4]).in('starts', ['19:00', '22:30']);
    const five = await reader.client
      .from('reader_hours')
      .insert(['00:00', '02:00', '04:00', '06:00', '08:00'].map((starts, n) => ({ reader_id: reader.userId, weekday: 6, starts, ends: `0${2 * n}:30` })));
    expect(five.error?.message).toContain('"reader_hours_per_day_limit"');
    await unchanged();
  });

  test('two windows added at once when one place is left: the second waits for the first and is refused', async () => {
    // The fourth is being added (another tab, say) and not yet committed when the reader adds a fifth.
    const first = new pg.Client({ connectionString: stack.dbUrl });
    await first.connect();
    try {
      await first.query('begin');
      await first.query(`insert into public.reader_hours (reader_id, weekday, starts, ends) values ($1, 1, '19:00', '20:00')`, [reader.userId]);
      let settled = false;
      const fifth = Promise.resolve(addWindow(1, '21:00', '22:00')).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      await first.query('commit');
      expect([(await fifth).error?.code, (await fifth).error?.details]).toEqual(['23514', 'At most 4 windows a day; weekday 1 would have 5.']);
    } finally {
      await first.end();
    }
    expect((await hoursOf(reader.userId)).length).toBe(before.hours.length + 1);
    await sql(stack, `delete from public.reader_hours where reader_id = $1 and starts = '19:00'`, [reader.userId]);
    await unchanged();
  });

  test('time zones that are not an IANA Area/Location name PostgreSQL knows: 23514 naming reader_schedules_time_zone_known', async () => {
    const other = await signUpReader(stack, 'hours-zones');
    for (const zone of [
      'Mars/Olympus_Mons',
      'EST', // an abbreviation: a fixed offset, wrong all summer for New York
      'CET',
      'GMT',
      'EST5EDT',
      '+05',
      'UTC+3',
      '<+05>-5',
      'Etc/GMT+5',
      'europe/london',
      'EUROPE/LONDON',
      'Europe/London ',
      ' Europe/London',
      'posix/Europe/London',
      '../../../etc/passwd',
      'Europe/../Europe/London',
      'UTC; drop table public.users; --',
      "UTC' or '1'='1",
      'Europe/London\u0000',
      'Europe/Lon\u202edon',
      '',
      'A/' + 'b'.repeat(10_000),
    ]) {
      const answer = await other.client.from('reader_schedules').insert({ reader_id: other.userId, time_zone: zone });
      const label = JSON.stringify(zone).slice(0, 40);
      expect(answer.status, label).toBe(400);
      if (zone.includes('\u0000')) {
        expect(answer.error?.code, label).toBe('22P05'); // PostgreSQL text cannot hold NUL
      } else {
        expect(answer.error?.code, label).toBe('23514');
        expect(answer.error?.message, label).toMatch(
          /^value for domain (public\.)?time_zone_name violates check constraint "reader_schedules_time_zone_known"$/,
        );
      }
    }
    expect((await other.client.from('reader_schedules').insert({ reader_id: other.userId, time_zone: null })).error?.code).toBe('23502');
    expect((await other.client.from('reader_schedules').insert({ reader_id: other.userId, time_zone: 42 })).error?.code).toBe('23514');
    expect(await countsOf(other.userId)).toEqual({ schedules: 0, hours: 0, days_off: 0 });

    // Changing a good zone to a bad one changes nothing either.
    const change = await reader.client.from('reader_schedules').update({ time_zone: 'Australia/NSW_nowhere' }).eq('reader_id', reader.userId);
    expect(change.error?.message).toContain('"reader_schedules_time_zone_known"');
    expect((await sql(stack, 'select time_zone from public.reader_schedules where reader_id = $1', [reader.userId]))[0]).toEqual({
      time_zone: 'Australia/Sydney',
    });

    // What is accepted: an Area/Location name, spelled as the time zone database spells it, and UTC.
    for (const zone of ['UTC', 'Europe/London', 'America/Argentina/Buenos_Aires', 'America/Port-au-Prince', 'Australia/Sydney', 'Asia/Kolkata']) {
      const answer = await other.client.from('reader_schedules').upsert({ reader_id: other.userId, time_zone: zone }, { onConflict: 'reader_id' });
      expect(answer.error, zone).toBeNull();
    }
    await unchanged();
  });

  test('days off in the past, over a year ahead, or a 61st: 23514 naming the limit', async () => {
    const today = await localDate(reader.userId, 0);
    const upcoming = ['new row for relation "reader_days_off" violates check constraint "reader_days_off_upcoming"'];
    for (const day of [await localDate(reader.userId, -1), await localDate(reader.userId, 366), '1970-01-01', 'infinity', '-infinity']) {
      const answer = await reader.client.from('reader_days_off').insert({ reader_id: reader.userId, day });
      expect([answer.error?.code, answer.error?.message], day).toEqual(['23514', ...upcoming]);
    }
    for (const day of ['tomorrow-ish', '2026-02-30', 'x'.repeat(10_000), true]) {
      const answer = await reader.client.from('reader_days_off').insert({ reader_id: reader.userId, day });
      expect(answer.status, String(day).slice(0, 20)).toBe(400);
      expect(answer.error?.code, String(day).slice(0, 20)).toMatch(/^22/);
    }
    // Today and a year ahead are fine; 60 upcoming days off are, and not a 61st.
    const sixty = await sql<{ day: string }>(stack, 'select ($1::date + n)::text as day from generate_series(0, 59) n', [today]);
    const added = await reader.client.from('reader_days_off').insert(sixty.map(({ day }) => ({ reader_id: reader.userId, day })));
    expect(added.error).toBeNull();
    const sixtyFirst = await reader.client.from('reader_days_off').insert({ reader_id: reader.userId, day: await localDate(reader.userId, 365) });
    expect([sixtyFirst.error?.code, sixtyFirst.error?.message, sixtyFirst.error?.details]).toEqual([
      '23514',
      'new row for relation "reader_days_off" violates check constraint "reader_days_off_limit"',
      'At most 60 upcoming days off.',
    ]);
    expect((await countsOf(reader.userId)).days_off).toBe(60);
    await sql(stack, 'delete from public.reader_days_off where reader_id = $1', [reader.userId]);
    await sql(stack, 'select private.refresh_next_windows_of(array[$1::uuid])', [reader.userId]);
    await unchanged();
  });

  test('days off that have passed stop counting: they are removed when the reader adds one', async () => {
    // Set up as if added long ago (the owner bypasses the trigger's date check by disabling it).
    await sql(
      stack,
      `alter table public.reader_days_off disable trigger check_reader_day_off_after_insert;
       insert into public.reader_days_off (reader_id, day) select '${reader.userId}', current_date - n from generate_series(2, 70) n;
       alter table public.reader_days_off enable trigger check_reader_day_off_after_insert;`,
    );
    expect((await countsOf(reader.userId)).days_off).toBe(69);
    expect((await reader.client.from('reader_days_off').insert({ reader_id: reader.userId, day: await localDate(reader.userId, 5) })).error).toBeNull();
    expect((await countsOf(reader.userId)).days_off).toBe(1);
    await sql(stack, 'delete from public.reader_days_off where reader_id = $1', [reader.userId]);
    await sql(stack, 'select private.refresh_next_windows_of(array[$1::uuid])', [reader.userId]);
    await unchanged();
  });
});

describe('the next window (private.next_reader_window)', () => {
  test('a window in progress counts; at its end the next one; the earliest window of a day first', async () => {
    // UTC, Mondays 09:00-12:00 and 18:00-22:00, Wednesdays 10:00-11:00. 2026-03-02 is a Monday.
    const id = await readerWithHours('UTC', [
      [1, '18:00', '22:00'],
      [1, '09:00', '12:00'],
      [3, '10:00', '11:00'],
    ]);
    const monday = { starts_at: '2026-03-02T09:00:00.000Z', ends_at: '2026-03-02T12:00:00.000Z' };
    const evening = { starts_at: '2026-03-02T18:00:00.000Z', ends_at: '2026-03-02T22:00:00.000Z' };
    expect(await nextWindow(id, '2026-03-01T23:00:00Z')).toEqual(monday);
    expect(await nextWindow(id, '2026-03-02T09:00:00Z')).toEqual(monday);
    expect(await nextWindow(id, '2026-03-02T11:59:59.999Z')).toEqual(monday);
    expect(await nextWindow(id, '2026-03-02T12:00:00Z')).toEqual(evening);
    expect(await nextWindow(id, '2026-03-02T21:00:00Z')).toEqual(evening);
    expect(await nextWindow(id, '2026-03-02T22:00:00Z')).toEqual({ starts_at: '2026-03-04T10:00:00.000Z', ends_at: '2026-03-04T11:00:00.000Z' });
    expect(await nextWindow(id, '2026-03-04T11:00:00Z')).toEqual({ starts_at: '2026-03-09T09:00:00.000Z', ends_at: '2026-03-09T12:00:00.000Z' });
  });

  test('a window ending at 24:00 ends at the next midnight, and the next day can start there', async () => {
    const id = await readerWithHours('UTC', [
      [5, '22:00', '24:00'],
      [6, '00:00', '02:00'],
    ]);
    // 2026-03-06 is a Friday.
    expect(await nextWindow(id, '2026-03-06T23:00:00Z')).toEqual({ starts_at: '2026-03-06T22:00:00.000Z', ends_at: '2026-03-07T00:00:00.000Z' });
    expect(await nextWindow(id, '2026-03-07T00:00:00Z')).toEqual({ starts_at: '2026-03-07T00:00:00.000Z', ends_at: '2026-03-07T02:00:00.000Z' });
  });

  test('no hours, or no schedule: no window', async () => {
    const zoneOnly = await createReader(db);
    await sql(stack, "insert into public.reader_schedules (reader_id, time_zone) values ($1, 'UTC')", [zoneOnly]);
    expect(await nextWindow(zoneOnly, '2026-03-02T00:00:00Z')).toBeNull();
    expect(await nextWindow(await createReader(db), '2026-03-02T00:00:00Z')).toBeNull();
    expect(await nextWindow(crypto.randomUUID(), '2026-03-02T00:00:00Z')).toBeNull();
    expect(await keptWindow(zoneOnly)).toEqual({ starts_at: null, ends_at: null, refresh_at: null });
  });

  test("days off are skipped, up to 14 days ahead of the reader's today, and nothing further is promised", async () => {
    // Windows on one weekday only: the weekday of the reader's tomorrow; days off from tomorrow on.
    const id = await createReader(db);
    await sql(stack, "insert into public.reader_schedules (reader_id, time_zone) values ($1, 'America/New_York')", [id]);
    const [t] = await sql<{ weekday: number }>(stack, "select extract(isodow from (now() at time zone 'America/New_York')::date + 1)::int as weekday");
    await sql(stack, "insert into public.reader_hours (reader_id, weekday, starts, ends) values ($1, $2, '18:00', '20:00')", [id, t!.weekday]);
    const [day1, day8, day15] = [await localDate(id, 1), await localDate(id, 8), await localDate(id, 15)];
    // The start of the reader's tomorrow, as the moment to look from.
    const [{ after }] = (await sql<{ after: Date }>(stack, "select ($1::date)::timestamp at time zone 'America/New_York' as after", [day1])) as [
      { after: Date },
    ];
    const at = (day: string) =>
      sql<{ s: Date; e: Date }>(
        stack,
        "select ($1::date + time '18:00') at time zone 'America/New_York' as s, ($1::date + time '20:00') at time zone 'America/New_York' as e",
        [day],
      );
    const windowOn = async (day: string) => {
      const [row] = await at(day);
      return { starts_at: iso(row!.s)!, ends_at: iso(row!.e)! };
    };
    expect(await nextWindow(id, after.toISOString())).toEqual(await windowOn(day1));
    await sql(stack, 'insert into public.reader_days_off (reader_id, day) values ($1, $2)', [id, day1]);
    expect(await nextWindow(id, after.toISOString())).toEqual(await windowOn(day8));
    await sql(stack, 'insert into public.reader_days_off (reader_id, day) values ($1, $2)', [id, day8]);
    // Tomorrow + 14 days is the last day looked at.
    expect(await nextWindow(id, after.toISOString())).toEqual(await windowOn(day15));
    await sql(stack, 'insert into public.reader_days_off (reader_id, day) values ($1, $2)', [id, day15]);
    expect(await nextWindow(id, after.toISOString())).toBeNull();
    // Kept as none, and looked at again at the reader's next midnight (when a new day comes within reach).
    const [midnight] = await sql<{ at: Date }>(
      stack,
      "select (((now() at time zone 'America/New_York')::date + 1)::timestamp at time zone 'America/New_York') as at",
    );
    expect(await keptWindow(id)).toEqual({ starts_at: null, ends_at: null, refresh_at: iso(midnight!.at) });
  });

  // Mondays 18:00-22:00 in the reader's zone, a week before and a week after each change of that
  // zone; every instant worked out by hand, then shown where clients elsewhere live. 2026 changes:
  // London 29 Mar (GMT to BST) and 25 Oct; New York 8 Mar (EST to EDT) and 1 Nov; Sydney 5 Apr
  // (AEDT to AEST) and 4 Oct.
  const MONDAY_EVENINGS: Array<{ zone: string; after: string; window: NextWindow; shown: Record<string, string> }> = [
    // London, spring: 23 Mar is GMT (UTC+0), 30 Mar BST (UTC+1).
    {
      zone: 'Europe/London',
      after: '2026-03-18T00:00:00Z',
      window: { starts_at: '2026-03-23T18:00:00.000Z', ends_at: '2026-03-23T22:00:00.000Z' },
      shown: { 'Europe/London': 'Mon 23/03, 18:00', 'America/New_York': 'Mon 23/03, 14:00', 'Australia/Sydney': 'Tue 24/03, 05:00' },
    },
    {
      zone: 'Europe/London',
      after: '2026-03-25T00:00:00Z',
      window: { starts_at: '2026-03-30T17:00:00.000Z', ends_at: '2026-03-30T21:00:00.000Z' },
      shown: { 'Europe/London': 'Mon 30/03, 18:00', 'America/New_York': 'Mon 30/03, 13:00', 'Australia/Sydney': 'Tue 31/03, 04:00' },
    },
    // London, autumn: 19 Oct BST, 26 Oct GMT; New York is still on EDT, Sydney already on AEDT.
    {
      zone: 'Europe/London',
      after: '2026-10-14T00:00:00Z',
      window: { starts_at: '2026-10-19T17:00:00.000Z', ends_at: '2026-10-19T21:00:00.000Z' },
      shown: { 'Europe/London': 'Mon 19/10, 18:00', 'America/New_York': 'Mon 19/10, 13:00', 'Australia/Sydney': 'Tue 20/10, 04:00' },
    },
    {
      zone: 'Europe/London',
      after: '2026-10-21T00:00:00Z',
      window: { starts_at: '2026-10-26T18:00:00.000Z', ends_at: '2026-10-26T22:00:00.000Z' },
      shown: { 'Europe/London': 'Mon 26/10, 18:00', 'America/New_York': 'Mon 26/10, 14:00', 'Australia/Sydney': 'Tue 27/10, 05:00' },
    },
    // New York, spring: 2 Mar EST (UTC-5), 9 Mar EDT (UTC-4); the window ends after midnight UTC.
    {
      zone: 'America/New_York',
      after: '2026-02-25T00:00:00Z',
      window: { starts_at: '2026-03-02T23:00:00.000Z', ends_at: '2026-03-03T03:00:00.000Z' },
      shown: { 'America/New_York': 'Mon 02/03, 18:00', 'Europe/London': 'Mon 02/03, 23:00', 'Australia/Sydney': 'Tue 03/03, 10:00' },
    },
    {
      zone: 'America/New_York',
      after: '2026-03-04T00:00:00Z',
      window: { starts_at: '2026-03-09T22:00:00.000Z', ends_at: '2026-03-10T02:00:00.000Z' },
      shown: { 'America/New_York': 'Mon 09/03, 18:00', 'Europe/London': 'Mon 09/03, 22:00', 'Australia/Sydney': 'Tue 10/03, 09:00' },
    },
    // New York, autumn: 26 Oct EDT, 2 Nov EST; London is on GMT from 25 Oct.
    {
      zone: 'America/New_York',
      after: '2026-10-21T00:00:00Z',
      window: { starts_at: '2026-10-26T22:00:00.000Z', ends_at: '2026-10-27T02:00:00.000Z' },
      shown: { 'America/New_York': 'Mon 26/10, 18:00', 'Europe/London': 'Mon 26/10, 22:00', 'Australia/Sydney': 'Tue 27/10, 09:00' },
    },
    {
      zone: 'America/New_York',
      after: '2026-10-28T00:00:00Z',
      window: { starts_at: '2026-11-02T23:00:00.000Z', ends_at: '2026-11-03T03:00:00.000Z' },
      shown: { 'America/New_York': 'Mon 02/11, 18:00', 'Europe/London': 'Mon 02/11, 23:00', 'Australia/Sydney': 'Tue 03/11, 10:00' },
    },
    // Sydney, autumn there: 30 Mar AEDT (UTC+11), 6 Apr AEST (UTC+10); London is on BST from 29 Mar.
    {
      zone: 'Australia/Sydney',
      after: '2026-03-25T00:00:00Z',
      window: { starts_at: '2026-03-30T07:00:00.000Z', ends_at: '2026-03-30T11:00:00.000Z' },
      shown: { 'Australia/Sydney': 'Mon 30/03, 18:00', 'Europe/London': 'Mon 30/03, 08:00', 'America/New_York': 'Mon 30/03, 03:00' },
    },
    {
      zone: 'Australia/Sydney',
      after: '2026-04-01T00:00:00Z',
      window: { starts_at: '2026-04-06T08:00:00.000Z', ends_at: '2026-04-06T12:00:00.000Z' },
      shown: { 'Australia/Sydney': 'Mon 06/04, 18:00', 'Europe/London': 'Mon 06/04, 09:00', 'America/New_York': 'Mon 06/04, 04:00' },
    },
    // Sydney, spring there: 28 Sep AEST, 5 Oct AEDT.
    {
      zone: 'Australia/Sydney',
      after: '2026-09-23T00:00:00Z',
      window: { starts_at: '2026-09-28T08:00:00.000Z', ends_at: '2026-09-28T12:00:00.000Z' },
      shown: { 'Australia/Sydney': 'Mon 28/09, 18:00', 'Europe/London': 'Mon 28/09, 09:00', 'America/New_York': 'Mon 28/09, 04:00' },
    },
    {
      zone: 'Australia/Sydney',
      after: '2026-09-30T00:00:00Z',
      window: { starts_at: '2026-10-05T07:00:00.000Z', ends_at: '2026-10-05T11:00:00.000Z' },
      shown: { 'Australia/Sydney': 'Mon 05/10, 18:00', 'Europe/London': 'Mon 05/10, 08:00', 'America/New_York': 'Mon 05/10, 03:00' },
    },
  ];

  test.each(MONDAY_EVENINGS)(
    'Mondays 18:00-22:00 in $zone, looking from $after: the right instants, shown right in other zones',
    async ({ zone, after, window, shown }) => {
      const id = await readerWithHours(zone, [[1, '18:00', '22:00']]);
      const next = await nextWindow(id, after);
      expect(next).toEqual(window);
      expect(Object.fromEntries(Object.keys(shown).map((clientZone) => [clientZone, shownIn(clientZone, next!.starts_at)]))).toEqual(shown);
      // Ends four hours of the reader's clock later: also four real hours, away from the change itself.
      expect(shownIn(zone, next!.ends_at).slice(-5)).toBe('22:00');
    },
  );

  // Sunday windows on the night of each change (weekday 7).
  const CHANGE_NIGHTS: Array<{ what: string; zone: string; window: Window; after: string; next: NextWindow }> = [
    {
      what: 'London, spring: 00:00-04:00 lasts three hours',
      zone: 'Europe/London',
      window: [7, '00:00', '04:00'],
      after: '2026-03-28T00:00:00Z',
      next: { starts_at: '2026-03-29T00:00:00.000Z', ends_at: '2026-03-29T03:00:00.000Z' },
    },
    {
      what: 'London, spring: 01:30 does not exist; PostgreSQL takes it as GMT, 02:30 BST',
      zone: 'Europe/London',
      window: [7, '01:30', '03:00'],
      after: '2026-03-28T00:00:00Z',
      next: { starts_at: '2026-03-29T01:30:00.000Z', ends_at: '2026-03-29T02:00:00.000Z' },
    },
    {
      what: 'London, spring: 01:30-02:10 would end before it starts; skipped to the next Sunday',
      zone: 'Europe/London',
      window: [7, '01:30', '02:10'],
      after: '2026-03-28T00:00:00Z',
      next: { starts_at: '2026-04-05T00:30:00.000Z', ends_at: '2026-04-05T01:10:00.000Z' },
    },
    {
      what: 'London, autumn: 00:00-04:00 lasts five hours',
      zone: 'Europe/London',
      window: [7, '00:00', '04:00'],
      after: '2026-10-24T00:00:00Z',
      next: { starts_at: '2026-10-24T23:00:00.000Z', ends_at: '2026-10-25T04:00:00.000Z' },
    },
    {
      what: 'London, autumn: 01:00 happens twice; PostgreSQL takes the second (GMT)',
      zone: 'Europe/London',
      window: [7, '01:00', '01:45'],
      after: '2026-10-24T00:00:00Z',
      next: { starts_at: '2026-10-25T01:00:00.000Z', ends_at: '2026-10-25T01:45:00.000Z' },
    },
    {
      what: 'New York, spring: 02:30 does not exist; taken as EST, 03:30 EDT',
      zone: 'America/New_York',
      window: [7, '02:30', '04:00'],
      after: '2026-03-07T00:00:00Z',
      next: { starts_at: '2026-03-08T07:30:00.000Z', ends_at: '2026-03-08T08:00:00.000Z' },
    },
    {
      what: 'New York, autumn: 01:30 happens twice; the second (EST)',
      zone: 'America/New_York',
      window: [7, '01:30', '03:00'],
      after: '2026-10-31T00:00:00Z',
      next: { starts_at: '2026-11-01T06:30:00.000Z', ends_at: '2026-11-01T08:00:00.000Z' },
    },
    {
      what: 'Sydney, April: 02:30 happens twice; the second (AEST)',
      zone: 'Australia/Sydney',
      window: [7, '02:30', '04:00'],
      after: '2026-04-03T00:00:00Z',
      next: { starts_at: '2026-04-04T16:30:00.000Z', ends_at: '2026-04-04T18:00:00.000Z' },
    },
    {
      what: 'Sydney, October: 02:30 does not exist; taken as AEST, 03:30 AEDT',
      zone: 'Australia/Sydney',
      window: [7, '02:30', '04:00'],
      after: '2026-10-02T00:00:00Z',
      next: { starts_at: '2026-10-03T16:30:00.000Z', ends_at: '2026-10-03T17:00:00.000Z' },
    },
  ];

  test.each(CHANGE_NIGHTS)('$what', async ({ zone, window, after, next }) => {
    expect(await nextWindow(await readerWithHours(zone, [window]), after)).toEqual(next);
  });
});

describe('kept on users and shown on the cards', () => {
  test('the minute job moves readers whose window has ended to their next one, and only them', async () => {
    const ended = await readerWithHours('UTC', [[1, '10:00', '11:00']]);
    const current = await readerWithHours('UTC', [[2, '10:00', '11:00']]);
    const rightNow = await nextWindowNow(ended);
    // As if a window had ended a minute ago and the job had not run since.
    await sql(
      stack,
      `update public.users set next_window_starts_at = now() - interval '1 hour 1 minute', next_window_ends_at = now() - interval '1 minute' where id = $1;
       update public.reader_schedules set next_window_refresh_at = now() - interval '1 minute' where reader_id = $1`.replace(/\$1/g, `'${ended}'`),
    );
    const untouched = await keptWindow(current);
    expect((await sql<{ changed: number }>(stack, 'select private.refresh_reader_next_windows() as changed'))[0]!.changed).toBe(1);
    expect(await keptWindow(ended)).toEqual({ ...rightNow, refresh_at: rightNow.ends_at });
    expect(await keptWindow(current)).toEqual(untouched);
    expect((await sql<{ changed: number }>(stack, 'select private.refresh_reader_next_windows() as changed'))[0]!.changed).toBe(0);
  });

  test('the job leaves a reader whose row another transaction holds for the next minute, without waiting', async () => {
    const id = await readerWithHours('UTC', [[3, '10:00', '11:00']]);
    await sql(stack, `update public.reader_schedules set next_window_refresh_at = now() - interval '1 minute' where reader_id = $1`, [id]);
    await sql(stack, `update public.users set next_window_starts_at = null, next_window_ends_at = null where id = $1`, [id]);
    const holder = new pg.Client({ connectionString: stack.dbUrl });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select from public.users where id = $1 for update', [id]);
      const started = Date.now();
      expect((await sql<{ changed: number }>(stack, 'select private.refresh_reader_next_windows() as changed'))[0]!.changed).toBe(0);
      expect(Date.now() - started).toBeLessThan(2_000);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    expect((await sql<{ changed: number }>(stack, 'select private.refresh_reader_next_windows() as changed'))[0]!.changed).toBe(1);
    expect((await keptWindow(id)).starts_at).toBe((await nextWindowNow(id)).starts_at);
  });

  test('"Available later today" as the readers page asks for it: not available now, next window starting before the client\'s midnight', async () => {
    // Readers in UTC whose window (every day) starts in the next hour to two hours, or in about 14 hours.
    const windowFrom = async (hoursAhead: number) => {
      const [row] = await sql<{ weekday: number; starts: string; ends: string }>(
        stack,
        `select extract(isodow from t)::int as weekday, date_trunc('hour', t)::time::text as starts,
                (date_trunc('hour', t)::time + interval '1 hour')::text as ends
         from (select (now() at time zone 'UTC') + make_interval(hours => $1) as t) x`,
        [hoursAhead],
      );
      // 23:00 + 1 hour is 00:00 as a time: the window ends at midnight.
      return [row!.weekday, row!.starts, row!.ends === '00:00:00' ? '24:00' : row!.ends] as Window;
    };
    const later = await readerWithHours('UTC', [await windowFrom(2)]);
    // Available now, the record a minute behind (offline) or caught up; busy now, recorded so.
    const availableNow = await readerWithHours('UTC', [await windowFrom(2)]);
    await giveDevice(db, availableNow);
    const availableRecorded = await readerWithHours('UTC', [await windowFrom(2)]);
    await giveDevice(db, availableRecorded);
    const busyNow = await readerWithHours('UTC', [await windowFrom(2)]);
    await giveDevice(db, busyNow);
    await setChoice(db, busyNow, 'busy', { expiresIn: '2 hours' });
    await recordAsIs(db, [availableRecorded, busyNow]);
    const tomorrow = await readerWithHours('UTC', [await windowFrom(14)]);
    const [{ now }] = (await sql<{ now: Date }>(stack, 'select now()')) as [{ now: Date }];
    // The client's midnight, as their browser works it out: here, 12 hours away.
    const clientMidnight = new Date(now.getTime() + 12 * 3600_000).toISOString();
    const page = await anon
      .from('reader_cards')
      .select('id, status, next_window_starts_at')
      .gt('next_window_starts_at', now.toISOString())
      .lt('next_window_starts_at', clientMidnight)
      .neq('recorded_status', 'available')
      .neq('status', 'available')
      .order('next_window_starts_at')
      .order('average_rating', { ascending: false })
      .order('id')
      .limit(24);
    expect(page.error).toBeNull();
    const ids = page.data!.map((card) => card.id as string);
    expect(ids).toEqual(expect.arrayContaining([later, busyNow]));
    // Available now: not "later today", whatever the hours say; after the client's midnight: not today.
    expect(ids).not.toContain(availableNow);
    expect(ids).not.toContain(availableRecorded);
    expect(ids).not.toContain(tomorrow);
    expect((await cardOf(anon, availableNow)).status).toBe('available');
    expect((await cardOf(anon, busyNow)).status).toBe('busy');
    await resetPresence(db, [availableNow, availableRecorded, busyNow]);
  });
});

describe('hours never change the status', () => {
  test('a reader inside a window with no device is offline, and stays so through the jobs; a reader without hours is available with a device', async () => {
    const always = await readerWithHours(
      'Pacific/Auckland',
      [1, 2, 3, 4, 5, 6, 7].map((weekday): Window => [weekday, '00:00', '24:00']),
    );
    const noHours = await createReader(db);
    await giveDevice(db, noHours);
    const kept = await keptWindow(always);
    expect(new Date(kept.starts_at!).getTime()).toBeLessThanOrEqual(Date.now() + 5_000);
    await sql(stack, 'select public.mark_inactive_readers_offline(), public.cleanup_reader_presence(), private.refresh_reader_next_windows()');
    expect(await cardOf(anon, always)).toMatchObject({ status: 'offline', is_online: false, recorded_status: 'offline' });
    expect(await auditOf(db, always)).toEqual([]);
    expect((await cardOf(anon, noHours)).status).toBe('available');
    await resetPresence(db, [noHours]);
  });

  test("a reader's heartbeat outside every window keeps them available", async () => {
    const reader = await signUpReader(stack, 'hours-heartbeat');
    await reader.client.from('reader_schedules').insert({ reader_id: reader.userId, time_zone: 'UTC' });
    expect((await heartbeat(reader.client)).status).toBe('available');
    expect((await cardOf(anon, reader.userId)).status).toBe('available');
    await resetPresence(db, [reader.userId]);
  });
});

describe('at 100,000 readers', () => {
  beforeAll(async () => {
    await loadBulkReaders(stack);
    await sql(
      stack,
      `
      -- A third keep hours in one of three zones (each zone checked once: the values are already of the domain).
      with zones as materialized (
        select zone::public.time_zone_name as zone, k - 1 as k
        from unnest(array['Europe/London', 'America/New_York', 'Australia/Sydney']) with ordinality as z (zone, k)
      )
      insert into public.reader_schedules (reader_id, time_zone)
      select u.id, z.zone from public.users u join zones z on z.k = (hashtext(u.id::text) & 2147483647) % 9
      where u.display_name like 'Bulk %';
      analyze public.reader_schedules;
      -- Two windows on five weekdays, starting on every hour of the day.
      insert into public.reader_hours (reader_id, weekday, starts, ends)
      select s.reader_id, d, make_time(w, 0, 0), make_time(w, 0, 0) + interval '90 minutes'
      from public.reader_schedules s
      cross join generate_series(1, 5) as d
      cross join lateral (values ((hashtext(s.reader_id::text) & 2147483647) % 11), (12 + (hashtext(s.reader_id::text || d) & 2147483647) % 10)) as v (w)
      where s.reader_id in (select id from public.users where display_name like 'Bulk %');
      analyze;
    `,
    );
  }, 300_000);

  async function plan(query: string, values: unknown[] = []): Promise<string> {
    const rows = await sql<{ 'QUERY PLAN': string }>(stack, `explain ${query}`, values);
    return rows.map((r) => r['QUERY PLAN']).join('\n');
  }

  test('a third of them have a next window, kept by the triggers (and the job) as the rule says', async () => {
    // One transaction, one now(): the job moves on what ended since the set-up, then the check.
    const check = new pg.Client({ connectionString: stack.dbUrl });
    await check.connect();
    await check.query('begin');
    await check.query('select private.refresh_reader_next_windows()');
    const {
      rows: [row],
    } = await check.query<{ with_window: number; wrong: number }>(
      `select count(*) filter (where u.next_window_starts_at is not null)::int as with_window,
              count(*) filter (where (u.next_window_starts_at, u.next_window_ends_at) is distinct from (w.starts_at, w.ends_at))::int as wrong
       from public.users u left join lateral private.next_reader_window(u.id, now()) w on true
       where u.display_name like 'Bulk 4%'`,
    );
    await check.query('commit');
    await check.end();
    expect(row!.with_window).toBeGreaterThan(2_000);
    expect(row!.wrong).toBe(0);
  });

  test('"Available later today" reads the next-window index in order, with no sort, and stops after the page', async () => {
    const page = `select * from public.reader_cards
      where next_window_starts_at > $1 and next_window_starts_at < $2 and recorded_status <> 'available' and status <> 'available'
      order by next_window_starts_at, average_rating desc, id limit 24`;
    const [{ now }] = (await sql<{ now: Date }>(stack, 'select now()')) as [{ now: Date }];
    const bounds = [now.toISOString(), new Date(now.getTime() + 10 * 3600_000).toISOString()];
    const shown = await plan(page, bounds);
    expect(shown).toMatch(/Index Scan using users_next_window_idx/);
    expect(shown).not.toMatch(/Sort|Seq Scan on users/);
  });

  test("the minute job reads only the due readers' range, and moves at most 10,000 of them a run", async () => {
    const job = await plan(
      `select s.reader_id from public.reader_schedules s where s.next_window_refresh_at <= now() order by s.next_window_refresh_at limit 10000 for update skip locked`,
    );
    expect(job).toMatch(/reader_schedules_refresh_idx/);
    expect(job).not.toMatch(/Seq Scan/);
    // The rule's own lookups: the schedule by key, the hours by the exclusion constraint's index.
    const body = await plan(`select h.* from public.reader_hours h where h.reader_id = $1 and h.weekday = 3`, [
      (await sql<{ reader_id: string }>(stack, 'select reader_id from public.reader_schedules limit 1'))[0]!.reader_id,
    ]);
    expect(body).toMatch(/reader_hours_no_overlap/);

    // Whatever ended since the set-up first, then 12,000 readers whose windows ended a minute ago.
    await sql(stack, 'select private.refresh_reader_next_windows()');
    await sql(
      stack,
      `update public.users u set next_window_ends_at = now() - interval '1 minute'
       from (select reader_id from public.reader_schedules order by reader_id limit 12000) d where u.id = d.reader_id;
       update public.reader_schedules s set next_window_refresh_at = now() - interval '1 minute'
       where s.reader_id in (select reader_id from public.reader_schedules order by reader_id limit 12000)`,
    );
    const run = async () => {
      const started = Date.now();
      const [{ changed }] = (await sql<{ changed: number }>(stack, 'select private.refresh_reader_next_windows() as changed')) as [{ changed: number }];
      return { changed, took: Date.now() - started };
    };
    // At most 10,000 a run; the rest in the next.
    const first = await run();
    expect(first.changed).toBe(10_000);
    expect(first.took).toBeLessThan(30_000);
    expect((await run()).changed).toBeGreaterThanOrEqual(2_000);
    expect((await sql(stack, 'select count(*)::int as due from public.reader_schedules where next_window_refresh_at <= now()'))[0]).toEqual({ due: 0 });
  }, 60_000);
});
