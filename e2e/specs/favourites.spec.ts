import type { BrowserContext, Page } from '@playwright/test';
import { expect, expectOffline, READERS, readerCard, signIn, signOut, test, type Database } from '../fixtures.ts';

const rowan = READERS.rowan;
const luna = READERS.luna;
const CLIENT_EMAIL = 'client@demo.test';

/** How long a pushed notification may take to show: "within seconds". */
const NOTIFIED_WITHIN_MS = 5_000;

/** Records every system notification the person's tabs make, keeping the browser's own behaviour. */
async function recordSystemNotifications(context: BrowserContext) {
  await context.addInitScript(() => {
    const Original = window.Notification;
    const shown: Array<{ title: string; tag?: string }> = [];
    class Recording extends Original {
      constructor(title: string, options?: NotificationOptions) {
        super(title, options);
        shown.push({ title, tag: options?.tag });
      }
    }
    Object.assign(window, { __systemNotifications: shown, Notification: Recording });
  });
}

const systemNotificationsOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { __systemNotifications: Array<{ title: string; tag?: string }> }).__systemNotifications);

/** A client signed in on a reader's page, who stars them and asks to be told when they are available. */
async function followWithNotifications(page: Page, reader: { id: string; name: string }) {
  await page.goto(`/readers/${reader.id}`);
  await page.getByRole('button', { name: `Add ${reader.name} to favourites` }).click();
  await expect(page.getByRole('button', { name: `Remove ${reader.name} from favourites` })).toHaveAttribute('aria-pressed', 'true');
  const notify = page.getByRole('button', { name: 'Notify me when available' });
  await notify.click();
  await expect(notify).toHaveAttribute('aria-pressed', 'true');
}

async function notificationsOf(db: Database, readerId: string) {
  return db.query<{ client_id: string; read_at: Date | null }>('select client_id, read_at from public.availability_notifications where reader_id = $1', [
    readerId,
  ]);
}

test('21. a client follows a reader with notifications on; when the reader is available every tab says so within seconds, and one system notification is shown', async ({
  people,
  db,
  shot,
}) => {
  const client = await people.open({ path: '/sign-in', permissions: ['notifications'] });
  await recordSystemNotifications(client.context);
  await signIn(client.page, CLIENT_EMAIL);
  await followWithNotifications(client.page, rowan);
  // Permission was granted in this browser: the panel says so instead of offering to ask.
  await client.page.getByRole('button', { name: /^Notifications/ }).click();
  await expect(client.page.getByRole('region', { name: 'Notifications' }).getByText('System notifications are on for this browser.')).toBeVisible();
  await client.page.keyboard.press('Escape');
  const secondTab = await client.context.newPage();
  await secondTab.goto('/readers');
  await expect(secondTab.getByRole('button', { name: /^Notifications/ })).toBeVisible();

  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);

  for (const tab of [client.page, secondTab]) {
    const toast = tab.getByTestId('availability-toast');
    await expect(toast).toHaveText(new RegExp(`${rowan.name} is available now`), { timeout: NOTIFIED_WITHIN_MS });
    await expect(toast.getByRole('link', { name: `Open ${rowan.name}'s page` })).toHaveAttribute('href', `/readers/${rowan.id}`);
  }
  await shot(client.page, 'notified');
  // One notification in the database, one system notification in the browser, however many tabs.
  expect(await notificationsOf(db, rowan.id)).toHaveLength(1);
  await expect
    .poll(async () => [...(await systemNotificationsOf(client.page)), ...(await systemNotificationsOf(secondTab))].map((shown) => shown.title))
    .toEqual([`${rowan.name} is available now`]);

  // Signing out and in again within ten minutes tells nobody again.
  await signOut(reader.page);
  await signIn(reader.page, rowan.email);
  await expect
    .poll(() => db.query("select count(*)::int as n from public.presence_audit_log where user_id = $1 and new_status = 'available'", [rowan.id]))
    .toEqual([{ n: 2 }]);
  expect(await notificationsOf(db, rowan.id)).toHaveLength(1);
});

