/**
 * Every cache key of reader applications. Each includes the signed-in user's id, so what one person
 * read never shows for the next who signs in on this browser.
 */
export const applicationKeys = {
  all: ['reader-applications'] as const,
  own: (userId: string) => [...applicationKeys.all, 'own', userId] as const,
  pending: (adminId: string) => [...applicationKeys.all, 'pending', adminId] as const,
};
