import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { SavedHours } from '@/features/hours/api/fetch-own-hours';
import { addDayOff, addWindow, changeWindow, removeDaysOff, removeWindows, saveTimeZone } from '@/features/hours/api/write-hours';
import { planHoursSave, type HoursDraft, type HoursWrite } from '@/features/hours/utils/hours-draft';
import { hoursErrorMessage, isRuleRefusal } from '@/features/hours/utils/hours-errors';

/** The field a refusal belongs to: the time zone, a window (its key), or a day off. */
export const TIME_ZONE_FIELD = 'time-zone';
export const dayOffField = (day: string) => `day-off-${day}`;

export interface SaveOutcome {
  /** The database's refusals in words, by field. */
  errors: Record<string, string>;
  /** The ids of the windows added, by key. */
  addedIds: Record<string, number>;
  /** A failure that belongs to no one field (no answer, a removal refused). */
  failure: string | null;
}

type WindowWrite = Extract<HoursWrite, { kind: 'change-window' | 'add-window' }>;

/**
 * Writes the draft over what is saved, in the plan's order, one write per window or day so each
 * refusal lands beside its field. Refused windows are tried again after the others while that
 * saves more, since a window may only fit once another has moved (10:00-14:00 where 13:00-15:00
 * was, moving to 15:00). What was saved stays saved; the draft keeps the rest for another try.
 */
export async function saveHours(client: AppSupabaseClient, readerId: string, saved: SavedHours, draft: HoursDraft): Promise<SaveOutcome> {
  const outcome: SaveOutcome = { errors: {}, addedIds: {}, failure: null };
  const writes = planHoursSave(saved, draft);
  const stop = (error: unknown, field?: string) => {
    if (field && isRuleRefusal(error)) outcome.errors[field] = hoursErrorMessage(error);
    else outcome.failure = hoursErrorMessage(error);
    return outcome;
  };

  for (const write of writes) {
    if (write.kind !== 'time-zone' && write.kind !== 'remove-windows') continue;
    try {
      if (write.kind === 'time-zone') await saveTimeZone(client, readerId, write.timeZone);
      else await removeWindows(client, write.ids);
    } catch (error) {
      // Without the zone (or with windows still in the way) nothing else would be right.
      return stop(error, write.kind === 'time-zone' ? TIME_ZONE_FIELD : undefined);
    }
  }

  let pending = writes.filter((write): write is WindowWrite => write.kind === 'change-window' || write.kind === 'add-window');
  while (pending.length > 0) {
    const refused: { write: WindowWrite; error: unknown }[] = [];
    for (const write of pending) {
      try {
        if (write.kind === 'add-window') outcome.addedIds[write.key] = await addWindow(client, readerId, write.values);
        else await changeWindow(client, write.id, write.values);
      } catch (error) {
        if (!isRuleRefusal(error)) return stop(error);
        refused.push({ write, error });
      }
    }
    if (refused.length === pending.length) {
      for (const { write, error } of refused) outcome.errors[write.key] = hoursErrorMessage(error);
      break;
    }
    pending = refused.map(({ write }) => write);
  }

  for (const write of writes) {
    try {
      if (write.kind === 'remove-days-off') await removeDaysOff(client, readerId, write.days);
      else if (write.kind === 'add-day-off') await addDayOff(client, readerId, write.day);
    } catch (error) {
      if (write.kind === 'add-day-off' && isRuleRefusal(error)) outcome.errors[dayOffField(write.day)] = hoursErrorMessage(error);
      else return stop(error);
    }
  }
  return outcome;
}