test('22. a client who had no tab open finds the notification listed on the next visit, and marks it read', async ({ people, db }) => {
  const client = await people.open({ path: '/sign-in' });
  await signIn(client.page, CLIENT_EMAIL);
  await followWithNotifications(client.page, rowan);
  await client.page.close();

  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expect.poll(async () => (await notificationsOf(db, rowan.id)).length).toBe(1);

  const later = await client.context.newPage();
  await later.goto('/readers');
  const bell = later.getByRole('button', { name: 'Notifications, 1 unread' });
  await bell.click();
  const panel = later.getByRole('region', { name: 'Notifications' });
  const [{ available_at }] = (await db.query<{ available_at: Date }>('select available_at from public.availability_notifications where reader_id = $1', [
    rowan.id,
  ])) as [{ available_at: Date }];
  const at = await later.evaluate((iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }), available_at.toISOString());
  await expect(panel.getByRole('link', { name: new RegExp(`^${rowan.name} was available at ${at}`) })).toBeVisible();
  // Listed, not announced again as if it had just happened.
  await expect(later.getByTestId('availability-toast')).toHaveCount(0);

  await panel.getByRole('button', { name: 'Mark all read' }).click();
  await expect(later.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();
  await expect.poll(async () => (await notificationsOf(db, rowan.id))[0]?.read_at).not.toBeNull();
});

test('23. a reader in London sets hours; a client in New York sees the next window in New York time', async ({ people, db, shot }) => {
  const reader = await people.open({ path: '/sign-in', timezoneId: 'Europe/London' });
  await signIn(reader.page, rowan.email);
  await reader.page.goto('/profile');
  const form = reader.page.getByRole('form', { name: 'Your hours' });
  await expect(form.getByRole('combobox', { name: 'Time zone' })).toHaveValue('Europe/London');
  // Tomorrow in London, so the window is ahead whatever the time of day.
  const tomorrow = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'Europe/London' }).format(new Date(Date.now() + 24 * 3600_000));
  await form.getByRole('button', { name: `Add a window on ${tomorrow}` }).click();
  await form.getByLabel(`${tomorrow} window 1 starts`).fill('18:00');
  await form.getByLabel(`${tomorrow} window 1 ends`).fill('22:00');
  await form.getByRole('button', { name: 'Save hours' }).click();
  await expect(reader.page.getByRole('status').filter({ hasText: 'Your hours are saved.' })).toBeVisible();
  await signOut(reader.page);

  const [{ starts }] = (await db.query<{ starts: Date }>('select next_window_starts_at as starts from public.reader_cards where id = $1', [rowan.id])) as [
    { starts: Date },
  ];
  const inZone = (zone: string) => new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone }).format(starts);
  expect(inZone('Europe/London')).toBe('18:00');

  const client = await people.open({ timezoneId: 'America/New_York' });
  const card = readerCard(client.page, rowan.name);
  await expectOffline(card, rowan.name);
  const line = card.getByTestId('next-window');
  await expect(line).toContainText(inZone('America/New_York'));
  await expect(line).not.toContainText('18:00');
  await shot(client.page, 'next-window-in-new-york');
});

test('24. favourites by keyboard: star from the cards, filter the list to them, unstar; visitors see no star', async ({ people }) => {
  const visitor = await people.open();
  await expect(readerCard(visitor.page, luna.name)).toBeVisible();
  await expect(visitor.page.getByRole('button', { name: /to favourites$/ })).toHaveCount(0);

  const client = await people.open({ path: '/sign-in' });
  await signIn(client.page, CLIENT_EMAIL);
  await client.page.goto('/readers');
  for (const reader of [luna, rowan]) {
    const star = client.page.getByRole('button', { name: `Add ${reader.name} to favourites` });
    await star.focus();
    await client.page.keyboard.press('Enter');
    await expect(client.page.getByRole('button', { name: `Remove ${reader.name} from favourites` })).toHaveAttribute('aria-pressed', 'true');
  }
  // The filter lives in the address: the box shows checked once the page has read it back.
  await client.page.getByRole('checkbox', { name: 'Your favourites' }).click();
  await expect(client.page.getByRole('checkbox', { name: 'Your favourites' })).toBeChecked();
  await expect(client.page).toHaveURL(/favourites=1/);
  await expect(client.page.getByRole('article')).toHaveCount(2);

  await client.page.getByRole('button', { name: `Remove ${luna.name} from favourites` }).click();
  await expect(client.page.getByRole('article')).toHaveCount(1);
  await expect(readerCard(client.page, rowan.name)).toBeVisible();
});
