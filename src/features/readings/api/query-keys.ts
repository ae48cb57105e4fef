/** Cache keys of a user's readings; each includes the user's id, so one person's never shows for the next. */
export const readingKeys = {
  all: ['readings'] as const,
  history: (userId: string) => [...readingKeys.all, 'history', userId] as const,
};
