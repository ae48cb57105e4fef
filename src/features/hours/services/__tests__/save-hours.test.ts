import { describe, expect, test } from 'vitest';
import type { SavedHours } from '@/features/hours/api/fetch-own-hours';
import { saveHours } from '@/features/hours/services/save-hours';
import { draftFrom, withDayOffAdded, withWindowAdded, withWindowChanged } from '@/features/hours/utils/hours-draft';
import { fakeSupabase, type FakeCalls, type FakeResult } from '@/testing/fake-supabase';

const READER = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const WRITES = ['upsert', 'insert', 'update', 'delete'];

/** Each write as `table op args`, answered by `answer` (which may refuse it). */
function database(answer: (write: string, attempt: number) => FakeResult = () => ({ data: { id: 99 }, error: null })) {
  const writes: string[] = [];
  const supabase = fakeSupabase((table: string, calls: FakeCalls) => {
    const [op, args] = calls.find(([method]) => WRITES.includes(method)) ?? ['select', []];
    const filter = calls.filter(([method]) => method === 'eq' || method === 'in').map(([, a]) => a);
    const write = `${table} ${op} ${JSON.stringify(args[0] ?? null)}${filter.length ? ` ${JSON.stringify(filter)}` : ''}`;
    writes.push(write);
    return answer(write, writes.filter((w) => w === write).length);
  });
  return { client: supabase.client, writes };
}

const overlap = { data: null, error: { code: '23P01', message: 'conflicting key value violates exclusion constraint "reader_hours_no_overlap"' }, status: 409 };
const saved: SavedHours = {
  timeZone: 'Europe/London',
  windows: [
    { id: 1, weekday: 1, starts: '10:00:00', ends: '12:00:00' },
    { id: 2, weekday: 1, starts: '13:00:00', ends: '15:00:00' },
  ],
  daysOff: [],
};

describe('saveHours', () => {
  test('writes the time zone first, then each window, then days off; and tells the ids of new windows', async () => {
    const db = database();
    let draft = withWindowAdded(draftFrom({ timeZone: null, windows: [], daysOff: [] }, 'America/New_York'), 5, 'new-0');
    draft = withDayOffAdded(withWindowChanged(draft, 'new-0', { starts: '18:00', ends: '00:00' }), '2026-12-24');

    const outcome = await saveHours(db.client, READER, { timeZone: null, windows: [], daysOff: [] }, draft);

    expect(db.writes).toEqual([
      `reader_schedules upsert {"reader_id":"${READER}","time_zone":"America/New_York"}`,
      `reader_hours insert {"reader_id":"${READER}","weekday":5,"starts":"18:00","ends":"24:00"}`,
      `reader_days_off insert {"reader_id":"${READER}","day":"2026-12-24"}`,
    ]);
    expect(outcome).toEqual({ errors: {}, addedIds: { 'new-0': 99 }, failure: null });
  });

  test('a refused time zone stops the save, with the words beside the zone', async () => {
    const db = database((write) =>
      write.startsWith('reader_schedules')
        ? { data: null, error: { code: '23514', message: 'value for domain time_zone_name violates check constraint "reader_schedules_time_zone_known"' } }
        : { data: { id: 1 }, error: null },
    );
    const draft = withWindowChanged(draftFrom(saved, 'UTC'), 'saved-1', { ends: '11:00' });

    const outcome = await saveHours(db.client, READER, saved, { ...draft, timeZone: 'EST' });

    expect(db.writes).toHaveLength(1);
    expect(outcome.errors).toEqual({ 'time-zone': 'Choose a time zone from the list, written as a place such as Europe/London.' });
  });

  test('a window that only fits once another has moved is tried again after it', async () => {
    // 10:00-12:00 becomes 10:00-14:00 where 13:00-15:00 still is; that one moves to 15:00-17:00.
    const db = database((write, attempt) => (write.includes('"ends":"14:00"') && attempt === 1 ? overlap : { data: null, error: null }));
    let draft = withWindowChanged(draftFrom(saved, 'UTC'), 'saved-1', { ends: '14:00' });
    draft = withWindowChanged(draft, 'saved-2', { starts: '15:00', ends: '17:00' });

    const outcome = await saveHours(db.client, READER, saved, draft);

    expect(db.writes.slice(1)).toEqual([
      'reader_hours update {"weekday":1,"starts":"10:00","ends":"14:00"} [["id",1]]',
      'reader_hours update {"weekday":1,"starts":"15:00","ends":"17:00"} [["id",2]]',
      'reader_hours update {"weekday":1,"starts":"10:00","ends":"14:00"} [["id",1]]',
    ]);
    expect(outcome.errors).toEqual({});
  });

  test('a window the database keeps refusing gets its words; the other windows are saved', async () => {
    const db = database((write) => (write.includes('"starts":"11:00"') ? overlap : { data: { id: 7 }, error: null }));
    let draft = withWindowAdded(draftFrom(saved, 'UTC'), 1, 'clash');
    draft = withWindowChanged(draft, 'clash', { starts: '11:00', ends: '11:30' });
    draft = withWindowAdded(draft, 2, 'fine');
    draft = withWindowChanged(draft, 'fine', { starts: '09:00', ends: '10:00' });

    const outcome = await saveHours(db.client, READER, saved, draft);

    expect(outcome.errors).toEqual({ clash: 'This window overlaps or touches another one that day. Join them into one window, or leave a gap between them.' });
    expect(outcome.addedIds).toEqual({ fine: 7 });
    expect(outcome.failure).toBeNull();
  });

  test('no answer at all stops the save with the general reason', async () => {
    const db = database((write) =>
      write.startsWith('reader_hours') ? { data: null, error: { message: 'Failed to fetch' }, status: 0 } : { data: null, error: null },
    );
    const draft = withWindowChanged(draftFrom(saved, 'UTC'), 'saved-1', { ends: '11:00' });

    const outcome = await saveHours(db.client, READER, saved, draft);

    expect(outcome.failure).toBe('The server cannot be reached. Check your connection and try again.');
    expect(db.writes).toHaveLength(2);
  });
});
