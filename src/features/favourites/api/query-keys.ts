/**
 * Every cache key of a client's favourites and availability notifications. Each includes the
 * signed-in user's id, so one person's list never shows for the next who signs in on this browser.
 */
export const favouriteKeys = {
  all: ['favourites'] as const,
  list: (userId: string) => [...favouriteKeys.all, 'list', userId] as const,
};

export const notificationKeys = {
  all: ['availability-notifications'] as const,
  list: (userId: string) => [...notificationKeys.all, 'list', userId] as const,
};
