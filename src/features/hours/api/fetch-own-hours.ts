import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** A weekly window as stored: ISO weekday (Monday 1) and local times ('18:00:00', '24:00:00'). */
export interface SavedWindow {
  id: number;
  weekday: number;
  starts: string;
  ends: string;
}

/** A reader's hours as the database holds them. */
export interface SavedHours {
  /** Null until the reader first saves their hours. */
  timeZone: string | null;
  windows: SavedWindow[];
  /** Dates (YYYY-MM-DD) in the reader's calendar. */
  daysOff: string[];
}

/** The signed-in reader's time zone, weekly windows and days off. */
export async function fetchOwnHours(client: AppSupabaseClient, readerId: string): Promise<SavedHours> {
  const [schedule, windows, daysOff] = await Promise.all([
    client.from('reader_schedules').select('time_zone').eq('reader_id', readerId).maybeSingle().overrideTypes<{ time_zone: string } | null, { merge: false }>(),
    client
      .from('reader_hours')
      .select('id, weekday, starts, ends')
      .eq('reader_id', readerId)
      .order('weekday')
      .order('starts')
      .overrideTypes<SavedWindow[], { merge: false }>(),
    client.from('reader_days_off').select('day').eq('reader_id', readerId).order('day').overrideTypes<{ day: string }[], { merge: false }>(),
  ]);
  return {
    timeZone: unwrap(schedule)?.time_zone ?? null,
    windows: unwrap(windows),
    daysOff: unwrap(daysOff).map(({ day }) => day),
  };
}
