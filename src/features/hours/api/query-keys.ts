/** Every cache key of the hours feature's server state. */
export const hoursKeys = {
  all: ['hours'] as const,
  own: (readerId: string) => [...hoursKeys.all, 'own', readerId] as const,
};
