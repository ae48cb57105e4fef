import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useNavigate } from 'react-router-dom';
import { notificationKeys } from '@/features/favourites/api/query-keys';
import { useFavouritesContext } from '@/features/favourites/hooks/favourites-context';
import type { SystemPermission } from '@/features/favourites/services/system-notifications';

/** This tab's toasts, and how to dismiss one. */
export function useAvailabilityToasts() {
  const { notifications } = useFavouritesContext();
  const toasts = useSyncExternalStore(notifications.subscribe, () => notifications.toasts);
  return { toasts, dismiss: (id: number) => notifications.dismiss(id) };
}

/** A click on a system notification opens the reader's page in this app, without a reload. */
export function useReaderOpener() {
  const { notifications } = useFavouritesContext();
  const navigate = useNavigate();
  useEffect(() => notifications.setReaderOpener((readerId) => void navigate(`/readers/${encodeURIComponent(readerId)}`)), [notifications, navigate]);
}

/** The client's latest notifications (the service rereads them while pushes do not arrive), and marking them read. */
export function useNotificationList() {
  const { api, userId } = useFavouritesContext();
  const queryClient = useQueryClient();
  const key = notificationKeys.list(userId ?? '');
  const { data, error, refetch, isFetching } = useQuery({ queryKey: key, queryFn: api.listNotifications, enabled: userId !== undefined });
  const markRead = useMutation({
    mutationFn: (notificationIds: readonly number[]) => api.markRead(notificationIds),
    // read_at is the database's clock: read it back rather than guess it.
    onSettled: () => queryClient.invalidateQueries({ queryKey: key }),
  });
  const notifications = userId === undefined ? undefined : data;
  return {
    notifications,
    unread: notifications?.filter((notification) => notification.readAt === null) ?? [],
    error,
    retry: () => void refetch(),
    isRetrying: isFetching,
    markRead,
  };
}

/** Whether system notifications are allowed, and a request for them (call it from a click only). */
export function useSystemPermission() {
  const { system } = useFavouritesContext();
  const [permission, setPermission] = useState<SystemPermission>(() => system.permission());
  return {
    permission,
    request: async () => setPermission(await system.request()),
  };
}
