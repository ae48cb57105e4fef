import { Bell } from 'lucide-react';
import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router-dom';
import { ApiError } from '@/lib/api-error';
import { SystemNotificationsControl } from '@/features/favourites/components/system-notifications-control';
import { useNotificationList } from '@/features/favourites/hooks/use-availability-notifications';
import { useFavouritesContext } from '@/features/favourites/hooks/favourites-context';
import { notificationText } from '@/features/favourites/utils/format-notification';

const reason = (error: unknown) => (error instanceof ApiError ? error.message : 'Please try again.');

/** The header's notifications: a button with the unread count that opens the list, with "Mark all read". */
export function NotificationsMenu() {
  const { userId } = useFavouritesContext();
  const { notifications, unread, error, retry, isRetrying, markRead } = useNotificationList();
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const button = useRef<HTMLButtonElement>(null);
  if (userId === undefined) return null;

  const close = () => {
    setOpen(false);
    button.current?.focus();
  };
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape' && open) close();
  };
  const now = new Date();

  return (
    <div className="relative" onKeyDown={onKeyDown}>
      <button
        ref={button}
        type="button"
        // The count is part of the name, so it is heard as "Notifications, 2 unread".
        aria-label={unread.length > 0 ? `Notifications, ${unread.length} unread` : 'Notifications'}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen(!open)}
        className="flex items-center gap-1.5 rounded-md px-3 py-2 text-sm font-medium text-mist-300 hover:bg-night-800 hover:text-gold-300"
      >
        <Bell aria-hidden="true" className="size-4" />
        Notifications
        {unread.length > 0 && (
          <span aria-hidden="true" className="rounded-full bg-gold-400 px-1.5 text-xs font-semibold text-night-950">
            {unread.length}
          </span>
        )}
      </button>
      {open && (
        <section
          id={panelId}
          aria-label="Notifications"
          className="absolute right-0 z-40 mt-2 w-80 max-w-[calc(100vw-2rem)] space-y-3 rounded-lg border border-night-700 bg-night-900 p-4 text-sm shadow-lg shadow-night-950/60"
        >
          {error !== null && notifications === undefined && (
            <div role="alert" className="space-y-2 text-rose-200">
              <p>Your notifications could not be loaded. {reason(error)}</p>
              <button type="button" onClick={retry} disabled={isRetrying} className="font-medium text-gold-400 hover:text-gold-300 disabled:opacity-60">
                {isRetrying ? 'Retrying…' : 'Try again'}
              </button>
            </div>
          )}
          {notifications === undefined && error === null && <p className="text-mist-300">Loading notifications…</p>}
          {notifications?.length === 0 && (
            <p className="text-mist-300">No notifications yet. Turn on &quot;Notify me when available&quot; on a favourite reader&apos;s page.</p>
          )}
          {notifications && notifications.length > 0 && (
            <ul aria-label="Availability notifications" className="max-h-80 space-y-1 overflow-y-auto">
              {notifications.map((notification) => (
                <li key={notification.id} className="flex items-center gap-2">
                  <span aria-hidden="true" className={`size-2 shrink-0 rounded-full ${notification.readAt === null ? 'bg-gold-400' : 'bg-transparent'}`} />
                  <Link
                    to={`/readers/${notification.readerId}`}
                    onClick={() => setOpen(false)}
                    className={`rounded hover:underline hover:underline-offset-4 ${notification.readAt === null ? 'font-medium text-mist-100' : 'text-mist-300'}`}
                  >
                    {notificationText(notification, { now })}
                    {notification.readAt === null && <span className="sr-only"> (unread)</span>}
                  </Link>
                </li>
              ))}
            </ul>
          )}
          {markRead.isError && (
            <p role="alert" className="text-rose-300">
              They could not be marked read. {reason(markRead.error)}
            </p>
          )}
          <div className="flex flex-wrap items-center justify-between gap-2 border-t border-night-700 pt-3">
            <SystemNotificationsControl />
            {notifications && notifications.length > 0 && (
              // aria-disabled rather than disabled: the button keeps the keyboard focus once all are read.
              <button
                type="button"
                onClick={() => {
                  if (unread.length > 0 && !markRead.isPending) markRead.mutate(unread.map((notification) => notification.id));
                }}
                aria-disabled={unread.length === 0 || markRead.isPending}
                className="font-medium text-gold-400 hover:text-gold-300 aria-disabled:cursor-default aria-disabled:opacity-60"
              >
                {markRead.isPending ? 'Marking read…' : 'Mark all read'}
              </button>
            )}
          </div>
        </section>
      )}
    </div>
  );
}
