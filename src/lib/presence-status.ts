/** A reader's effective status, as the database computes it (public.presence_status). */
export type PresenceStatus = 'available' | 'busy' | 'away' | 'offline';

/** Words for each status, so no status is told by colour alone. */
export const STATUS_WORDS: Record<PresenceStatus, string> = {
  available: 'Available',
  busy: 'In a reading',
  away: 'Away',
  offline: 'Offline',
};

/** "Selene is …": why a video reading cannot start now. */
export const UNAVAILABLE_BECAUSE: Record<Exclude<PresenceStatus, 'available'>, string> = {
  busy: 'is in a reading',
  away: 'is away',
  offline: 'is offline',
};
