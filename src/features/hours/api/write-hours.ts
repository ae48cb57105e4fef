import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

// One write per call, so a refusal names the window or day it is about. The database checks every
// rule (zone, order, minutes, overlap, 4 a day, dates, 60 days off) and the app shows its words.

/** A window's weekday and local times as the database takes them ('18:00', '24:00'). */
export interface WindowValues {
  weekday: number;
  starts: string;
  ends: string;
}

/** Sets the reader's time zone, creating their schedule the first time: hours hang from it. */
export async function saveTimeZone(client: AppSupabaseClient, readerId: string, timeZone: string): Promise<void> {
  unwrap(await client.from('reader_schedules').upsert({ reader_id: readerId, time_zone: timeZone }, { onConflict: 'reader_id' }));
}

/** Adds a window; answers its id. */
export async function addWindow(client: AppSupabaseClient, readerId: string, values: WindowValues): Promise<number> {
  const row = unwrap(
    await client
      .from('reader_hours')
      .insert({ reader_id: readerId, ...values })
      .select('id')
      .single()
      .overrideTypes<{ id: number }, { merge: false }>(),
  );
  return row.id;
}

export async function changeWindow(client: AppSupabaseClient, id: number, values: WindowValues): Promise<void> {
  unwrap(await client.from('reader_hours').update(values).eq('id', id));
}

export async function removeWindows(client: AppSupabaseClient, ids: number[]): Promise<void> {
  unwrap(await client.from('reader_hours').delete().in('id', ids));
}

export async function addDayOff(client: AppSupabaseClient, readerId: string, day: string): Promise<void> {
  unwrap(await client.from('reader_days_off').insert({ reader_id: readerId, day }));
}

export async function removeDaysOff(client: AppSupabaseClient, readerId: string, days: string[]): Promise<void> {
  unwrap(await client.from('reader_days_off').delete().eq('reader_id', readerId).in('day', days));
}
