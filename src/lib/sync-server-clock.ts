import type { AppSupabaseClient } from '@/lib/create-supabase-client';
import type { ServerClock } from '@/lib/server-clock';

// Clocks drift by seconds a day; presence is judged in minutes.
const SERVER_TIME_MAX_AGE_MS = 10 * 60_000;

/**
 * Asks the database for the time unless a response told it recently. Browsers on another origin
 * never see the Date header, so without this a client's wrong clock would decide who is online.
 */
export async function syncServerClock(client: AppSupabaseClient, clock: ServerClock, maxAgeMs = SERVER_TIME_MAX_AGE_MS): Promise<void> {
  if (!clock.isStale(maxAgeMs)) return;
  const { data, error } = await client.rpc('server_time');
  if (error) throw error;
  clock.observe(new Date(data as string));
}
