import { describe, expect, test } from 'vitest';
import type { SavedHours } from '@/features/hours/api/fetch-own-hours';
import {
  draftFrom,
  incompleteWindows,
  planHoursSave,
  toInputTime,
  toWindowValues,
  withDayOffAdded,
  withWindowAdded,
  withWindowChanged,
  withWindowRemoved,
} from '@/features/hours/utils/hours-draft';

const saved: SavedHours = {
  timeZone: 'Europe/London',
  windows: [
    { id: 1, weekday: 1, starts: '09:00:00', ends: '12:00:00' },
    { id: 2, weekday: 1, starts: '18:00:00', ends: '24:00:00' },
  ],
  daysOff: ['2026-12-24'],
};

describe('times between the database and the editor', () => {
  test('a stored time shows as hours and minutes, and the end of the day as 00:00', () => {
    expect(toInputTime('09:30:00')).toBe('09:30');
    expect(toInputTime('24:00:00')).toBe('00:00');
  });

  test('an end of 00:00 is saved as 24:00, the end of the day; a start of 00:00 stays midnight', () => {
    expect(toWindowValues({ weekday: 5, starts: '00:00', ends: '00:00' })).toEqual({ weekday: 5, starts: '00:00', ends: '24:00' });
  });
});

describe('draftFrom', () => {
  test('starts from what is saved', () => {
    expect(draftFrom(saved, 'America/New_York')).toEqual({
      timeZone: 'Europe/London',
      windows: [
        { key: 'saved-1', id: 1, weekday: 1, starts: '09:00', ends: '12:00' },
        { key: 'saved-2', id: 2, weekday: 1, starts: '18:00', ends: '00:00' },
      ],
      daysOff: ['2026-12-24'],
    });
  });

  test('before the first save, the time zone is the browser’s', () => {
    expect(draftFrom({ timeZone: null, windows: [], daysOff: [] }, 'Australia/Sydney').timeZone).toBe('Australia/Sydney');
  });
});

describe('planHoursSave', () => {
  const draft = draftFrom(saved, 'UTC');

  test('with nothing changed, only the time zone is written (it creates the schedule the first time)', () => {
    expect(planHoursSave(saved, draft)).toEqual([{ kind: 'time-zone', timeZone: 'Europe/London' }]);
  });

  test('writes the zone first, then removals, then changes and additions by day and time, then days off', () => {
    let next = withWindowRemoved(draft, 'saved-1');
    next = withWindowChanged(next, 'saved-2', { ends: '22:00' });
    next = withWindowAdded(next, 3, 'new-0');
    next = withWindowChanged(next, 'new-0', { starts: '10:00', ends: '00:00' });
    next = withWindowAdded(next, 1, 'new-1');
    next = withWindowChanged(next, 'new-1', { starts: '08:00', ends: '09:00' });
    next = withDayOffAdded({ ...next, daysOff: [] }, '2026-12-31');
    next = { ...next, timeZone: ' America/New_York ' };

    expect(planHoursSave(saved, next)).toEqual([
      { kind: 'time-zone', timeZone: 'America/New_York' },
      { kind: 'remove-windows', ids: [1] },
      { kind: 'add-window', key: 'new-1', values: { weekday: 1, starts: '08:00', ends: '09:00' } },
      { kind: 'change-window', key: 'saved-2', id: 2, values: { weekday: 1, starts: '18:00', ends: '22:00' } },
      { kind: 'add-window', key: 'new-0', values: { weekday: 3, starts: '10:00', ends: '24:00' } },
      { kind: 'remove-days-off', days: ['2026-12-24'] },
      { kind: 'add-day-off', day: '2026-12-31' },
    ]);
  });

  test('sends whatever was typed: the database, not the editor, judges order, overlap and limits', () => {
    const next = withWindowChanged(draft, 'saved-1', { starts: '13:00', ends: '11:00' });
    expect(planHoursSave(saved, next)).toContainEqual({ kind: 'change-window', key: 'saved-1', id: 1, values: { weekday: 1, starts: '13:00', ends: '11:00' } });
  });
});

test('a day off is listed once, in calendar order', () => {
  const draft = { timeZone: 'UTC', windows: [], daysOff: ['2026-12-24'] };
  expect(withDayOffAdded(withDayOffAdded(draft, '2026-12-20'), '2026-12-24').daysOff).toEqual(['2026-12-20', '2026-12-24']);
  expect(withDayOffAdded(draft, '')).toBe(draft);
});

test('incompleteWindows names the windows still missing a time', () => {
  const draft = withWindowChanged(withWindowAdded(withWindowAdded(draftFrom(saved, 'UTC'), 2, 'a'), 2, 'b'), 'b', { starts: '10:00' });
  expect(incompleteWindows(draft)).toEqual(['a', 'b']);
});
