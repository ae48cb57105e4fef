export type SystemPermission = NotificationPermission | 'unsupported';

/** The browser's Notification API, or a stand-in for tests. */
export interface SystemNotifications {
  permission(): SystemPermission;
  /** Asks the person; browsers allow it only from a click. */
  request(): Promise<SystemPermission>;
  /** Shows one; `tag` lets the system replace rather than repeat a notification with the same tag. */
  show(title: string, options: { body: string; tag: string }, onClick: () => void): void;
}

export function browserSystemNotifications(Api: typeof Notification | undefined = globalThis.Notification): SystemNotifications {
  return {
    permission: () => (Api ? Api.permission : 'unsupported'),
    request: async () => (Api ? Api.requestPermission() : 'unsupported'),
    show(title, options, onClick) {
      if (Api?.permission !== 'granted') return;
      const notification = new Api(title, options);
      notification.onclick = () => {
        onClick();
        notification.close();
      };
    },
  };
}
