import type { AvailabilityNotification } from '@/features/favourites/api/fetch-availability-notifications';

/**
 * The database's push of each new availability notification: a broadcast on the client's own private
 * topic (only they may join it, nobody but the database may send on it), with this event name.
 */
export const notificationsChannel = (userId: string) => `notifications:${userId}`;
export const AVAILABLE_EVENT = 'available';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$/;
// Names are 80 characters at most in the database; the bound only keeps megabytes off the screen.
const MAX_NAME_LENGTH = 500;

/** The notification an `available` broadcast carries, or null for anything else: every field is checked, only known ones kept. */
export function parseAvailabilityPush(payload: unknown): AvailabilityNotification | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { id, reader_id, display_name, available_at } = payload as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return null;
  if (typeof reader_id !== 'string' || !UUID.test(reader_id)) return null;
  if (typeof display_name !== 'string' || display_name.trim() === '' || display_name.length > MAX_NAME_LENGTH) return null;
  if (typeof available_at !== 'string' || !ISO_TIMESTAMP.test(available_at) || !Number.isFinite(Date.parse(available_at))) return null;
  return { id, readerId: reader_id.toLowerCase(), displayName: display_name, availableAt: available_at, readAt: null };
}
