import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** Marks these of the client's notifications read, with the server's clock; answers how many it marked. */
export async function markAvailabilityNotificationsRead(client: AppSupabaseClient, notificationIds: readonly number[]): Promise<number> {
  // PostgREST answers an integer function with a bare number.
  return Number(unwrap<unknown>(await client.rpc('mark_availability_notifications_read', { notification_ids: [...notificationIds] })));
}
