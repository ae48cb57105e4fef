/** A reader counts as online this long after their last heartbeat (the database's presence_online_threshold()). */
export const ONLINE_THRESHOLD_MINUTES = 5;
const ONLINE_THRESHOLD_MS = ONLINE_THRESHOLD_MINUTES * 60_000;

export interface StoredPresence {
  is_online: boolean;
  /** Database time of the last heartbeat, as PostgREST returns it (ISO 8601), or null. */
  last_seen_at: string | null;
}

export interface Presence {
  isOnline: boolean;
  lastSeenAt: Date | null;
}

/**
 * The one presence rule, as the database states it: online when the stored flag is set and the
 * last heartbeat is at most five minutes old. `serverNow` is the server's clock (the browser's
 * clock corrected by the offset the server reports), so a wrong client clock changes nothing.
 */
export function derivePresence(stored: StoredPresence, serverNow: Date): Presence {
  const lastSeenAt = stored.last_seen_at ? new Date(stored.last_seen_at) : null;
  const fresh = lastSeenAt !== null && serverNow.getTime() - lastSeenAt.getTime() <= ONLINE_THRESHOLD_MS;
  return { isOnline: stored.is_online && fresh, lastSeenAt };
}
