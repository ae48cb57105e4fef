import { unwrap } from '@/lib/api-error';
import type { AppSupabaseClient } from '@/lib/create-supabase-client';

/** A followed reader became available; made by the database only. */
export interface AvailabilityNotification {
  id: number;
  readerId: string;
  displayName: string;
  /** When the database recorded the reader as available. */
  availableAt: string;
  /** When the client marked it read; null while unread. */
  readAt: string | null;
}

interface NotificationRow {
  id: number | string;
  reader_id: string;
  available_at: string;
  read_at: string | null;
  reader: { display_name: string } | null;
}

// The database keeps a week of them; the panel shows the latest few.
export const NOTIFICATIONS_SHOWN = 50;

/** The signed-in client's latest notifications, newest first, with the readers' names. */
export async function fetchAvailabilityNotifications(client: AppSupabaseClient): Promise<AvailabilityNotification[]> {
  const rows = unwrap(
    await client
      .from('availability_notifications')
      .select('id, reader_id, available_at, read_at, reader:reader_cards!reader_id(display_name)')
      .order('available_at', { ascending: false })
      .order('id', { ascending: false })
      .limit(NOTIFICATIONS_SHOWN)
      .overrideTypes<NotificationRow[], { merge: false }>(),
  );
  return rows.map((row) => ({
    id: Number(row.id),
    readerId: row.reader_id,
    // A reader who has left the marketplace has no card any more.
    displayName: row.reader?.display_name ?? 'A reader',
    availableAt: row.available_at,
    readAt: row.read_at,
  }));
}
