import type { PresenceStatus } from '@/lib/presence-status';
import { UUID } from '@/features/readers/api/fetch-reader';

/**
 * The database's push of every effective-status transition (never a heartbeat): a Supabase
 * Realtime broadcast on this channel, with this event name and the payload below. The channel is
 * private so that only the database can send on it (realtime.messages lets everyone, anon included,
 * receive and no one insert); on a public one any visitor could broadcast a forged status.
 */
export const READER_PRESENCE_CHANNEL = 'reader-presence';
export const READER_PRESENCE_CHANNEL_OPTIONS = { config: { private: true } };
export const STATUS_EVENT = 'status';

/** A reader's status as others now see it, known without reading the card again. */
export interface ReaderStatusChange {
  readerId: string;
  status: PresenceStatus;
  /** The status message others see; the database sends none for offline. */
  message: string | null;
  /** Undefined when the source does not tell it: the card keeps the one it has. */
  lastSeenAt?: string | null;
}

const STATUSES: readonly string[] = ['available', 'busy', 'away', 'offline'] satisfies PresenceStatus[];

// The database allows 80 characters; the bound only keeps a rogue sender's megabytes off the cards
// without dropping real messages should that limit grow.
export const MAX_MESSAGE_LENGTH = 500;
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}(:?\d{2})?)$/;

function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && ISO_TIMESTAMP.test(value) && Number.isFinite(Date.parse(value));
}

/**
 * The change a `status` broadcast carries, or null for anything else. A message becomes what
 * every visitor sees, so every field is checked and only known fields are kept, whoever sent it.
 */
export function parseReaderStatusChange(payload: unknown): ReaderStatusChange | null {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return null;
  const { reader_id, status, message, last_seen_at } = payload as Record<string, unknown>;
  if (typeof reader_id !== 'string' || !UUID.test(reader_id)) return null;
  if (typeof status !== 'string' || !STATUSES.includes(status)) return null;
  if (message !== null && (typeof message !== 'string' || message.length > MAX_MESSAGE_LENGTH)) return null;
  if (last_seen_at !== null && !isTimestamp(last_seen_at)) return null;
  return { readerId: reader_id.toLowerCase(), status: status as PresenceStatus, message, lastSeenAt: last_seen_at };
}
