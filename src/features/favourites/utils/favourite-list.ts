import type { Favourite } from '@/features/favourites/api/fetch-favourites';

/** The list as it will be once the star is added: new favourites first, as the database orders them. */
export function withFavourite(list: readonly Favourite[], readerId: string, createdAt: string): Favourite[] {
  if (list.some((favourite) => favourite.readerId === readerId)) return [...list];
  return [{ readerId, notify: false, createdAt }, ...list];
}

export function withoutFavourite(list: readonly Favourite[], readerId: string): Favourite[] {
  return list.filter((favourite) => favourite.readerId !== readerId);
}

export function withNotify(list: readonly Favourite[], readerId: string, notify: boolean): Favourite[] {
  return list.map((favourite) => (favourite.readerId === readerId ? { ...favourite, notify } : favourite));
}

/**
 * The list with this reader's entry put back as it was in `before` (there or not): undoes one failed
 * change without undoing others made meanwhile.
 */
export function restoreFavourite(list: readonly Favourite[], before: readonly Favourite[] | undefined, readerId: string): Favourite[] {
  const previous = before?.find((favourite) => favourite.readerId === readerId);
  const others = withoutFavourite(list, readerId);
  if (!previous) return others;
  return [...others, previous].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
