/**
 * Every cache key of presence statistics. Each includes the signed-in viewer's id, so what one
 * person read never shows for the next who signs in on this browser.
 */
export const presenceStatsKeys = {
  all: ['presence-stats'] as const,
  /** A reader's days: `readerId` null for the viewer's own. */
  days: (viewerId: string, readerId: string | null) => [...presenceStatsKeys.all, 'days', viewerId, readerId] as const,
  readers: (viewerId: string, search: string) => [...presenceStatsKeys.all, 'readers', viewerId, search] as const,
};
