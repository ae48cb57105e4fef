import type { Page } from '@playwright/test';
import { ageDevice, auditOf } from '../../tests/support/presence-fixtures.ts';
import {
  closeTab,
  expect,
  expectAvailable,
  expectNotReloaded,
  expectOffline,
  markPage,
  ONE_POLL_MS,
  ownStatus,
  READERS,
  readerCard,
  signIn,
  statusOf,
  test,
  type Database,
} from '../fixtures.ts';

const rowan = READERS.rowan;

const auditTrail = (db: Database, readerId: string) => auditOf((text, values) => db.query(text, values), readerId);

function countHeartbeats(page: Page): { count: number } {
  const counter = { count: 0 };
  page.on('request', (request) => {
    if (request.url().includes('/rest/v1/rpc/reader_heartbeat')) counter.count += 1;
  });
  return counter;
}

test('2 and 3. a reader signs in and a client sees them turn Available without reloading; signing out turns them Offline, audited once each way', async ({
  people,
  db,
  shot,
}) => {
  const client = await people.open();
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  await markPage(client.page);

  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expect(ownStatus(reader.page)).toHaveAccessibleName(/^Your status: Available/);

  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);
  await expectNotReloaded(client.page);
  await shot(client.page, 'client-sees-reader-online');

  await reader.page.getByRole('button', { name: 'Sign out' }).click();
  await expect(reader.page.getByRole('link', { name: 'Sign in' })).toBeVisible();
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  await expectNotReloaded(client.page);
  await shot(client.page, 'client-sees-reader-offline');

  expect(await auditTrail(db, rowan.id)).toEqual([
    { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
    { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
  ]);
});

test('4. a reader who closes the tab without signing out goes offline at once (keepalive), not after five minutes', async ({ people, db }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  await closeTab(reader.page);

  await expect.poll(() => statusOf(db, rowan.id), { timeout: 5_000 }).toBe('offline');
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  expect((await auditTrail(db, rowan.id)).at(-1)).toEqual({ old_status: 'available', new_status: 'offline', cause: 'sign_out' });
});

test('5. two tabs of one reader: one heartbeats; closing one keeps them Available, closing both makes them Offline', async ({ people, db }) => {
  const client = await people.open();
  const reader = await people.open({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  const secondTab = await reader.context.newPage();
  const beats = [countHeartbeats(reader.page), countHeartbeats(secondTab)];
  await secondTab.goto('/readers');
  await expect(secondTab.getByRole('button', { name: 'Sign out' })).toBeVisible();

  await secondTab.waitForTimeout(ONE_POLL_MS);
  const counts = beats.map((counter) => counter.count);
  // One leader for the browser: the other tab sends nothing.
  expect(counts.filter((count) => count > 0)).toHaveLength(1);
  const leaderIndex = counts[0]! > 0 ? 0 : 1;
  const [leader, follower] = leaderIndex === 0 ? [reader.page, secondTab] : [secondTab, reader.page];
  const followerBeats = beats[1 - leaderIndex]!;

  await closeTab(leader);
  await follower.waitForTimeout(ONE_POLL_MS);
  expect(await statusOf(db, rowan.id)).toBe('available');
  expect(followerBeats.count).toBeGreaterThan(0);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  await closeTab(follower);
  await expect.poll(() => statusOf(db, rowan.id), { timeout: 5_000 }).toBe('offline');
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  expect(await auditTrail(db, rowan.id)).toEqual([
    { old_status: 'offline', new_status: 'available', cause: 'heartbeat' },
    { old_status: 'available', new_status: 'offline', cause: 'sign_out' },
  ]);
});

test('6. a reader whose browser just stops stays Available until the five-minute rule and the inactivity job turn them Offline', async ({
  people,
  db,
  shot,
}) => {
  const client = await people.open();
  const reader = await people.openInOwnBrowser({ path: '/sign-in' });
  await signIn(reader.page, rowan.email);
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  // Killed with no last word (a crash, a power cut, a lid closed): the browser process dies, so no
  // unload handler runs and no keepalive request leaves.
  reader.crash();
  await client.page.waitForTimeout(ONE_POLL_MS);
  expect(await statusOf(db, rowan.id)).toBe('available');
  await expectAvailable(readerCard(client.page, rowan.name), rowan.name);

  // Six minutes pass, in the database rather than on the clock.
  const [device] = await db.query<{ session_id: string }>('select session_id from private.reader_devices where reader_id = $1', [rowan.id]);
  await ageDevice((text, values) => db.query(text, values), device!.session_id, { heardAgo: '6 minutes' });
  await db.query('select public.mark_inactive_readers_offline()');

  const [row] = await db.query<{ recorded_status: string }>('select recorded_status::text from public.users where id = $1', [rowan.id]);
  expect(row?.recorded_status).toBe('offline');
  await expectOffline(readerCard(client.page, rowan.name), rowan.name);
  await expect(readerCard(client.page, rowan.name).getByText('last seen 6 minutes ago')).toBeVisible();
  expect((await auditTrail(db, rowan.id)).at(-1)).toEqual({ old_status: 'available', new_status: 'offline', cause: 'inactivity' });
  await shot(client.page, 'reader-timed-out');
});
