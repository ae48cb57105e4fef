import type { SavedHours } from '@/features/hours/api/fetch-own-hours';
import type { WindowValues } from '@/features/hours/api/write-hours';

/** A window as the editor holds it: `id` once saved; times as `<input type="time">` gives them ('18:00', '' when not set). */
export interface WindowDraft {
  key: string;
  id: number | null;
  weekday: number;
  starts: string;
  ends: string;
}

export interface HoursDraft {
  timeZone: string;
  windows: WindowDraft[];
  /** YYYY-MM-DD, in calendar order. */
  daysOff: string[];
}

/** ISO weekdays, as the database numbers them (Monday 1). */
export const WEEKDAYS = [
  { weekday: 1, name: 'Monday' },
  { weekday: 2, name: 'Tuesday' },
  { weekday: 3, name: 'Wednesday' },
  { weekday: 4, name: 'Thursday' },
  { weekday: 5, name: 'Friday' },
  { weekday: 6, name: 'Saturday' },
  { weekday: 7, name: 'Sunday' },
] as const;

// A time input cannot say 24:00, which the database takes as the end of the day: an end of 00:00
// (which could never come after a start) stands for it in the editor.
const END_OF_DAY = '24:00';
const MIDNIGHT = '00:00';

/** A stored time ('18:00:00') as a time input shows it ('18:00'); the end of the day as 00:00. */
export function toInputTime(stored: string): string {
  const time = stored.slice(0, 5);
  return time === END_OF_DAY ? MIDNIGHT : time;
}

/** What the database stores for a window typed in the editor. */
export function toWindowValues({ weekday, starts, ends }: Pick<WindowDraft, 'weekday' | 'starts' | 'ends'>): WindowValues {
  return { weekday, starts, ends: ends === MIDNIGHT ? END_OF_DAY : ends };
}

/** The editor's starting point: what is saved, or the browser's own time zone before the first save. */
export function draftFrom(saved: SavedHours, browserTimeZone: string): HoursDraft {
  return {
    timeZone: saved.timeZone ?? browserTimeZone,
    windows: saved.windows.map((window) => ({
      key: `saved-${window.id}`,
      id: window.id,
      weekday: window.weekday,
      starts: toInputTime(window.starts),
      ends: toInputTime(window.ends),
    })),
    daysOff: [...saved.daysOff],
  };
}

export function withWindowAdded(draft: HoursDraft, weekday: number, key: string): HoursDraft {
  return { ...draft, windows: [...draft.windows, { key, id: null, weekday, starts: '', ends: '' }] };
}

export function withWindowRemoved(draft: HoursDraft, key: string): HoursDraft {
  return { ...draft, windows: draft.windows.filter((window) => window.key !== key) };
}

export function withWindowChanged(draft: HoursDraft, key: string, change: Partial<Pick<WindowDraft, 'starts' | 'ends' | 'id'>>): HoursDraft {
  return { ...draft, windows: draft.windows.map((window) => (window.key === key ? { ...window, ...change } : window)) };
}

/** A day off once, in calendar order (a date is a day off or not: adding it twice changes nothing). */
export function withDayOffAdded(draft: HoursDraft, day: string): HoursDraft {
  if (day === '' || draft.daysOff.includes(day)) return draft;
  return { ...draft, daysOff: [...draft.daysOff, day].sort() };
}

export function withDayOffRemoved(draft: HoursDraft, day: string): HoursDraft {
  return { ...draft, daysOff: draft.daysOff.filter((d) => d !== day) };
}

/** Windows without both times: nothing to send yet (the database judges every complete one). */
export function incompleteWindows(draft: HoursDraft): string[] {
  return draft.windows.filter((window) => window.starts === '' || window.ends === '').map((window) => window.key);
}

/** One write of a save, in the order they are sent. */
export type HoursWrite =
  | { kind: 'time-zone'; timeZone: string }
  | { kind: 'remove-windows'; ids: number[] }
  | { kind: 'change-window'; key: string; id: number; values: WindowValues }
  | { kind: 'add-window'; key: string; values: WindowValues }
  | { kind: 'remove-days-off'; days: string[] }
  | { kind: 'add-day-off'; day: string };

const sameValues = (a: WindowValues, b: WindowValues) => a.weekday === b.weekday && a.starts === b.starts && a.ends === b.ends;

/**
 * The writes that turn what is saved into the draft. The time zone comes first (hours hang from the
 * schedule, and their times mean nothing without it), then removals, which free the places and the
 * day's count that changed and new windows may need, then changes and additions, then days off.
 */
export function planHoursSave(saved: SavedHours, draft: HoursDraft): HoursWrite[] {
  const writes: HoursWrite[] = [{ kind: 'time-zone', timeZone: draft.timeZone.trim() }];
  const kept = new Set(draft.windows.flatMap((window) => (window.id === null ? [] : [window.id])));
  const removed = saved.windows.filter((window) => !kept.has(window.id)).map((window) => window.id);
  if (removed.length > 0) writes.push({ kind: 'remove-windows', ids: removed });

  const savedById = new Map(
    saved.windows.map((window) => [window.id, { weekday: window.weekday, starts: window.starts.slice(0, 5), ends: window.ends.slice(0, 5) }]),
  );
  const inOrder = [...draft.windows].sort((a, b) => a.weekday - b.weekday || a.starts.localeCompare(b.starts));
  for (const window of inOrder) {
    const values = toWindowValues(window);
    const before = window.id === null ? undefined : savedById.get(window.id);
    if (window.id === null || before === undefined) writes.push({ kind: 'add-window', key: window.key, values });
    else if (!sameValues(before, values)) writes.push({ kind: 'change-window', key: window.key, id: window.id, values });
  }

  const daysOffRemoved = saved.daysOff.filter((day) => !draft.daysOff.includes(day));
  if (daysOffRemoved.length > 0) writes.push({ kind: 'remove-days-off', days: daysOffRemoved });
  for (const day of draft.daysOff) if (!saved.daysOff.includes(day)) writes.push({ kind: 'add-day-off', day });
  return writes;
}
