import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Favourite } from '@/features/favourites/api/fetch-favourites';
import { favouriteKeys } from '@/features/favourites/api/query-keys';
import { useFavouritesContext } from '@/features/favourites/hooks/favourites-context';
import { restoreFavourite, withFavourite, withNotify, withoutFavourite } from '@/features/favourites/utils/favourite-list';

/** The signed-in client's favourites; undefined while they load, and for nobody signed in. */
export function useFavourites() {
  const { api, userId } = useFavouritesContext();
  const { data, error } = useQuery({ queryKey: favouriteKeys.list(userId ?? ''), queryFn: api.listFavourites, enabled: userId !== undefined });
  return { userId, favourites: userId === undefined ? undefined : data, error };
}

/**
 * A change to one reader's favourite, shown at once and undone if the database refuses it; the list
 * is read again afterwards either way, so it ends as the database has it.
 */
function useFavouriteChange<Variables>(
  readerId: string,
  write: (variables: Variables) => Promise<void>,
  change: (list: readonly Favourite[], variables: Variables) => Favourite[],
) {
  const { userId } = useFavouritesContext();
  const queryClient = useQueryClient();
  const key = favouriteKeys.list(userId ?? '');
  return useMutation({
    mutationFn: write,
    onMutate: async (variables) => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData<Favourite[]>(key);
      queryClient.setQueryData<Favourite[]>(key, (list = []) => change(list, variables));
      return { before };
    },
    onError: (_error, _variables, context) => {
      queryClient.setQueryData<Favourite[]>(key, (list = []) => restoreFavourite(list, context?.before, readerId));
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
}

/** Stars (true) or unstars (false) a reader. */
export function useStarReader(readerId: string) {
  const { api } = useFavouritesContext();
  return useFavouriteChange<boolean>(
    readerId,
    (star) => (star ? api.addFavourite(readerId) : api.removeFavourite(readerId)),
    (list, star) => (star ? withFavourite(list, readerId, new Date().toISOString()) : withoutFavourite(list, readerId)),
  );
}

/** Turns "Notify me when available" on or off for a starred reader. */
export function useNotifyWhenAvailable(readerId: string) {
  const { api } = useFavouritesContext();
  return useFavouriteChange<boolean>(
    readerId,
    (notify) => api.setNotify(readerId, notify),
    (list, notify) => withNotify(list, readerId, notify),
  );
}
